"""Staff pages of the policy library: search by industry and keyword, drafting and
editing a draft, revising a policy in force, publishing, repealing, attachments and the
versions. Thin: reads in queries.py, writes in services.py."""

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.reference.models import KeyIndustry

from . import queries, services
from .forms import AttachmentForm, NoteForm, PolicyForm
from .models import Status

VIEW = roles.VIEW_POLICIES
MANAGE = roles.MANAGE_POLICIES
PUBLISH = roles.PUBLISH_POLICIES


def _mine(request, pk):
    """A policy the user may change: their own unit's (scope), drafts and all."""
    from .models import Policy

    return get_object_or_404(Policy.objects.for_user(request.user), pk=pk)


def _filters(params):
    return {
        "q": (params.get("q") or "").strip()[:50],
        "industry": params.get("industry", ""),
        "status": params.get("status", ""),
    }


@exports.register("policies.library", object_type="policies.policy")
def policy_table(user, params):
    """The filtered policy list, every row, with the three parts in full."""
    qs = queries.for_list(user, **_filters(params)).prefetch_related("industries")
    headers = [
        "政策名称",
        "文号",
        "主管部门",
        "适用产业",
        "生效日期",
        "有效期至",
        "版本",
        "状态",
        "扶持办法",
        "实施细则",
        "政策解读",
    ]
    rows = (
        [
            p.title,
            p.doc_number,
            p.department.name,
            "、".join(k.name for k in p.industries.all()),
            p.valid_from,
            p.valid_until,
            f"第{p.edition}版",
            p.get_status_display(),
            p.measures,
            p.rules,
            p.explanation,
        ]
        for p in qs
    )
    return exports.Table("政策库", [("政策", headers, rows)], count=qs.count())


@require(VIEW)
def policy_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "policies.library", request.GET)
    filters = _filters(request.GET)
    q, industry, status = filters["q"], filters["industry"], filters["status"]
    page = paginate(request, queries.for_list(request.user, **filters))
    return render(
        request,
        "policies/policy_list.html",
        {
            "page": page,
            "q": q,
            "industry": industry,
            "status": status,
            "statuses": Status.choices,
            "industries": list(KeyIndustry.objects.values_list("pk", "name")),
        },
    )


@require(MANAGE)
def policy_create(request):
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(actor=request.user, data=form.policy_data())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已保存草稿“{policy.title}”，发布后对外公开。")
            return redirect("policies:policy_detail", pk=policy.pk)
    return render(request, "policies/policy_form.html", {"form": form})


@require(MANAGE)
def policy_edit(request, pk):
    policy = _mine(request, pk)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user,
                policy=policy,
                data=form.policy_data(),
                version=int(request.POST.get("version") or 0),
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("policies:policy_detail", pk=policy.pk)
    return render(request, "policies/policy_form.html", {"form": form, "item": policy})


@require(MANAGE)
def policy_revise(request, pk):
    policy = _mine(request, pk)
    initial = {f: getattr(policy, f) for f in PolicyForm.Meta.fields if f != "industries"}
    initial["industries"] = list(policy.industries.all())
    initial["doc_number"] = ""
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.policy_revise(
                actor=request.user, policy=policy, data=form.policy_data()
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已生成修订稿（第{draft.edition}版），发布后替代原政策。")
            return redirect("policies:policy_detail", pk=draft.pk)
    return render(request, "policies/policy_form.html", {"form": form, "revising": policy})


@require(VIEW)
def policy_detail(request, pk):
    policy = get_object_or_404(
        queries.readable(request.user).select_related("department", "supersedes"), pk=pk
    )
    mine = policy.__class__.objects.for_user(request.user).filter(pk=pk).exists()
    return render(
        request,
        "policies/policy_detail.html",
        {
            "item": policy,
            "mine": mine,
            "versions": queries.history(policy),
            "steps": policy.steps.select_related("actor"),
            "attachments": policy.attachments.all(),
            "attachment_form": AttachmentForm(),
            "note_form": NoteForm(),
        },
    )


@require_POST
@require(PUBLISH)
def policy_publish(request, pk):
    policy = _mine(request, pk)
    try:
        services.policy_publish(actor=request.user, policy=policy)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已发布，门户网站同步公开。")
    return redirect("policies:policy_detail", pk=pk)


@require_POST
@require(PUBLISH)
def policy_repeal(request, pk):
    policy = _mine(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.policy_repeal(
            actor=request.user, policy=policy, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已废止。")
    return redirect("policies:policy_detail", pk=pk)


@require_POST
@require(MANAGE)
def attachment_add(request, pk):
    policy = _mine(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.policy_attachment_add(
            actor=request.user,
            policy=policy,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, "已上传附件。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("policies:policy_detail", pk=pk)


@require(VIEW)
def attachment_download(request, pk, file_pk):
    policy = get_object_or_404(queries.readable(request.user), pk=pk)
    attachment = get_object_or_404(policy.attachments, pk=file_pk)
    name = PurePosixPath(attachment.file.name).name
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )

"""Lead pages: my unit's leads, the pool, registration with the live attribution
warning, the lead page, pushes, and the office's reassignment. Thin: the rules are in
``lead_services``, the reads in ``lead_queries``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common.views import form_errors_to, render_list
from zhaoshang.enterprises import queries as enterprise_queries
from zhaoshang.enterprises.services import DuplicateFound
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.reference.models import KeyIndustry, Region

from ..models import LeadPush, Method
from . import queries, services
from .forms import LeadForm, PushForm, ReasonForm, ReassignForm

VIEW = roles.VIEW_PIPELINE
MANAGE = roles.MANAGE_PIPELINE
COORDINATE = roles.COORDINATE_PIPELINE


def _filter_context(request):
    filters = {k: request.GET.get(k, "").strip() for k in queries.FILTERS}
    return filters, {
        "filters": filters,
        "methods": Method.choices,
        "states": queries.STATES,
        "key_industries": KeyIndustry.objects.values_list("pk", "name"),
        "regions": Region.objects.filter(kind=Region.Kind.PROVINCE).values_list("pk", "name"),
    }


@require(VIEW)
def lead_list(request):
    filters, context = _filter_context(request)
    qs = queries.apply_filters(queries.leads(request.user), filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "pipeline.leads", request.GET)
    context.update(_keyset(request, queries.with_list_relations(qs)))
    return render_list(request, "pipeline/leads/list.html", context)


def _keyset(request, qs):
    query = request.GET.copy()
    query.pop("after", None)
    return {
        "page": queries.page(qs, after=request.GET.get("after")),
        "querystring": query.urlencode(),
    }


@exports.register("pipeline.leads", object_type="pipeline.project")
def lead_table(user, params):
    """The filtered lead list, every row of it."""
    qs = queries.apply_filters(queries.leads(user), params)
    rows = queries.with_list_relations(qs).order_by("-id").iterator(chunk_size=2000)

    def state(p):
        if p.pooled_at:
            return "公海"
        return "推送待处理" if p.has_pending_push else "跟进中"

    return exports.Table(
        "线索清单",
        [
            (
                "线索",
                [
                    "线索名称",
                    "投资企业",
                    "统一社会信用代码",
                    "投资意向",
                    "预计投资额（万元）",
                    "招商方式",
                    "重点产业",
                    "来源地",
                    "引荐人 / 引荐机构",
                    "登记单位",
                    "责任单位",
                    "登记日期",
                    "最近台账日期",
                    "状态",
                ],
                (
                    [
                        p.name,
                        p.enterprise.name,
                        p.enterprise.credit_code or "",
                        p.description,
                        formats.wan(p.estimated_investment),
                        p.get_method_display(),
                        p.key_industry.name if p.key_industry else "",
                        p.origin_region.name if p.origin_region else "",
                        p.referrer_name,
                        p.registered_department.name,
                        p.department.name,
                        timezone.localtime(p.created_at).date(),
                        p.last_ledger_on,
                        state(p),
                    ]
                    for p in rows
                ),
            )
        ],
        count=qs.count(),
    )


@require(VIEW)
def lead_pool(request):
    filters, context = _filter_context(request)
    qs = queries.apply_filters(queries.pool(request.user), filters)
    context.update(_keyset(request, queries.with_list_relations(qs)))
    context["may_claim"] = request.user.has_perm(MANAGE)
    return render_list(request, "pipeline/leads/pool.html", context)


def _picked(request, pk):
    if not pk:
        return None
    return (
        enterprise_queries.library(request.user).select_related("department").filter(pk=pk).first()
    )


@require(MANAGE)
def lead_register(request):
    enterprise = _picked(request, request.POST.get("enterprise") or request.GET.get("enterprise"))
    form = LeadForm(request.POST or None, enterprise=enterprise)
    candidates, held = [], None
    if request.method == "POST" and form.is_valid():
        try:
            project = services.lead_register(
                actor=request.user,
                data=form.lead_data(),
                enterprise=enterprise,
                new_enterprise=form.new_enterprise_data(),
                confirm_duplicates=form.cleaned_data.get("confirm_duplicates"),
            )
        except DuplicateFound as exc:
            candidates = exc.candidates
            form.fields["confirm_duplicates"].widget = forms.CheckboxInput(
                attrs={"form": "lead-form"}
            )
            form.add_error(
                "confirm_duplicates",
                "企业库中可能已有该企业，请核对下列企业：可直接选用，或确认是另一家企业。",
            )
        except services.LeadHeld as exc:
            held = services.attribution(exc.project.enterprise, request.user.department)
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"线索“{project.name}”已登记。")
            return redirect("pipeline:lead_detail", pk=project.pk)
    q = request.GET.get("q", "").strip()
    context = {
        "form": form,
        "enterprise": enterprise,
        **_picked_context(request, enterprise, held),
        "candidates": candidates,
        "q": q,
        "results": _search(request, q) if q else None,
        "request_form": ReasonForm(),
    }
    return render(request, "pipeline/leads/register.html", context)


def _search(request, q):
    qs = enterprise_queries.library(request.user)
    try:
        return list(enterprise_queries.apply_search(qs, q).order_by("-id")[:10])
    except enterprise_queries.SearchTooShort:
        return []


@require(MANAGE)
def lead_enterprise_search(request):
    """The search box's results (an htmx fragment) over the enterprise library."""
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "pipeline/leads/register.html#search_results",
        {"q": q, "results": _search(request, q) if q else None},
    )


@require(MANAGE)
def lead_attribution(request):
    """The picked enterprise and, live, who already holds it (an htmx fragment)."""
    enterprise = _picked(request, request.GET.get("enterprise"))
    return render(
        request,
        "pipeline/leads/register.html#picked",
        {
            "enterprise": enterprise,
            **_picked_context(request, enterprise),
            "request_form": ReasonForm(),
        },
    )


def _picked_context(request, enterprise, held=None):
    """Who holds the picked enterprise (``attribution``), or what the page says when
    nobody does (``free_note``)."""
    if enterprise is None:
        return {"attribution": None, "free_note": ""}
    unit = request.user.department
    found = held or services.attribution(enterprise, unit)
    return {
        "attribution": found,
        "free_note": "" if found else services.free_note(enterprise, unit),
    }


def _get(request, pk):
    project = queries.readable(
        request.user,
        pk,
        select=(
            "enterprise",
            "department",
            "registered_department",
            "key_industry__department",
            "industry",
            "origin_region",
            "created_by",
        ),
    )
    if project is None:
        raise Http404("没有该线索，或您无权查看。")
    return project


def _project_url(project):
    # The project page is the projects engineer's; link to it once it exists.
    try:
        return reverse("pipeline:project_detail", args=[project.pk])
    except NoReverseMatch:
        return ""


@require(VIEW)
def lead_detail(request, pk):
    project = _get(request, pk)
    user = request.user
    holds = user.department_id == project.department_id or user.has_perm(COORDINATE)
    in_scope = queries.in_scope(user, project)
    pushes = list(queries.pushes_of(project))
    pending = next((p for p in pushes if p.state == LeadPush.State.PENDING), None)
    suggestion = services.push_suggestion(project)
    active = project.stage in services.HELD_STAGES and project.pooled_at is None
    context = {
        "p": project,
        "history": queries.owner_history(project),
        "pushes": pushes,
        "pending": pending,
        "suggestion": suggestion,
        "may_manage": user.has_perm(MANAGE),
        "may_push": user.has_perm(MANAGE) and holds and active and pending is None,
        "may_request": user.has_perm(MANAGE)
        and not holds
        and active
        and pending is None
        and user.department.kind in services.PROMOTING_KINDS,
        "may_claim": user.has_perm(MANAGE) and project.pooled_at is not None,
        "may_reassign": user.has_perm(COORDINATE) and project.stage in services.HELD_STAGES,
        "may_answer": pending is not None
        and user.has_perm(MANAGE)
        and (user.department_id == pending.to_department_id or user.has_perm(COORDINATE)),
        "in_scope": in_scope,
        "push_form": PushForm(initial={"to_department": suggestion.pk if suggestion else None}),
        "reason_form": ReasonForm(),
        "project_url": _project_url(project),
    }
    return render(request, "pipeline/leads/detail.html", context)


def _service_post(request, fn, done, back):
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


@require(MANAGE)
@require_POST
def lead_claim(request, pk):
    project = _get(request, pk)
    return _service_post(
        request,
        lambda: services.lead_claim(
            actor=request.user, project=project, reason=request.POST.get("reason", "")
        ),
        f"已认领线索“{project.name}”，现由{request.user.department.name}负责。",
        reverse("pipeline:lead_detail", args=[project.pk]),
    )


@require(MANAGE)
@require_POST
def lead_push(request, pk):
    project = _get(request, pk)
    form = PushForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items()),
        )
        return redirect("pipeline:lead_detail", pk=project.pk)
    return _service_post(
        request,
        lambda: services.lead_push(
            actor=request.user,
            project=project,
            to_department=form.cleaned_data["to_department"],
            reason=form.cleaned_data["reason"],
        ),
        f"已推送给{form.cleaned_data['to_department'].name}，等待对方接收。",
        reverse("pipeline:lead_detail", args=[project.pk]),
    )


@require(MANAGE)
@require_POST
def lead_request(request, pk):
    project = _get(request, pk)
    return _service_post(
        request,
        lambda: services.lead_cooperation_request(
            actor=request.user, project=project, reason=request.POST.get("reason", "")
        ),
        f"已向{project.department.name}发出合作请求，等待对方答复。",
        reverse("pipeline:lead_push_list") + "?direction=outgoing",
    )


@require(COORDINATE)
def lead_reassign(request, pk):
    project = _get(request, pk)
    form = ReassignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_reassign(
                actor=request.user,
                project=project,
                to_department=form.cleaned_data["to_department"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(
                request, f"“{project.name}”已改派给{form.cleaned_data['to_department'].name}。"
            )
            return redirect("pipeline:lead_detail", pk=project.pk)
    return render(request, "pipeline/leads/reassign.html", {"p": project, "form": form})


@require(VIEW)
def lead_push_list(request):
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    state = request.GET.get("state", "")
    if state not in LeadPush.State.values:
        state = ""
    qs = queries.pushes(request.user, direction=direction, state=state)
    context = {
        "page": paginate(request, qs, 30),
        "direction": direction,
        "state": state,
        "states": LeadPush.State.choices,
        "may_manage": request.user.has_perm(MANAGE),
        "reason_form": ReasonForm(),
    }
    return render_list(request, "pipeline/leads/push_list.html", context)


def _push(request, pk):
    return get_object_or_404(
        queries.pushes_readable(request.user).select_related(
            "project", "from_department", "to_department", "created_by"
        ),
        pk=pk,
    )


@require(MANAGE)
@require_POST
def lead_push_answer(request, pk):
    push = _push(request, pk)
    accept = request.POST.get("decision") == "accept"
    if not (
        request.user.department_id == push.to_department_id or request.user.has_perm(COORDINATE)
    ):
        raise PermissionDenied("只有接收单位可以处理该推送。")
    back = (
        reverse("pipeline:lead_detail", args=[push.project_id])
        if accept
        else reverse("pipeline:lead_push_list")
    )
    return _service_post(
        request,
        lambda: services.push_answer(
            actor=request.user, push=push, accept=accept, reason=request.POST.get("reason", "")
        ),
        f"已接收“{push.project.name}”，现由本单位负责。"
        if accept
        else "已退回，并通知了发起单位。",
        back,
    )


@require(MANAGE)
@require_POST
def lead_push_withdraw(request, pk):
    push = _push(request, pk)
    return _service_post(
        request,
        lambda: services.push_withdraw(
            actor=request.user, push=push, reason=request.POST.get("reason", "")
        ),
        "已撤回。",
        reverse("pipeline:lead_push_list") + "?direction=outgoing",
    )

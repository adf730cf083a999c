"""Staff pages of the opportunity library: list with leads and signings per opportunity,
the form, the page with its status moves and documents. Thin: reads in queries.py,
writes in services.py and workflow.py."""

import mimetypes
from decimal import Decimal
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
from .forms import DocumentForm, MoveForm, OpportunityForm
from .models import Status
from .workflow import OPPORTUNITIES, opportunity_move

VIEW = roles.VIEW_OPPORTUNITIES
MANAGE = roles.MANAGE_OPPORTUNITIES


def _filters(params):
    return {
        "q": (params.get("q") or "").strip()[:50],
        "status": params.get("status", ""),
        "key_industry": params.get("key_industry", ""),
    }


@exports.register("opportunities.library", object_type="opportunities.opportunity")
def opportunity_table(user, params):
    """The filtered library with its leads and signings, every row."""
    qs = queries.for_list(user, **_filters(params))
    headers = [
        "项目名称",
        "重点产业",
        "功能区",
        "载体 / 地块",
        "投资规模（万元）",
        "合作方式",
        "责任单位",
        "状态",
        "来源线索",
        "其中签约",
    ]
    rows = (
        [
            o.name,
            o.key_industry.name if o.key_industry else "",
            o.zone.name if o.zone else "",
            o.carrier.name if o.carrier else "",
            (o.investment / 10000).quantize(Decimal("0.01")),
            "、".join(o.cooperation_labels),
            o.department.name,
            o.get_status_display(),
            o.lead_count,
            o.signed_count,
        ]
        for o in qs.iterator(chunk_size=2000)
    )
    return exports.Table("招商项目库", [("招商项目", headers, rows)], count=qs.count())


@require(VIEW)
def opportunity_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "opportunities.library", request.GET)
    filters = _filters(request.GET)
    q, status, key_industry = filters["q"], filters["status"], filters["key_industry"]
    page = paginate(request, queries.for_list(request.user, **filters))
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "key_industry": key_industry,
            "statuses": Status.choices,
            "key_industries": list(KeyIndustry.objects.values_list("pk", "name")),
        },
    )


@require(MANAGE)
def opportunity_create(request):
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.opportunity_create(actor=request.user, data=form.opportunity_data())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已登记招商项目“{item.name}”（在库，未发布）。")
            return redirect("opportunities:opportunity_detail", pk=item.pk)
    return render(request, "opportunities/opportunity_form.html", {"form": form})


@require(MANAGE)
def opportunity_edit(request, pk):
    item = get_object_or_404(queries.editable(request.user), pk=pk)
    form = OpportunityForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                actor=request.user,
                opportunity=item,
                data=form.opportunity_data(),
                version=int(request.POST.get("version") or 0),
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("opportunities:opportunity_detail", pk=item.pk)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "item": item})


@require(VIEW)
def opportunity_detail(request, pk):
    item = get_object_or_404(queries.readable(request.user), pk=pk)
    moves = []
    for dst, move in OPPORTUNITIES.moves_from(item.status):
        try:
            OPPORTUNITIES.check(item.status, dst, actor=request.user, record=item, note="x")
        except ValidationError:
            continue
        moves.append({"to": dst, "label": move.label, "note": move.note})
    return render(
        request,
        "opportunities/opportunity_detail.html",
        {
            "item": item,
            "moves": moves,
            "counts": queries.counts(item),
            "steps": item.steps.select_related("actor"),
            "documents": item.documents.all(),
            "document_form": DocumentForm(),
        },
    )


@require_POST
@require(VIEW)
def opportunity_status(request, pk):
    item = get_object_or_404(queries.readable(request.user), pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            moved = opportunity_move(
                actor=request.user,
                opportunity=item,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                expected_status=form.cleaned_data["expected"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已{moved.move.label}。")
    return redirect("opportunities:opportunity_detail", pk=pk)


@require_POST
@require(MANAGE)
def document_add(request, pk):
    item = get_object_or_404(queries.editable(request.user), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.opportunity_document_add(
            actor=request.user,
            opportunity=item,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            public=form.cleaned_data["public"],
        )
        messages.success(request, "已上传。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("opportunities:opportunity_detail", pk=pk)


@require(VIEW)
def document_download(request, pk, doc_pk):
    item = get_object_or_404(queries.readable(request.user), pk=pk)
    document = get_object_or_404(item.documents, pk=doc_pk)
    name = PurePosixPath(document.file.name).name
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )

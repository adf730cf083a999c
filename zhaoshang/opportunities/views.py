"""Staff pages of the opportunity library: list with leads and signings per opportunity,
the form, the page with its status moves and documents. Thin: reads in queries.py,
writes in services.py and workflow.py."""

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.org.access import paginate, require
from zhaoshang.org.views import form_errors_to
from zhaoshang.reference.models import KeyIndustry

from . import queries, services
from .forms import DocumentForm, MoveForm, OpportunityForm
from .models import Status
from .workflow import OPPORTUNITIES, opportunity_move

VIEW = "opportunities.view_opportunities"
MANAGE = "opportunities.manage_opportunities"


@require(VIEW)
def opportunity_list(request):
    q = (request.GET.get("q") or "").strip()[:50]
    status = request.GET.get("status", "")
    key_industry = request.GET.get("key_industry", "")
    page = paginate(
        request, queries.for_list(request.user, q=q, status=status, key_industry=key_industry)
    )
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

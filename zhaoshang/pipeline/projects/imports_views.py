"""Pages of the project-ledger import: upload, mapping, dry run, commit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from zhaoshang.common import queue
from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.common.imports import ImportFileError, fail_interrupted
from zhaoshang.common.views import mapping_context, mapping_from_post, reload_whole_page
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from ..models import ProjectImport
from . import importing, services

MANAGE = roles.MANAGE_PIPELINE


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="项目台账文件（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）")


def _jobs(user):
    # An import is its uploader's own.
    return ProjectImport.objects.filter(created_by=user)


@require(MANAGE)
def import_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.store(form.cleaned_data["file"], user=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("pipeline:import_detail", pk=job.pk)
    page = paginate(request, _jobs(request.user), per_page=20)
    columns = [
        (label, aliases, required) for label, aliases, required in importing.COLUMNS.values()
    ]
    return render(
        request,
        "pipeline/projects/import_list.html",
        {"form": form, "page": page, "columns": columns},
    )


@require(MANAGE)
def import_detail(request, pk):
    job = get_object_or_404(_jobs(request.user), pk=pk)
    action = request.POST.get("action")
    if request.method == "POST" and action == "check":
        mapping = mapping_from_post(request.POST, job.headers, importing.COLUMNS)
        try:
            services.project_import_check_start(
                actor=request.user,
                job=job,
                mapping=mapping,
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("pipeline:import_detail", pk=job.pk)
    if request.method == "POST" and action == "commit":
        try:
            services.project_import_commit_start(
                actor=request.user,
                job=job,
                on_queued=lambda: messages.info(
                    request, "已开始导入，可离开本页，稍后回来查看结果。"
                ),
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("pipeline:import_detail", pk=job.pk)
    # A phase whose worker died shows as failed at once, not as running for ever.
    fail_interrupted(ProjectImport.objects.filter(pk=job.pk))
    job.refresh_from_db()
    context = {
        "job": job,
        **mapping_context(job, importing.COLUMNS),
        "running": job.state in ("checking", "importing"),
    }
    if request.htmx and request.GET.get("poll"):
        if not context["running"]:
            return reload_whole_page()
        return render(request, "pipeline/projects/import_detail.html#status", context)
    return render(request, "pipeline/projects/import_detail.html", context)

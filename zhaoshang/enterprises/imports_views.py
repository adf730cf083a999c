from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zhaoshang.common import queue
from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.common.imports import ImportFileError, fail_interrupted
from zhaoshang.common.views import mapping_context, mapping_from_post, reload_whole_page
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import importing, queries, services
from .models import ImportJob, RankingKind

IMPORT = roles.IMPORT_ENTERPRISES


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=ImportJob.Kind.choices)
    file = forms.FileField(label="文件（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）")
    ranking_kind = forms.ChoiceField(
        label="榜单（导入榜单时填写）", choices=[("", "—")] + RankingKind.choices, required=False
    )
    ranking_year = forms.IntegerField(
        label="榜单年份", required=False, min_value=1990, max_value=2100
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportJob.Kind.RANKING and not (
            data.get("ranking_kind") and data.get("ranking_year")
        ):
            raise forms.ValidationError("导入榜单时请选择榜单并填写年份。")
        return data


@require(IMPORT)
def import_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.store(
                form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                user=request.user,
                ranking_kind=form.cleaned_data.get("ranking_kind") or "",
                ranking_year=form.cleaned_data.get("ranking_year"),
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("enterprises:import_detail", pk=job.pk)
    jobs = paginate(request, queries.import_jobs_for(request.user), per_page=20)
    return render(request, "enterprises/import_list.html", {"form": form, "page": jobs})


@require(IMPORT)
def import_detail(request, pk):
    """Mapping → dry run → commit; while the worker runs, the page polls its progress."""
    job = get_object_or_404(queries.import_jobs_for(request.user), pk=pk)
    columns = importing.columns_for(job.kind)
    action = request.POST.get("action")
    if request.method == "POST" and action == "check":
        mapping = mapping_from_post(request.POST, job.headers, columns)
        try:
            services.import_check_start(
                actor=request.user,
                job=job,
                mapping=mapping,
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("enterprises:import_detail", pk=job.pk)
    if request.method == "POST" and action == "commit":
        create = request.POST.get("create_unmatched") == "1"
        # The user's decision per row found by name only: an enterprise id or "new";
        # none (the default) leaves the row out.
        confirmations = {
            str(item["row"]): request.POST[f"confirm{item['row']}"]
            for item in job.summary.get("to_confirm", [])
            if request.POST.get(f"confirm{item['row']}")
        }
        try:
            services.import_commit_start(
                actor=request.user,
                job=job,
                create_unmatched=create,
                confirmations=confirmations,
                on_queued=lambda: messages.info(
                    request, "已开始导入，可离开本页，稍后回来查看结果。"
                ),
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("enterprises:import_detail", pk=job.pk)
    # A phase whose worker died shows as failed at once, not as running for ever.
    fail_interrupted(ImportJob.objects.filter(pk=job.pk))
    job.refresh_from_db()
    context = {
        "job": job,
        "progress": importing.progress(job),
        **mapping_context(job, columns),
        "running": job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING),
        "now": timezone.now(),
    }
    if request.htmx and request.GET.get("poll"):
        if not context["running"]:
            return reload_whole_page()
        return render(request, "enterprises/import_detail.html#status", context)
    return render(request, "enterprises/import_detail.html", context)

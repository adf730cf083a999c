"""View helpers every app shares, and the shared pages: a list page's answer to its filter
(``render_list``), and the page that follows a large export in the worker, and its
download, for the user who asked only (anyone else is told there is no such export). An
app imports what views share from here, never from another app's views (a guard test,
``tests/test_code_rules.py``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from zhaoshang.org.access import paginate, require

from . import exports, queue
from . import imports as import_files
from .forms import ImportUploadForm
from .templatetags.zs_ui import is_fragment


def form_errors_to(form, exc):
    """Put a service's ValidationError on the form, at its field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def reload_whole_page():
    """The answer to a progress poll once the job finished: htmx reloads the whole page,
    which then shows the result (or says what went wrong)."""
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def mapping_from_post(post, headers, columns):
    """The column mapping a user chose on an import's page (``col<i>`` = our column key):
    file column index (as text) -> key; unknown keys and a key chosen twice are dropped."""
    mapping = {}
    for index in range(len(headers)):
        key = post.get(f"col{index}", "")
        if key in columns and key not in mapping.values():
            mapping[str(index)] = key
    return mapping


def mapping_context(job, columns):
    """What an import's mapping form shows: our columns (key, label, required) and the
    file's headers with the key each is mapped to."""
    return {
        "columns": [(k, v[0], v[2]) for k, v in columns.items()],
        "header_rows": [(i, h, job.mapping.get(str(i), "")) for i, h in enumerate(job.headers)],
    }


def job_import_list(request, kind):
    """The upload page of an import described by ``kind`` (``imports.JobImport``): the
    columns it reads, the upload, and the user's own imports."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_files.job_store(kind, form.cleaned_data["file"], user=request.user)
        except import_files.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(kind.detail_url, pk=job.pk)
    context = {
        "form": form,
        "kind": kind,
        "page": paginate(request, import_files.jobs_of(kind, request.user), per_page=20),
        "columns": list(import_files.column_table(kind.columns).values()),
    }
    return render(request, "imports/job_list.html", context)


def job_import_detail(request, kind, pk):
    """A job's page: the mapping (guessed, editable) → the dry run in the worker, its
    progress polled → the rejected rows, or 确认导入 → the commit in the worker."""
    job = get_object_or_404(import_files.jobs_of(kind, request.user), pk=pk)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("check", "commit"):
        try:
            if action == "check":
                import_files.job_check_start(
                    kind,
                    job,
                    mapping=mapping_from_post(request.POST, job.headers, _keys(kind)),
                    on_not_queued=lambda: queue.tell(request),
                )
            else:
                import_files.job_commit_start(
                    kind,
                    job,
                    actor=request.user,
                    on_queued=lambda: messages.info(
                        request, "已开始导入，可离开本页，稍后回来查看结果。"
                    ),
                    on_not_queued=lambda: queue.tell(request),
                )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect(kind.detail_url, pk=job.pk)
    # A phase whose worker died shows as failed at once, not as running for ever.
    import_files.fail_interrupted(kind.job_model.objects.filter(pk=job.pk))
    job.refresh_from_db()
    running = job.state in import_files.RUNNING
    context = {
        "job": job,
        "kind": kind,
        **mapping_context(job, import_files.column_table(kind.columns)),
        "running": running,
        "progress": import_files.job_progress(job) if running else None,
    }
    if request.htmx and request.GET.get("poll"):
        if not running:
            return reload_whole_page()
        return render(request, "imports/job_detail.html#status", context)
    return render(request, "imports/job_detail.html", context)


def _keys(kind):
    return {c.key: c for c in kind.columns}


def render_list(request, template, context, *, region="results"):
    """A list page, or for its filter's htmx request the region the filter swaps (the
    ``{% partialdef %}`` of that name, ``<div id="results">`` by default: see
    ``templatetags/zs_ui.py``). The answer varies with HX-Request: the browser caches a
    pushed URL's fragment and must not show it for a full load of that URL."""
    fragment = is_fragment(request)
    response = render(request, f"{template}#{region}" if fragment else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _own_job(request, token):
    data = exports.job(token)
    if data is None or data["user_id"] != request.user.pk:
        raise Http404("导出任务不存在或已过期。")
    return data


@require()
def status(request, token):
    data = _own_job(request, token)
    running = data["state"] in ("queued", "running")
    if request.htmx and request.GET.get("poll") and not running:
        return reload_whole_page()  # finished: the page offers the file
    context = {
        "token": token,
        "job": data,
        "running": running,
        "progress": exports.export_progress(token, data),
    }
    template = "exports/status.html#status" if request.htmx else "exports/status.html"
    return render(request, template, context)


@require()
def download(request, token):
    data = _own_job(request, token)
    if data["state"] != "done":
        raise Http404("导出文件尚未生成。")
    return exports.export_file(token, data)

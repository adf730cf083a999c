"""View helpers every app shares, and the shared pages: the page that follows a large
export in the worker, and its download, for the user who asked only (anyone else is told
there is no such export). An app imports what views share from here, never from another
app's views (a guard test, ``tests/test_code_rules.py``)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from zhaoshang.org.access import require

from . import exports
from . import imports as import_files
from .forms import ImportUploadForm


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


def token_import_page(request, *, columns, dry_run, commit, template, done, done_url):
    """The page of a one-step import (carriers, targets): upload → dry run listing every
    rejected row with its row, column and reason → commit (``commit(token, actor=…)``,
    all rows or none, once). ``done(counts)`` is the message after a commit."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": columns}
    try:
        if request.method == "POST" and request.POST.get("token"):
            token = request.POST["token"]
            result, counts = commit(token, actor=request.user)
            if counts is not None:
                messages.success(request, done(counts))
                return redirect(done_url)
            context.update(result=result, token=token)
        elif request.method == "POST" and form.is_valid():
            token = import_files.store_upload(form.cleaned_data["file"])
            result, plan = dry_run(token)
            context.update(result=result, plan=plan, token=token)
    except import_files.ImportFileError as exc:
        form.add_error(None, str(exc))
    return render(request, template, context)


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

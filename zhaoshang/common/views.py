"""View helpers every app shares, and the shared pages: the page that follows a large
export in the worker, and its download, for the user who asked only (anyone else is told
there is no such export). An app imports what views share from here, never from another
app's views (a guard test, ``tests/test_code_rules.py``)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from zhaoshang.org.access import require

from . import exports


def form_errors_to(form, exc):
    """Put a service's ValidationError on the form, at its field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


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
        # Finished: reload the whole page to offer the file (or say what went wrong).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
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

"""Shared view pieces: a list page's answer to its filter (``render_list``), and the page
that follows a large export in the worker with its download, for the user who asked only
(anyone else is told there is no such export)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from zhaoshang.org.access import require

from . import exports
from .templatetags.zs_ui import is_fragment


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

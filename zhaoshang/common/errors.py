import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader

from zhaoshang.common.uploads import is_disk_full

logger = logging.getLogger(__name__)


class Conflict(Exception):  # noqa: N818 - named for what the caller meets, as Http404
    """Someone else got there first: the record moved meanwhile, or what is being added
    may already exist. Nothing was changed. Pages show the message; the API answers 409
    with it and with ``api_extra()`` (the current state, the candidates), so the caller
    can decide without another request. Mixed into the ValidationError subclasses that
    mean it (``MoveConflict``, ``DuplicateFound``, ``LeadHeld``)."""

    def api_extra(self):
        return dict(getattr(self, "extra", None) or {})


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """Django's handler500, for any exception a view or a middleware let through.

    Two failures are the machine's, not the code's, and the user is told what happened
    instead of "系统错误": the database not answering (restarting, or the network to it
    down: 503, try again shortly; the next request gets a fresh connection, as
    CONN_HEALTH_CHECKS checks a kept one before use) and a full disk (507: nothing of the
    submission was kept, since the transaction rolled back and the storage removed the
    partial file). Both pages are rendered without the request: the navigation and the
    user's name would need the very database that may be down."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return _plain_page("errors/unavailable.html", 503, retry_after=15)
    if is_disk_full(exc) or (
        isinstance(exc, DatabaseError) and "disk is full" in str(exc)  # SQLite's own
    ):
        return _plain_page("errors/disk_full.html", 507)
    return render(request, "errors/500.html", status=500)


def _plain_page(template, status, retry_after=None):
    response = HttpResponse(loader.render_to_string(template), status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response

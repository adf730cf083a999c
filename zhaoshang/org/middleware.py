import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from zhaoshang.common.redirects import local_path

from . import policy
from .security import gate_for, gate_still_applies

LAST_SEEN = "zs_last_seen"
GATE_OK = "zs_gate_ok"
# Sent by static/zs/app.js on every htmx request no person triggered (polls, "load"
# triggers, scripted requests): such a request does not count as activity.
BACKGROUND_HEADER = "X-ZS-Background"


def is_background(request):
    """A request the page made by itself, not a person's act. Trusting the client here is
    safe: the mark only withholds the refresh of the idle clock, so sending it can end a
    session sooner, never keep one alive."""
    return request.headers.get(BACKGROUND_HEADER) == "1"


def _page_path(request):
    """The page to come back to after signing in again: for an htmx request the page it
    was made from (HX-Current-URL, checked to be on this site), not the fragment's URL."""
    if request.headers.get("HX-Request") == "true":
        return local_path(request, request.headers.get("HX-Current-URL", ""))
    return request.get_full_path()


def _redirect(request, url):
    # An htmx request is an XHR: it would follow a 302 by itself, and the page it lands on
    # (rendering, and so using up, the user's pending messages) would be swapped into a
    # corner of the current one. HX-Redirect makes htmx move the whole window instead.
    # (request.htmx is not set yet: HtmxMiddleware runs after these.)
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    """End a session that has been idle longer than the policy allows (30 minutes).

    Only a person's requests count as activity: background requests (``is_background``)
    are checked against the idle time but never move the clock, so a tab that polls the
    unread badge or a progress bar is still logged out, and the poll that finds the
    session idle moves the window to the login page (HX-Redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            idle = policy.current()["idle_minutes"] * 60
            if last is not None and now - last > idle:
                request.logout_reason = "超时自动退出"
                logout(request)
                messages.info(
                    request,
                    f"您已超过 {idle // 60} 分钟未操作，为保障账号安全已自动退出，请重新登录。",
                )
                login = resolve_url("org:login")
                back = _page_path(request)
                return _redirect(request, f"{login}?{urlencode({'next': back})}" if back else login)
            # A session starts its clock at its first request, whatever kind; after that
            # only a person's requests move it (written at most twice a minute).
            if last is None or (now - last > 30 and not is_background(request)):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecurityGateMiddleware:
    """Before anything else, a signed-in user must pass the login gates: the TOTP code
    when they have a device, a password change when theirs is new or expired, and TOTP
    enrolment when they hold an administrator role.

    Passing them once is remembered in the session (it spares the device query), but
    each request still asks ``gate_still_applies``, which reads only what the request
    loads anyway (the user row, the OTP device of the session, the roles read with the
    permissions): an administrator role granted or a password expiring mid-session is
    enforced from the next request, not the next login."""

    EXEMPT_NAMES = {"org:logout", "org:password_change", "org:otp_setup", "org:otp_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path_info.startswith("/static/"):
            passed = request.session.get(GATE_OK)
            if passed and gate_still_applies(user):
                request.session.pop(GATE_OK, None)
                passed = False
            if not passed:
                gate = gate_for(request)
                if gate is None:
                    request.session[GATE_OK] = True
                else:
                    name, message = gate
                    try:
                        view_name = resolve(request.path_info).view_name
                    except Resolver404:
                        view_name = None
                    if view_name not in self.EXEMPT_NAMES:
                        messages.warning(request, message)
                        return _redirect(request, reverse(name))
                    # base.html leaves out the top bar's badge on a gate page: its
                    # request would only be sent back here.
                    request.zs_gate = name
        return self.get_response(request)

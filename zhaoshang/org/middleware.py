import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from . import policy
from .security import gate_for

LAST_SEEN = "zs_last_seen"
GATE_OK = "zs_gate_ok"


def _redirect(request, url):
    # An htmx request is an XHR: it would follow a 302 by itself, and the page it lands on
    # (rendering, and so using up, the user's pending messages) would be swapped into a
    # corner of the current one. HX-Redirect makes htmx move the whole window instead.
    # (request.htmx is not set yet: HtmxMiddleware runs after these.)
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    """End a session that has been idle longer than the policy allows (30 minutes)."""

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
                return _redirect(request, f"{login}?{urlencode({'next': request.get_full_path()})}")
            if last is None or now - last > 30:  # write the session at most twice a minute
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecurityGateMiddleware:
    """Before anything else, a signed-in user must pass the login gates: the TOTP code
    when they have a device, a password change when theirs is new or expired, and TOTP
    enrolment when they hold an administrator role."""

    EXEMPT_NAMES = {"org:logout", "org:password_change", "org:otp_setup", "org:otp_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.session.get(GATE_OK):
            path = request.path_info
            if not path.startswith("/static/"):
                gate = gate_for(request)
                if gate is None:
                    request.session[GATE_OK] = True
                else:
                    name, message = gate
                    try:
                        view_name = resolve(path).view_name
                    except Resolver404:
                        view_name = None
                    if view_name not in self.EXEMPT_NAMES:
                        messages.warning(request, message)
                        return _redirect(request, reverse(name))
                    # base.html leaves out the top bar's badge on a gate page: its
                    # request would only be sent back here.
                    request.zs_gate = name
        return self.get_response(request)

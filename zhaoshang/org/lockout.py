"""Login lockout: accounts after repeated failures, addresses only against spraying.

django-axes counts failures per account (``AXES_LOCKOUT_PARAMETERS = ["username"]``):
five in a row lock that account wherever the attempts come from (等保 2.0 level 3).
An address is not locked for one account's typos: a whole office shares one address
behind its NAT or our reverse proxy, and its other users must still sign in. It is
locked when failures come from it for many different accounts within the lockout time
(``address_lockout_accounts`` of the security policy), the mark of someone trying one
password across many accounts. A successful login clears that account's failures
(``AXES_RESET_ON_SUCCESS``), so colleagues who mistyped and then got in do not add up.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out

from . import policy

ADDRESS_LOCKED = "来自同一地址登录失败的账号过多，该地址已被锁定"


def address_sprayed(request):
    """True when failures for as many accounts as the policy allows have come from the
    request's address within the lockout time."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return False
    accounts = (
        AccessAttempt.objects.filter(
            ip_address=ip, attempt_time__gte=get_cool_off_threshold(request)
        )
        .values("username")
        .distinct()
        .count()
    )
    return accounts >= policy.current()["address_lockout_accounts"]


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        if address_sprayed(request):
            request.zs_address_locked = True
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_sprayed(request):
            # This failure was the one that made the address a sprayer's: answer it
            # with the lockout page, as axes does for an account.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.zs_address_locked = True
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
                detail=ADDRESS_LOCKED,
            )

"""Authentication events into the trail. Signals are used here only because Django and
axes announce these events this way; business changes are recorded by services."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import client_ip
from .models import AuditEvent
from .services import audit_record

Action = AuditEvent.Action


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(Action.LOGIN, actor=user, obj=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        detail = getattr(request, "logout_reason", "")
        audit_record(Action.LOGOUT, actor=user, obj=user, ip=client_ip(request), detail=detail)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        Action.LOGIN_FAILED,
        username=(credentials or {}).get("username", "")[:150],
        ip=client_ip(request) if request is not None else None,
        result=AuditEvent.Result.FAILURE,
        detail="用户名或密码错误",
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        Action.LOCKOUT,
        username=(username or "")[:150],
        ip=ip_address,
        result=AuditEvent.Result.FAILURE,
        # The address lockout (org/lockout.py) says so; axes's own is the account's.
        detail=kwargs.get("detail") or "连续登录失败，账号被锁定",
    )

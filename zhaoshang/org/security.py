"""Login gates: what a signed-in user must still do before using the system."""

from django_otp import devices_for_user

from . import policy
from .scoping import load_authorisation


def holds_admin_role(user):
    """Whether the user holds one of the three administrator roles. Read with the
    permissions (``load_authorisation``, once per request), so asking costs no query."""
    if getattr(user, "_zs_admin", None) is None:
        load_authorisation(user)
    return user._zs_admin


def has_confirmed_device(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def gate_still_applies(user):
    """True when a user who passed the gates earlier in the session must go back to one:
    their password was reset or has expired since, or they were granted an administrator
    role and have not verified a TOTP code in this session. Reads nothing the request
    does not load anyway (the user row; the session's OTP device, which django-otp's
    middleware loads; the roles, read with the permissions)."""
    if user.must_change_password or policy.password_expired(user):
        return True
    return holds_admin_role(user) and not user.is_verified()


def gate_for(request):
    """``(url name, message)`` of the next gate, or None when all are passed."""
    user = request.user
    device = has_confirmed_device(user)
    if device and not user.is_verified():
        return "org:otp_verify", "请输入动态口令完成登录。"
    if user.must_change_password:
        return "org:password_change", "首次登录或密码已被重置，请先修改密码。"
    if policy.password_expired(user):
        return "org:password_change", "密码已超过有效期，请修改密码后继续使用。"
    if not device and holds_admin_role(user):
        return "org:otp_setup", "管理员账号须绑定动态口令（双因素认证）后才能使用。"
    return None

"""Every write to units, users, roles, grants and the security policy. Views, commands
and tasks call these; each records its audit line in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from importlib import import_module
from typing import Any, cast

from axes.utils import reset as axes_reset
from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import outbound
from zhaoshang.common.records import record_create, record_update

from . import policy
from .models import Department, Grant, PasswordHistory, Role, SecurityPolicy, User
from .roles import BUILTIN_ROLES

Action = AuditEvent.Action


# --- Units ------------------------------------------------------------------------------
def _path_for(department):
    # Fixed-width segments, so sorting by path lists the tree in order (/0000002/ before
    # /0000010/) as well as making "this unit and below" a prefix match.
    parent_path = department.parent.path if department.parent_id else "/"
    return f"{parent_path}{department.pk:07d}/"


@transaction.atomic
def department_create(*, actor: User | None, data: dict[str, Any]) -> Department:
    department = record_create(Department, actor=actor, data=data)
    department.path = _path_for(department)
    Department.objects.filter(pk=department.pk).update(path=department.path)
    return department


@transaction.atomic
def department_update(
    *, actor: User, department: Department, data: dict[str, Any], version: int
) -> Department:
    """Edit a unit; moving it under another parent moves its whole subtree."""
    new_parent = data.get("parent", department.parent)
    if new_parent is not None and (
        new_parent.pk == department.pk or new_parent.path.startswith(department.path)
    ):
        raise ValidationError({"parent": "不能把单位移到它自己或它的下级单位之下。"})
    old_path = department.path
    department = record_update(department, actor=actor, data=data, version=version)
    new_path = _path_for(department)
    if new_path != old_path:
        # Rewrite the prefix of every descendant's path (one row at a time is fine: unit
        # trees are hundreds of rows, and it keeps the SQL portable).
        for unit in Department.objects.filter(path__startswith=old_path).only("pk", "path"):
            Department.objects.filter(pk=unit.pk).update(path=new_path + unit.path[len(old_path) :])
        department.path = new_path
    return department


# --- Users ------------------------------------------------------------------------------
def _remember_password(user):
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = policy.current()["password_history"]
    stale = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@transaction.atomic
def user_create(*, actor: User | None, data: dict[str, Any], password: str) -> User:
    """A new account. Its first login must change the password the administrator set."""
    user = User(**data)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    _remember_password(user)
    fields = {k: (str(v) if v is not None else None) for k, v in data.items()}
    audit_record(
        Action.CREATE, actor=actor, obj=user, changes={k: [None, v] for k, v in fields.items()}
    )
    return user


@transaction.atomic
def service_account_create(
    *, actor: User, username: str, full_name: str, department: Department
) -> User:
    """The account an API key acts as (``zhaoshang.api``): a user of its unit that can
    never sign in (no usable password, so no login form, gate or reset applies), whose
    rights come from its key alone. Its writes and reads are audited under its name."""
    user = User(
        username=username,
        full_name=full_name,
        department=department,
        title="接口服务账号",
        must_change_password=False,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        Action.CREATE,
        actor=actor,
        obj=user,
        changes={"服务账号": [None, username], "所属单位": [None, str(department)]},
        detail="为接口密钥创建服务账号（不能登录）",
    )
    return user


def user_update(*, actor: User, user: User, data: dict[str, Any], version: int) -> User:
    was_active = user.is_active
    user = record_update(user, actor=actor, data=data, version=version)
    if was_active and not user.is_active:
        end_sessions(user)
    return user


def end_sessions(user: User) -> int:
    """End every session of ``user`` at once (disabled account, forced logout)."""
    user_id = str(user.pk)
    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == user_id
    ]
    # Through the session engine, not the table alone: with Redis ("cached_db") a
    # session deleted only from the table would still be read from the cache.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


@transaction.atomic
def user_set_password(
    *, user: User, password: str, actor: User | None = None, temporary: bool = False
) -> User:
    """Set a password after validating it against the policy.

    ``temporary``: an administrator's reset; the user must change it at the next login.
    """
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _remember_password(user)
    audit_record(
        Action.PASSWORD_RESET if temporary else Action.PASSWORD_CHANGE,
        actor=actor or user,
        obj=user,
        detail="管理员重置密码，下次登录须修改" if temporary else "用户修改密码",
    )
    if temporary:
        end_sessions(user)
    return user


def user_unlock(*, actor: User, username: str) -> int:
    """Clear the failed-login record of an account, from every address."""
    removed = axes_reset(username=username)
    audit_record(
        Action.UNLOCK,
        actor=actor,
        object_type="org.user",
        object_repr=username,
        detail=f"解除账号锁定（清除失败记录 {removed} 条）",
    )
    return removed


def user_unlock_address(*, actor: User, ip: str) -> int:
    """Clear every failed login from an address (its accounts' failures from there too)."""
    removed = axes_reset(ip=ip)
    audit_record(Action.UNLOCK, actor=actor, detail=f"解除地址 {ip} 的锁定（{removed} 条）")
    return removed


def users_flag_expired(*, now: dt.datetime | None = None) -> int:
    """Mark accounts whose password is past its age: they change it at the next login.
    (The login gate checks the age too; the flag makes it visible on the user list.)"""
    max_age = policy.current()["password_max_age_days"]
    cutoff = (now or timezone.now()) - dt.timedelta(days=max_age)
    return User.objects.filter(password_changed_at__lt=cutoff, must_change_password=False).update(
        must_change_password=True
    )


# --- The first administrators of an empty district ------------------------------------
# (role code, default username, full name). All three at once: 三员分立 leaves the system
# administrator unable to grant roles, so without a security administrator nobody could
# ever give an account a role; the audit administrator is the third required by 等保.
FIRST_ADMINISTRATORS = [
    ("system_admin", "sysadmin", "系统管理员"),
    ("security_admin", "secadmin", "安全管理员"),
    ("audit_admin", "auditadmin", "审计管理员"),
]

# Read from a terminal and typed once: no 0/O, 1/l/I, and symbols every keyboard has.
_PASSWORD_CLASSES = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "@#%+=?")


def one_time_password(length: int = 16) -> str:
    """A random password with every character class, longer than any policy asks."""
    length = max(length, cast(int, settings.SECURITY_POLICY["PASSWORD_MIN_LENGTH"]))
    rng = secrets.SystemRandom()
    chars = [rng.choice(cls) for cls in _PASSWORD_CLASSES]
    alphabet = "".join(_PASSWORD_CLASSES)
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


@transaction.atomic
def first_administrators_create(
    *, actor: User | None = None, unit_name: str, usernames: dict[str, str] | None = None
) -> list[tuple[User, Role, str]]:
    """The system, security and audit administrators of an empty district, each with a
    one-time password (returned, never stored in clear): the first login changes it
    and enrols TOTP (the login gates in ``security.gate_for``).

    Refused once any administrator exists: from then on accounts are made on the
    user pages by the administrators themselves, and this command can not be used to
    take over a running system."""
    admin_kinds = [kind for kind in Role.Kind.values if kind != Role.Kind.BUSINESS]
    # Lock the administrator roles so that two runs at once cannot both pass the check.
    roles = {r.code: r for r in Role.objects.select_for_update().filter(kind__in=admin_kinds)}
    holders = (
        User.objects.filter(grants__role__kind__in=admin_kinds).order_by("username").distinct()
    )
    if holders.exists():
        names = "、".join(str(u) for u in holders[:3])
        raise ValidationError(
            f"系统已有管理员账号（{names}），不能再次初始化。"
            "新账号请由系统管理员在“用户管理”中创建；忘记密码请由系统管理员重置。"
        )
    unit = Department.objects.filter(name=unit_name).first()
    if unit is None:
        unit = department_create(
            actor=actor, data={"name": unit_name, "kind": Department.Kind.OFFICE}
        )
    usernames = usernames or {}
    created = []
    for code, default_username, full_name in FIRST_ADMINISTRATORS:
        password = one_time_password()
        user = user_create(
            actor=actor,
            data={
                "username": usernames.get(code) or default_username,
                "full_name": full_name,
                "department": unit,
                "title": full_name,
            },
            password=password,
        )
        grant_role(actor=actor, user=user, role=roles[code])
        created.append((user, roles[code], password))
    return created


# --- Roles and grants -------------------------------------------------------------------
def _permissions(codes):
    perms = []
    for code in codes:
        app_label, codename = code.split(".", 1)
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return perms


def sync_builtin_roles() -> None:
    """Make the Role table match ``roles.BUILTIN_ROLES`` (runs after every migrate)."""
    # Permissions of apps migrated after this one may not exist yet: make them now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for spec in BUILTIN_ROLES:
        role, _ = Role.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "data_scope": spec.data_scope,
                "description": spec.description,
                "is_builtin": True,
            },
        )
        role.permissions.set(_permissions(spec.permissions))


def role_create(*, actor: User, data: dict[str, Any]) -> Role:
    data = {**data, "kind": Role.Kind.BUSINESS}
    return record_create(Role, actor=actor, data=data)


def role_update(*, actor: User, role: Role, data: dict[str, Any]) -> Role:
    if role.is_builtin:
        raise ValidationError("内置角色由系统维护，不能修改；如需不同权限，请新建角色。")
    return record_update(role, actor=actor, data=data)


@transaction.atomic
def grant_role(*, actor: User | None, user: User, role: Role) -> Grant:
    """Give ``user`` the ``role``. The three administrator roles are mutually exclusive
    (三权分立), and an administrator may not grant a role to themself."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError("不能给自己授权。")
    if role.is_admin:
        held = Role.objects.filter(grants__user=user).exclude(kind=Role.Kind.BUSINESS)
        other = held.exclude(pk=role.pk).first()
        if other is not None:
            raise ValidationError(
                f"{user}已是{other.name}，系统管理员、安全管理员、审计管理员不得由一人兼任。"
            )
    grant, created = Grant.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor}
    )
    if created:
        audit_record(Action.GRANT, actor=actor, obj=user, changes={"角色": [None, role.name]})
    return grant


@transaction.atomic
def revoke_role(*, actor: User, user: User, role: Role) -> int:
    deleted, _ = Grant.objects.filter(user=user, role=role).delete()
    if deleted:
        audit_record(Action.REVOKE, actor=actor, obj=user, changes={"角色": [role.name, None]})
    return deleted


# --- Security policy --------------------------------------------------------------------
def _host_line(allowed):
    host = f"[{allowed.host}]" if ":" in allowed.host else allowed.host
    return f"{host}:{allowed.port}" if allowed.port else host


def policy_update(
    *, actor: User, data: dict[str, Any], version: int | None = None
) -> SecurityPolicy:
    if "webhook_allowed_hosts" in data:
        try:
            hosts = outbound.parse_host_list(data["webhook_allowed_hosts"])
        except ValidationError as exc:
            raise ValidationError({"webhook_allowed_hosts": exc.messages}) from exc
        # Kept one per line, as read: what the robots' check will use.
        data = {**data, "webhook_allowed_hosts": "\n".join(_host_line(h) for h in hosts)}
    for field, value in data.items():
        if field in policy.TEXTS:
            continue
        _, low, high = policy.BOUNDS[field]
        if not low <= value <= high:
            label = getattr(SecurityPolicy._meta.get_field(field), "verbose_name", field)
            raise ValidationError({field: f"“{label}”须在 {low} 至 {high} 之间（等保三级要求）。"})
    row = SecurityPolicy.objects.first()
    with transaction.atomic():
        if row is None:
            row = SecurityPolicy.objects.create(**{**policy.defaults(), **data})
            audit_record(
                Action.POLICY, actor=actor, obj=row, changes={k: [None, v] for k, v in data.items()}
            )
        else:
            row = record_update(row, actor=actor, data=data, version=version, action=Action.POLICY)
    # Now for this process, and again at commit so no reader re-caches the old values.
    policy.clear_cache()
    transaction.on_commit(policy.clear_cache)
    return row

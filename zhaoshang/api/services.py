"""Every write to API keys: creation (the key shown once), revocation, the last-used
time, and the audit line of each call made with a key."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import formats
from zhaoshang.org.models import Role
from zhaoshang.org.services import service_account_create

from . import keys
from .models import ApiKey

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import User

Action = AuditEvent.Action

# The last-used time is a hint for the administrator ("is this key still in use?"), not
# a log (the audit trail is): writing it on every call would make every read a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _validate(data, *, today):
    errors = {}
    role = data.get("role")
    if role is not None and role.kind != Role.Kind.BUSINESS:
        errors["role"] = "接口密钥只能使用业务角色；管理员角色不能交给其他系统。"
    modules = data.get("modules") or []
    unknown = [m for m in modules if m not in keys.modules()]
    if not modules:
        errors["modules"] = "请至少选择一个可调用的模块。"
    elif unknown:
        errors["modules"] = f"没有这些模块：{'、'.join(unknown)}。"
    expires_on = data.get("expires_on")
    if expires_on is not None and expires_on < today:
        errors["expires_on"] = f"有效期不能早于今天（{formats.cn_date(today)}）。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def api_key_create(
    *, actor: User, data: dict[str, Any], today: dt.date | None = None
) -> tuple[ApiKey, str]:
    """A new key and its service account. Returns ``(key, raw key)``: the raw key exists
    only in this return value; the database keeps its prefix and a digest.

    ``data``: name, description, department, role, access, modules, rate_per_minute,
    expires_on."""
    today = today or timezone.localdate()
    _validate(data, today=today)
    raw, prefix, secret_digest = keys.generate()
    user = service_account_create(
        actor=actor,
        username=f"api-{prefix}",
        full_name=f"接口：{data['name']}"[:50],
        department=data["department"],
    )
    key = ApiKey(
        name=data["name"],
        description=data.get("description", ""),
        prefix=prefix,
        secret_hash=secret_digest,
        user=user,
        role=data["role"],
        access=data.get("access", ApiKey.Access.READ),
        modules=sorted(data["modules"]),
        rate_per_minute=data.get("rate_per_minute")
        or ApiKey._meta.get_field("rate_per_minute").default,
        expires_on=data.get("expires_on"),
        created_by=actor,
    )
    key.full_clean(exclude=["user", "created_by"])
    key.save()
    names = keys.modules()
    audit_record(
        Action.CREATE,
        actor=actor,
        obj=key,
        changes={
            "调用系统": [None, key.name],
            "所属单位": [None, str(data["department"])],
            "角色": [None, f"{key.role.name}（{key.role.get_data_scope_display()}）"],
            "读写权限": [None, key.get_access_display()],
            "可调用的模块": [None, "、".join(names.get(m, m) for m in key.modules)],
            "每分钟调用上限": [None, key.rate_per_minute],
            "有效期至": [None, key.expires_on.isoformat() if key.expires_on else "长期"],
        },
        detail="创建接口密钥（密钥只显示一次，系统只保存其摘要）",
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor: User, key: ApiKey, now: dt.datetime | None = None) -> ApiKey:
    """Revoke a key: from the next call on it answers 401. Conditional, so of two
    administrators revoking at once one writes the audit line."""
    now = now or timezone.now()
    if not ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    ):
        raise ValidationError(f"接口密钥“{key.name}”已被吊销。")
    key.revoked_at, key.revoked_by = now, actor
    audit_record(
        Action.UPDATE,
        actor=actor,
        obj=key,
        changes={"状态": ["有效", "已吊销"]},
        detail="吊销接口密钥",
    )
    return key


def api_key_touch(*, key: ApiKey, now: dt.datetime | None = None) -> bool:
    """Note that ``key`` was used, at most once a minute per key (a conditional UPDATE,
    so concurrent calls in the same minute do not queue on the row)."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_PRECISION:
        return False
    updated = (
        ApiKey.objects.filter(pk=key.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION))
        .update(last_used_at=now)
    )
    key.last_used_at = now
    return bool(updated)


def api_call_record(
    *, key: ApiKey | None, prefix: str, method: str, path: str, status: int
) -> AuditEvent:
    """The audit line of one call made with a key (``middleware.ApiKeyAuditMiddleware``):
    which key, method, path and answer. A key that was not found is recorded by the
    prefix it claimed, so repeated guessing shows in the trail."""
    ok = status < 400
    detail = f"{method} {path} → {status}"
    if key is None:
        return audit_record(
            Action.API_CALL,
            username="",
            object_type=ApiKey._meta.label_lower,
            object_repr=f"未知密钥（前缀 {prefix}）" if prefix else "格式不正确的密钥",
            result=AuditEvent.Result.FAILURE,
            detail=detail,
        )
    return audit_record(
        Action.API_CALL,
        actor=key.user,
        username=key.user.username,
        obj=key,
        result=AuditEvent.Result.SUCCESS if ok else AuditEvent.Result.FAILURE,
        detail=detail,
    )

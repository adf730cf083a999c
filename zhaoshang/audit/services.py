"""Writing the audit trail. Every service that changes data calls ``audit_record`` inside
its transaction, so the trail and the change commit or roll back together."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from zhaoshang.common import formats

from .context import current_ip
from .models import AuditEvent

if TYPE_CHECKING:
    import datetime as dt

Action = AuditEvent.Action


def _plain(value):
    """A JSON-safe form of a field value, readable by an auditor."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of ``obj`` keyed by field name, for diffing before and after."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        else:
            out[name] = _plain(getattr(obj, name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose values differ."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_record(
    action: str,
    *,
    actor: Any | None = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    result: str = AuditEvent.Result.SUCCESS,
    detail: str = "",
    username: str | None = None,
    ip: str | None = None,
    object_type: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=user,
        username=username if username is not None else (user.username if user else ""),
        ip=ip or current_ip.get(),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        changes=changes or {},
        result=result,
        detail=detail[:500],
    )


def audit_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Remove events older than the retention period (never less than 180 days).

    The database triggers allow exactly this and nothing else; the purge itself is
    recorded, so a gap in the trail always has an explanation."""
    from zhaoshang.org import policy

    days = max(180, policy.current()["audit_retention_days"])
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    with transaction.atomic():
        # A fast SQL delete (no per-row model delete, which the model refuses).
        removed, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        audit_record(
            Action.PURGE,
            username="system",
            object_type=AuditEvent._meta.label_lower,
            detail=f"清理 {formats.cn_date(cutoff)} 之前的审计记录 {removed} 条（保留 {days} 天）",
        )
    return removed

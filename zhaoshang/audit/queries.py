"""Reads of the trail, for the audit administrator only (gated by view_audit_log:
the trail is not business data and has no data scope)."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _day(value, end=False):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def events(
    *,
    user: str = "",
    obj: str = "",
    action: str = "",
    start: str = "",
    end: str = "",
    login_only: bool = False,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if login_only:
        qs = qs.filter(action__in=AuditEvent.LOGIN_ACTIONS)
    if user:
        qs = qs.filter(username__icontains=user)
    if obj:
        qs = qs.filter(Q(object_repr__icontains=obj) | Q(object_type=obj) | Q(object_id=obj))
    if action:
        qs = qs.filter(action=action)
    if (since := _day(start)) is not None:
        qs = qs.filter(at__gte=since)
    if (until := _day(end, end=True)) is not None:
        qs = qs.filter(at__lte=until)
    return qs.order_by("-at", "-id")

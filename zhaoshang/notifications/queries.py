"""Reads: a user's own inbox, and the robots of the units in the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from zhaoshang.org.models import Department

from .models import Notification, UnitWebhook, WebhookDelivery

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User


def inbox(user: User) -> QuerySet[Notification]:
    # Unread first, then newest first (the index ``notification_inbox`` serves both).
    return Notification.objects.for_user(user).order_by(F("read_at").desc(nulls_first=True), "-id")


def unread_count(user: User) -> int:
    return Notification.objects.for_user(user).unread().count()


def webhooks(user: User) -> QuerySet[UnitWebhook]:
    return UnitWebhook.objects.for_user(user).select_related("department")


def webhook_units(user: User) -> QuerySet[Department]:
    return Department.objects.for_user(user).filter(is_active=True)


def recent_deliveries(user: User, limit: int = 20) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.for_user(user).select_related("webhook__department")[:limit]

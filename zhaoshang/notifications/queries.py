"""Reads: a user's own inbox, and the robots of the units in the user's scope."""

from django.db.models import F

from zhaoshang.org.models import Department

from .models import Notification, UnitWebhook, WebhookDelivery


def inbox(user):
    # Unread first, then newest first (the index ``notification_inbox`` serves both).
    return Notification.objects.for_user(user).order_by(F("read_at").desc(nulls_first=True), "-id")


def unread_count(user):
    return Notification.objects.for_user(user).unread().count()


def webhooks(user):
    return UnitWebhook.objects.for_user(user).select_related("department")


def webhook_units(user):
    return Department.objects.for_user(user).filter(is_active=True)


def recent_deliveries(user, limit=20):
    return WebhookDelivery.objects.for_user(user).select_related("webhook__department")[:limit]

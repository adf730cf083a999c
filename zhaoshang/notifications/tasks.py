"""The worker's side of notifications: e-mails, robot messages, and sending again what
waited while the broker was down. Imports ``sending`` only (``services`` queues these)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from zhaoshang.common.queue import WAITING, send

from . import sending
from .models import Notification, WebhookDelivery


@shared_task
def send_notification_emails(notification_ids):
    return sending.notification_emails_send(notification_ids)


@shared_task(bind=True, max_retries=sending.MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id):
    """A robot that is down or refuses is tried again a minute, then five, later. Run
    in-process (eager), there is no worker to come back later: the attempts follow at
    once."""
    delivery = sending.webhook_deliver(delivery_id)
    while (
        delivery.status == WebhookDelivery.Status.FAILED
        and delivery.attempts < sending.MAX_ATTEMPTS
    ):
        if not self.request.is_eager:
            raise self.retry(countdown=60 if delivery.attempts == 1 else 300)
        delivery = sending.webhook_deliver(delivery_id)
    return delivery.status


def requeue_waiting(now=None):
    """Send again the notification jobs whose sending failed while the broker was down:
    robot deliveries never tried, e-mails never sent (of the last day). Run by beat, so
    within minutes of the broker's return. Returns how many were sent."""
    now = now or timezone.now()
    before = now - WAITING
    sent = 0
    deliveries = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts=0, created_at__lt=before
    ).values_list("pk", flat=True)
    for pk in deliveries:
        sent += send(deliver_webhook, pk)
    if sending.email_enabled():
        unsent = list(
            Notification.objects.filter(
                emailed_at__isnull=True,
                created_at__lt=before,
                created_at__gte=now - timedelta(days=1),
            )
            .exclude(recipient__email="")
            .values_list("pk", flat=True)
        )
        if unsent:
            sent += send(send_notification_emails, unsent)
    return sent

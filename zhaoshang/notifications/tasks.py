from celery import shared_task

from . import services
from .models import WebhookDelivery


@shared_task
def send_notification_emails(notification_ids):
    return services.notification_emails_send(notification_ids)


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id):
    """A robot that is down or refuses is tried again a minute, then five, later. Run
    in-process (eager), there is no worker to come back later: the attempts follow at
    once."""
    delivery = services.webhook_deliver(delivery_id)
    while (
        delivery.status == WebhookDelivery.Status.FAILED
        and delivery.attempts < services.MAX_ATTEMPTS
    ):
        if not self.request.is_eager:
            raise self.retry(countdown=60 if delivery.attempts == 1 else 300)
        delivery = services.webhook_deliver(delivery_id)
    return delivery.status

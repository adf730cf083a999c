from celery import shared_task

from .services import audit_purge_expired


@shared_task
def purge_expired_events():
    return audit_purge_expired()

"""Scheduled lead jobs (registered with Celery beat in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task
def lapse_leads():
    """Nightly: leads past their protection period go to the office's pool."""
    from .services import leads_lapse

    return leads_lapse()

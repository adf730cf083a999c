"""Scheduled jobs of reference data: the working calendar's yearly reminder."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def remind_calendar_entry(today=None):
    """Daily in November and December: remind the administrators to enter next year's
    holiday notice (each once; nothing once the year is entered)."""
    return len(services.calendar_reminder_send(today=today or timezone.localdate()))

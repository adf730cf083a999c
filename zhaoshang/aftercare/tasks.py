"""Scheduled jobs of aftercare: the working morning's reminder of overdue tickets (the
escalation itself is the deadline engine's job, common.tasks.escalate_overdue)."""

from celery import shared_task
from django.utils import timezone

from zhaoshang.reference.calendar import is_working_day


@shared_task
def remind_overdue(today=None):
    from . import services

    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    return services.remind_overdue(today)

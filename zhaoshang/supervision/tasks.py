"""Scheduled jobs of supervision: the working morning's reminder of overdue items (the
escalation itself, with its messages to the department head, then the supervision
office and the responsible leader, is the deadline engine's job,
common.tasks.escalate_overdue)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from zhaoshang.reference.calendar import is_working_day


@shared_task
def remind_overdue(today=None):
    from . import services

    day = dt.date.fromisoformat(today) if isinstance(today, str) else today
    day = day or timezone.localdate()
    if not is_working_day(day):
        return 0
    return services.remind_overdue(day)

"""Scheduled jobs of events: on the first working day of the third and of the fourth
quarter, units below their yearly quota of events are reminded (the beat runs the job
every morning; it acts only on those two days, found with the working calendar)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from zhaoshang.reference.calendar import is_working_day

QUARTER_STARTS = (7, 10)  # July, October


def first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def is_reminder_day(today: dt.date) -> bool:
    return today.month in QUARTER_STARTS and today == first_working_day(today.year, today.month)


@shared_task
def remind_below_quota(today=None):
    from . import services

    today = dt.date.fromisoformat(today) if isinstance(today, str) else today
    today = today or timezone.localdate()
    if not is_reminder_day(today):
        return 0
    return services.remind_below_quota(today=today)

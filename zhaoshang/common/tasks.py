"""Work the worker does for every module: large exports. Tasks take ids and call the
code that does the work."""

from celery import shared_task

from . import exports


@shared_task
def run_export(token):
    exports.export_run(token)


@shared_task
def escalate_overdue(today=None):
    """Every working morning before the reminders: each problem, service ticket and
    complaint past its deadline goes one level up with a new deadline (common/deadlines).
    On a weekend or holiday nothing escalates: nobody at the new level is at work."""
    import datetime as dt

    from django.utils import timezone

    from zhaoshang.reference.calendar import is_working_day

    from . import deadlines

    day = dt.date.fromisoformat(today) if isinstance(today, str) else today
    day = day or timezone.localdate()
    if not is_working_day(day):
        return {}
    return deadlines.escalate_overdue(day)

"""Jobs of the agreements module run by the worker: the operating-data import's dry run
and commit, the yearly calculation of every agreement, and the commitment warnings."""

import logging

from celery import shared_task

from zhaoshang.common.imports import worker_phase

from .models import OperatingDataImport

log = logging.getLogger(__name__)


@shared_task
def check_operating_import(job_id):
    with worker_phase(OperatingDataImport, job_id, OperatingDataImport.State.CHECKING) as may_run:
        if may_run:
            _run(job_id, "check")


@shared_task
def commit_operating_import(job_id, actor_id):
    with worker_phase(OperatingDataImport, job_id, OperatingDataImport.State.IMPORTING) as may_run:
        if may_run:
            _run(job_id, "commit", actor_id)


def _run(job_id, phase, actor_id=None):
    from zhaoshang.org.models import User

    from . import importing

    job = OperatingDataImport.objects.select_related("created_by").get(pk=job_id)
    try:
        if phase == "check":
            importing.check(job)
        else:
            importing.commit(job, actor=User.objects.get(pk=actor_id))
    except Exception as exc:
        OperatingDataImport.objects.filter(pk=job_id).update(
            state=OperatingDataImport.State.FAILED,
            errors=[[0, "", f"{'试导入' if phase == 'check' else '导入'}失败：{exc}"]],
        )
        raise


@shared_task
def compute_year(year):
    """Every agreement's incentives of ``year`` (the office starts it before the meeting
    season); returns how many computed and how many lack data."""
    from . import services

    results = services.compute_year(year=year)
    missing = sum(1 for v in results.values() if isinstance(v, list))
    log.info("%s年度奖励测算：%d 个协议，缺数据 %d 个", year, len(results), missing)
    return {"computed": len(results) - missing, "missing": missing}


@shared_task
def warn_commitment_deadlines(today=None):
    """Tell each responsible department of commitments due in 30, 7 or 1 days that the
    reported figures do not yet meet (beat starts it every morning, weekends included:
    a deadline does not move for a weekend)."""
    import datetime as dt

    from django.utils import timezone

    from . import services

    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    return services.commitment_deadlines_warn(today=today)

"""Scheduled jobs of the pipeline: the daily reminder of overdue ledgers and problems."""

import logging
from collections import defaultdict

from celery import shared_task
from django.utils import timezone

from zhaoshang.common import formats
from zhaoshang.common.imports import worker_phase
from zhaoshang.notifications.recipients import recipients_in_unit
from zhaoshang.org import roles
from zhaoshang.org.models import User
from zhaoshang.reference.calendar import fallback_notice, is_working_day

from ..models import Problem, Project, ProjectImport
from . import queries

log = logging.getLogger(__name__)


def overdue_by_unit(today=None):
    """Per responsible unit: the active projects with no ledger entry within the cycle
    and the open problems past their deadline (problems by their owner unit)."""
    today = today or timezone.localdate()
    cutoff = queries.ledger_cutoff(today)
    out = defaultdict(lambda: {"ledgers": [], "problems": []})
    for p in (
        Project.objects.filter(queries.overdue_q(cutoff))
        .select_related("department")
        .order_by("department_id", "last_ledger_on", "id")
    ):
        out[p.department]["ledgers"].append(p)
    for q in (
        Problem.objects.filter(status=Problem.Status.OPEN, due_on__lt=today)
        .select_related("owner_department", "project")
        .order_by("owner_department_id", "due_on", "id")
    ):
        out[q.owner_department]["problems"].append(q)
    return dict(out)


def _body(items, today):
    lines = []
    for p in items["ledgers"]:
        last = f"{formats.cn_date(p.last_ledger_on)}" if p.last_ledger_on else "从未登记"
        lines.append(f"· 台账逾期：{p.name}（最近台账：{last}）")
    for q in items["problems"]:
        days = (today - q.due_on).days
        lines.append(
            f"· 问题超期：{q.project.name}——{q.title}（期限{formats.cn_date(q.due_on)}，已超{days}天）"
        )
        if notice := fallback_notice(q.due_on):
            lines.append(f"  （{notice}）")
    return "\n".join(lines)


@shared_task
def remind_overdue(today=None):
    """Every working morning: one message per unit listing what it must bring up to
    date. Beat starts it every day; on a weekend or holiday it sends nothing (nobody is
    at work to act, and Monday's message would repeat it)."""
    from zhaoshang.notifications.services import notify

    today = today or timezone.localdate()
    if not is_working_day(today):
        log.info("%s 为非工作日，不发送逾期提醒", today)
        return 0
    sent = 0
    for unit, items in overdue_by_unit(today).items():
        body = _body(items, today)
        log.info(
            "逾期提醒 %s：台账 %d 个，问题 %d 个",
            unit.name,
            len(items["ledgers"]),
            len(items["problems"]),
        )
        people = recipients_in_unit(unit, permission=roles.MANAGE_PIPELINE)
        if not people:
            continue
        title = (
            f"逾期提醒：{len(items['ledgers'])} 个项目台账逾期，"
            f"{len(items['problems'])} 个问题超过办结期限"
        )
        sent += len(
            notify(
                recipients=people,
                title=title,
                body=body,
                url="/pipeline/overdue-ledgers/",
                kind="pipeline_overdue",
            )
        )
    return sent


# --- Project ledger imports: dry run and commit run in the worker -------------------------
@shared_task
def check_project_import(job_id):
    with worker_phase(ProjectImport, job_id, ProjectImport.State.CHECKING) as may_run:
        if may_run:
            _check_project_import(job_id)


def _check_project_import(job_id):
    from . import importing  # importing → services → tasks

    job = ProjectImport.objects.select_related("created_by").get(pk=job_id)
    try:
        importing.check(job)
    except Exception as exc:
        ProjectImport.objects.filter(pk=job_id).update(
            state=ProjectImport.State.FAILED, errors=[[0, "", f"试导入失败：{exc}"]]
        )
        raise


@shared_task
def commit_project_import(job_id, user_id):
    with worker_phase(ProjectImport, job_id, ProjectImport.State.IMPORTING) as may_run:
        if may_run:
            _commit_project_import(job_id, user_id)


def _commit_project_import(job_id, user_id):
    from . import importing

    job = ProjectImport.objects.get(pk=job_id)
    actor = User.objects.get(pk=user_id)
    try:
        importing.commit(job, actor=actor)
    except Exception as exc:
        ProjectImport.objects.filter(pk=job_id).update(
            state=ProjectImport.State.FAILED, errors=[[0, "", f"导入失败，未写入任何数据：{exc}"]]
        )
        raise

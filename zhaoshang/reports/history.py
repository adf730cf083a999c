"""Backdated project history: a project registered and moved forward on given past
dates, a reassignment, funds in place, a voided agreement, a drop, a hold. Each writes
exactly what the shared semantics say the live move writes (the fields and one
StageChange row; the OwnerChange history) and keeps the funds sums through
``funds_recount``, but with the dates given instead of today, and without the actor and
audit line of a clerk's act. The demo loader and the tests' factories build past months
with these; nothing a user does reaches them."""

import datetime as dt
import zlib

from django.utils import timezone
from stdnum.cn import uscc

from zhaoshang.enterprises.services import clean_credit_code
from zhaoshang.pipeline.models import (
    FundsEntry,
    MajorLevel,
    OwnerChange,
    PipelineConfig,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.pipeline.projects.services import major_level_for

from .services import funds_recount

FORWARD = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION]
DATES = {
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "registered_on",
    Stage.CONSTRUCTION: "construction_on",
}


def at_local(day, hour=10):
    """A timestamp at ``hour`` o'clock Beijing time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


def make_project(
    *,
    name,
    enterprise,
    unit,
    registered_at,
    stage=Stage.SIGNED,
    signed_on=None,
    registered_on=None,
    construction_on=None,
    amount=None,
    config=None,
    registered_credit_code=None,
    **fields,
):
    """A project registered by ``unit`` at ``registered_at`` and moved forward to
    ``stage`` (signed, landed or construction) on the given dates. A landed project's
    registered enterprise gets a checksum-valid code of its own unless one is given."""
    if registered_on and not registered_credit_code:
        registered_credit_code = _local_code(name)
    # The landing move validates the code; data written past it must pass the same check.
    registered_credit_code = clean_credit_code(registered_credit_code) or ""
    level = (
        major_level_for(amount, config or PipelineConfig.current()) if amount else MajorLevel.NONE
    )
    project = Project.objects.create(
        name=name,
        enterprise=enterprise,
        department=unit,
        registered_department=unit,
        stage=stage,
        agreed_investment=amount if signed_on else None,
        estimated_investment=amount,
        major_level=level,
        signed_on=signed_on,
        agreement_no=f"HX-{name[:6]}" if signed_on else "",
        registered_on=registered_on,
        registered_credit_code=registered_credit_code,
        construction_on=construction_on,
        **fields,
    )
    owner = OwnerChange.objects.create(
        project=project, kind=OwnerChange.Kind.REGISTER, to_department=unit
    )
    OwnerChange.objects.filter(pk=owner.pk).update(at=registered_at)
    steps = [("", Stage.LEAD, timezone.localdate(registered_at))]
    if stage in FORWARD[1:]:
        steps.append((Stage.LEAD, Stage.NEGOTIATING, timezone.localdate(registered_at)))
    previous = Stage.NEGOTIATING
    dates = {
        Stage.SIGNED: signed_on,
        Stage.LANDED: registered_on,
        Stage.CONSTRUCTION: construction_on,
    }
    for s in FORWARD[2:]:
        if FORWARD.index(stage) >= FORWARD.index(s):
            steps.append((previous, s, dates[s]))
            previous = s
    for from_stage, to_stage, on in steps:
        StageChange.objects.create(
            project=project,
            from_stage=from_stage,
            to_stage=to_stage,
            occurred_on=on,
            department=unit,
        )
    return project


def _local_code(name):
    # A stable code per project name: 9112 0103 (a 河西 company) + MA + 7 digits + check.
    body = f"91120103MA{zlib.crc32(name.encode()) % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def reassign(project, to_unit, at, kind=OwnerChange.Kind.REASSIGN):
    """The office hands the project to another unit at ``at`` (a timestamp)."""
    with funds_recount([project.pk]):
        row = OwnerChange.objects.create(
            project=project, kind=kind, from_department=project.department, to_department=to_unit
        )
        OwnerChange.objects.filter(pk=row.pk).update(at=at)
        Project.objects.filter(pk=project.pk).update(department=to_unit)
    project.department = to_unit


def add_funds(*, project, received_on, amount, currency="CNY", source="domestic", note=""):
    """A funds-in-place entry dated in the past (the service refuses none of these, but
    stamps the actor and the audit line a demo does not need)."""
    with funds_recount([project.pk]):
        return FundsEntry.objects.create(
            project=project,
            received_on=received_on,
            amount=amount,
            currency=currency,
            source=source,
            note=note,
        )


def void_agreement(project, on, reason="协议作废"):
    """signed → negotiating: clears ``signed_on``."""
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.NEGOTIATING,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.NEGOTIATING, signed_on=None)
    project.stage, project.signed_on = Stage.NEGOTIATING, None


def drop(project, on, reason="企业决策调整，项目终止"):
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.DROPPED,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    with funds_recount([project.pk]):
        Project.objects.filter(pk=project.pk).update(stage=Stage.DROPPED, dropped_reason=reason)
    project.stage = Stage.DROPPED


def hold(project, on, reason="企业暂缓投资"):
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.ON_HOLD,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    Project.objects.filter(pk=project.pk).update(
        stage=Stage.ON_HOLD, stage_before_hold=project.stage, dropped_reason=reason
    )
    project.stage_before_hold, project.stage = project.stage, Stage.ON_HOLD

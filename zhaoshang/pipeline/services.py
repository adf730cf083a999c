"""Every write to projects: creation (a lead is a project in stage ``lead``), the
major-project level, and the progress ledger. Stage moves live in ``workflow.py``."""

from django.db import transaction
from django.utils import timezone

from zhaoshang.common.records import record_create

from .models import (
    LedgerEntry,
    MajorLevel,
    OwnerChange,
    PipelineConfig,
    Project,
    Stage,
    StageChange,
)


def major_level_for(amount, config=None):
    """重大 / 特别重大 by the configured thresholds on the agreed (or, before signing, the
    estimated) investment."""
    if amount is None:
        return MajorLevel.NONE
    config = config or PipelineConfig.current()
    if amount >= config.very_major_threshold:
        return MajorLevel.VERY_MAJOR
    if amount >= config.major_threshold:
        return MajorLevel.MAJOR
    return MajorLevel.NONE


def investment_of(project):
    """The amount a project is sized by: the agreed investment once there is one."""
    if project.agreed_investment is not None:
        return project.agreed_investment
    return project.estimated_investment


@transaction.atomic
def project_create(*, actor, data, department=None, stage=Stage.LEAD, occurred_on=None):
    """Register a lead or a project for ``department`` (the actor's unit by default).

    The registering unit keeps the credit for the find; the first owner and the first
    stage are history rows like every later change, so reports never special-case them.
    """
    department = department or actor.department
    data = {**data, "department": department}
    data.setdefault("stage", stage)
    project = record_create(Project, actor=actor, data=data | _defaults(data, department, actor))
    level = major_level_for(investment_of(project))
    if level != project.major_level:
        Project.objects.filter(pk=project.pk).update(major_level=level)
        project.major_level = level
    OwnerChange.objects.create(
        project=project,
        kind=OwnerChange.Kind.REGISTER,
        to_department=department,
        actor=actor,
    )
    StageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        occurred_on=occurred_on or timezone.localdate(),
        department=department,
        actor=actor,
    )
    return project


def _defaults(data, department, actor):
    # Fields the user never types: who registered it, and when the stage was set.
    return {
        "registered_department": department,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        "stage_changed_at": timezone.now(),
    }


@transaction.atomic
def ledger_entry_add(*, actor, project, occurred_on, content, next_step=""):
    """One dated line of the progress ledger; keeps ``last_ledger_on`` for the overdue
    list and the lead lapse."""
    entry = record_create(
        LedgerEntry,
        actor=actor,
        data={
            "project": project,
            "occurred_on": occurred_on,
            "content": content,
            "next_step": next_step,
            "department": actor.department,
            "created_by": actor,
        },
    )
    # Only ever forward: an entry back-dated before the latest does not rewind it.
    Project.objects.filter(pk=project.pk).exclude(last_ledger_on__gte=occurred_on).update(
        last_ledger_on=occurred_on
    )
    project.refresh_from_db(fields=["last_ledger_on"])
    return entry

"""Every write to projects: creation (a lead is a project in stage ``lead``), the
major-project level, and the progress ledger. Stage moves live in ``workflow.py``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from zhaoshang.common import deadlines, per_request
from zhaoshang.common.imports import job_step_start, send_phase
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.reference.calendar import time_limit_error

from ..models import (
    FundsEntry,
    LedgerEntry,
    MajorLevel,
    OwnerChange,
    PipelineConfig,
    Problem,
    ProblemStep,
    Project,
    ProjectImport,
    ProjectMember,
    Stage,
    StageChange,
)
from . import funds, problem_workflow

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import Department, User


def major_level_for(amount: Decimal | None, config: PipelineConfig | None = None) -> str:
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


def investment_of(project: Project) -> Decimal | None:
    """The amount a project is sized by: the agreed investment once there is one."""
    if project.agreed_investment is not None:
        return project.agreed_investment
    return project.estimated_investment


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    department: Department | None = None,
    stage: str = Stage.LEAD,
    occurred_on: dt.date | None = None,
) -> Project:
    """Register a lead or a project for ``department`` (the actor's unit by default).

    The registering unit keeps the credit for the find; the first owner and the first
    stage are history rows like every later change, so reports never special-case them.
    """
    _refuse_tailored_terms(data)
    if department is None:
        if actor is None:
            # The system registers (a portal enquiry) only for a unit it names.
            raise ValueError("没有经办人时须指明登记单位")
        department = actor.department
    data = _with_referrer({**data, "department": department}, actor, department)
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


def _with_referrer(data, actor, department):
    # A referrer given by name (forms, the API) becomes the partner registry's row: a
    # person is registered on the way, an organisation must be in the registry.
    if "referrer_name" not in data and "referrer_kind" not in data:
        return data
    from zhaoshang.partners.services import referrer_resolve

    data = dict(data)
    name, kind = data.pop("referrer_name", ""), data.pop("referrer_kind", "")
    data["referrer"] = referrer_resolve(actor=actor, name=name, kind=kind, department=department)
    return data


def _defaults(data, department, actor):
    # Fields the user never types: who registered it, and when the stage was set.
    return {
        "registered_department": department,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        "stage_changed_at": timezone.now(),
    }


@transaction.atomic
def ledger_entry_add(
    *, actor: User, project: Project, occurred_on: dt.date, content: str, next_step: str = ""
) -> LedgerEntry:
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


# --- The project record -------------------------------------------------------------------
# Stage, dates of stage moves, owner and the derived level are never typed on the edit
# form: moves go through workflow.project_move, owners through claims and reassignment.
NOT_EDITABLE = {
    "stage",
    "signed_on",
    "registered_on",
    "construction_on",
    "operating_on",
    "registered_credit_code",
    "department",
    "major_level",
}


def _refuse_tailored_terms(data):
    # 一企一策 is the executive meeting's decision: approval_services.meeting_record sets
    # the flag when the meeting approves the terms, and no form, API or import does.
    if "tailored_terms" in data:
        raise ValidationError(
            {
                "tailored_terms": "“一企一策”不能手工勾选：须在项目页发起一企一策审批，"
                "经区政府常务会议审议通过后由系统标记。"
            }
        )


@transaction.atomic
def project_update(*, actor: User, project: Project, data: dict[str, Any], version: int) -> Project:
    """Edit a project's fields; refused when someone saved it since ``version``. The
    major-project level follows the investment amounts."""
    _refuse_tailored_terms(data)
    bad = NOT_EDITABLE & set(data)
    if bad:
        raise ValidationError(
            f"{'、'.join(str(getattr(Project._meta.get_field(f), 'verbose_name', f)) for f in sorted(bad))}"
            "不能在此修改：阶段及其日期请通过“阶段变更”办理，责任单位请通过认领或改派办理。"
        )
    data = _with_referrer(data, actor, project.department)
    project = record_update(project, actor=actor, data=data, version=version)
    level = major_level_for(investment_of(project))
    if level != project.major_level:
        Project.objects.filter(pk=project.pk).update(major_level=level)
        project.major_level = level
    return project


# --- Funds in place -----------------------------------------------------------------------
@transaction.atomic
def funds_entry_add(
    *,
    actor: User,
    project: Project,
    received_on: dt.date,
    amount: Decimal,
    currency: str = "CNY",
    source: str | None = None,
    note: str = "",
) -> FundsEntry:
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": "到位资金金额应大于零。"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "到位日期不能晚于今天。"})
    currency = (currency or "CNY").upper()
    source = source or (
        FundsEntry.Source.DOMESTIC if currency == "CNY" else FundsEntry.Source.FOREIGN
    )
    with funds.changing([project.pk]):
        return record_create(
            FundsEntry,
            actor=actor,
            data={
                "project": project,
                "received_on": received_on,
                "amount": Decimal(amount),
                "currency": currency,
                "source": source,
                "note": note,
                "created_by": actor,
            },
        )


@transaction.atomic
def funds_entry_delete(*, actor: User, entry: FundsEntry) -> None:
    with funds.changing([entry.project_id]):
        record_delete(entry, actor=actor, detail=f"删除到位资金（{entry.project}）")


# --- Problems -----------------------------------------------------------------------------
def _step(problem, kind, actor, note="", from_level="", to_level="", to_status=""):
    return ProblemStep.objects.create(
        problem=problem,
        kind=kind,
        from_level=from_level,
        to_level=to_level,
        to_status=to_status,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def problem_raise(
    *,
    actor: User,
    project: Project,
    category: str,
    title: str,
    owner_department: Department,
    deadline_days: int | None = None,
    description: str = "",
    today: dt.date | None = None,
) -> Problem:
    today = today or timezone.localdate()
    if deadline_days is None:
        deadline_days = PipelineConfig.current().problem_deadline_days
    if error := time_limit_error(deadline_days):
        raise ValidationError({"deadline_days": error})
    problem = record_create(
        Problem,
        actor=actor,
        data={
            "project": project,
            "category": category,
            "title": title,
            "description": description,
            "owner_department": owner_department,
            **deadlines.clock_fields(problem_workflow.PROBLEM_CLOCK, today, deadline_days),
            "created_by": actor,
        },
    )
    _step(
        problem,
        ProblemStep.Kind.RAISE,
        actor,
        description,
        to_level=problem.level,
        to_status=Problem.Status.OPEN,
    )
    return problem


def _problem_change(problem, *, actor, data, version, detail):
    """A reply or an escalation: only while the problem is open (a resolved or closed
    one is worked again through problem_reopen)."""
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(CLOSED_MESSAGE)
    return record_update(problem, actor=actor, data=data, version=version, detail=detail)


CLOSED_MESSAGE = "该问题已办结，不能再办理；如需继续，请先“重新打开”。"


@transaction.atomic
def problem_reply(
    *, actor: User, problem: Problem, note: str, version: int | None = None
) -> ProblemStep:
    if not note.strip():
        raise ValidationError({"note": "请填写办理情况。"})
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(CLOSED_MESSAGE)
    # The reply bumps the version, so two people answering the same state are told.
    _problem_change(problem, actor=actor, data={}, version=version, detail="办理回复")
    return _step(problem, ProblemStep.Kind.REPLY, actor, note)


def problem_may_escalate(problem: Problem, actor: User) -> bool:
    """Whether ``actor`` may escalate ``problem`` one level: not past the joint meeting,
    and to the joint meeting only the office. The project page offers 升级 by this answer;
    ``problem_escalate`` refuses by the same rule (the deadline engine's, with the
    problem's clock: common/deadlines.py)."""
    clock = problem_workflow.PROBLEM_CLOCK
    to_level = clock.next_level(problem.level)
    return to_level is not None and clock.may_raise_to(actor, to_level) is None


def problem_overdue(problem: Problem, today: dt.date) -> bool:
    """Open past its deadline (the rule the overdue lists filter by: open, due before today)."""
    return problem.status == Problem.Status.OPEN and problem.due_on < today


def problem_escalate(
    *,
    actor: User,
    problem: Problem,
    note: str,
    version: int | None = None,
    deadline_days: int | None = None,
    today: dt.date | None = None,
) -> ProblemStep:
    """责任单位 → 招商办协调 → 联席会议; each step restarts the deadline (the engine
    service tickets share, common/deadlines.py)."""
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(CLOSED_MESSAGE)
    return deadlines.escalate(
        problem_workflow.PROBLEM_CLOCK,
        problem,
        actor=actor,
        note=note,
        deadline_days=deadline_days,
        today=today,
        version=version,
    )


# Status moves go through the one table in problem_workflow; these name them for views,
# the API and the demo.
def problem_resolve(
    *,
    actor: User,
    problem: Problem,
    resolution: str,
    version: int | None = None,
    today: dt.date | None = None,
) -> ProblemStep:
    return problem_workflow.problem_move(
        actor=actor,
        problem=problem,
        to_status=Problem.Status.RESOLVED,
        note=resolution,
        version=version,
        today=today,
    )


def problem_close(
    *,
    actor: User,
    problem: Problem,
    note: str,
    version: int | None = None,
    today: dt.date | None = None,
) -> ProblemStep:
    """Closed without a solution (no longer relevant); a reason is required."""
    return problem_workflow.problem_move(
        actor=actor,
        problem=problem,
        to_status=Problem.Status.CLOSED,
        note=note,
        version=version,
        today=today,
    )


def problem_reopen(
    *,
    actor: User,
    problem: Problem,
    note: str,
    version: int | None = None,
    deadline_days: int | None = None,
    today: dt.date | None = None,
) -> ProblemStep:
    """A resolved or closed problem is worked again: a reason is required, and the
    deadline restarts from ``today`` in working days."""
    return problem_workflow.problem_move(
        actor=actor,
        problem=problem,
        to_status=Problem.Status.OPEN,
        note=note,
        version=version,
        deadline_days=deadline_days,
        today=today,
    )


# --- The team ------------------------------------------------------------------------------
@transaction.atomic
def member_add(
    *,
    actor: User,
    project: Project,
    role: str,
    name: str,
    title: str = "",
    user: User | None = None,
) -> ProjectMember:
    if role == ProjectMember.Role.COMMANDER and project.major_level != MajorLevel.VERY_MAJOR:
        raise ValidationError({"role": "只有特别重大项目设立指挥部，本项目不能设总指挥。"})
    if (
        role == ProjectMember.Role.LEAD_OFFICIAL
        and project.members.filter(role=ProjectMember.Role.LEAD_OFFICIAL).exists()
    ):
        raise ValidationError({"role": "每个项目只设一名包联领导，请先移除现有包联领导。"})
    return record_create(
        ProjectMember,
        actor=actor,
        data={"project": project, "role": role, "name": name, "title": title, "user": user},
    )


@transaction.atomic
def member_remove(*, actor: User, member: ProjectMember) -> None:
    record_delete(member, actor=actor, detail=f"移除项目成员（{member.project}）")


# --- Settings ------------------------------------------------------------------------------
@transaction.atomic
def config_update(*, actor: User, data: dict[str, Any]) -> PipelineConfig:
    """The office edits the thresholds, lapse days and ledger cycle. The levels of all
    projects follow new thresholds at once, so lists never mix old and new rules."""
    # Read afresh: the request's memo may hold the row a form has already been bound to
    # (a bound ModelForm writes its values into its instance), and the audit line compares
    # the stored values with the new ones.
    per_request.forget(PipelineConfig.CURRENT)
    config = PipelineConfig.current()
    if data.get("very_major_threshold", config.very_major_threshold) < data.get(
        "major_threshold", config.major_threshold
    ):
        raise ValidationError({"very_major_threshold": "特别重大项目标准不能低于重大项目标准。"})
    try:
        record_update(config, actor=actor, data=data)
    finally:
        per_request.forget(PipelineConfig.CURRENT)
    relevel_projects(config)
    return config


def relevel_projects(config: PipelineConfig) -> None:
    def at_least(threshold):
        # The agreed investment once there is one, else the estimate (investment_of).
        return Q(agreed_investment__gte=threshold) | Q(
            agreed_investment__isnull=True, estimated_investment__gte=threshold
        )

    Project.objects.update(
        major_level=Case(
            When(at_least(config.very_major_threshold), then=Value(MajorLevel.VERY_MAJOR)),
            When(at_least(config.major_threshold), then=Value(MajorLevel.MAJOR)),
            default=Value(MajorLevel.NONE),
        )
    )


# --- Project ledger imports: starting the worker's steps ----------------------------------
def project_import_check_start(
    *,
    actor: User,
    job: ProjectImport,
    mapping: dict[str, str],
    on_queued: Callable[[], Any] | None = None,
    on_not_queued: Callable[[], Any] | None = None,
) -> None:
    """Save the column mapping and hand the dry run to the worker; a second click while it
    runs queues nothing (``common.imports.job_step_start``)."""
    from . import tasks  # tasks → importing → services

    job_step_start(
        ProjectImport,
        job,
        from_states=[ProjectImport.State.UPLOADED, ProjectImport.State.CHECKED],
        to_state=ProjectImport.State.CHECKING,
        mapping=mapping,
        worker_started_at=None,  # queued: no worker yet
    )
    send_phase(
        ProjectImport,
        job.pk,
        tasks.check_project_import,
        back_to=ProjectImport.State.UPLOADED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )


def project_import_commit_start(
    *,
    actor: User,
    job: ProjectImport,
    on_queued: Callable[[], Any] | None = None,
    on_not_queued: Callable[[], Any] | None = None,
) -> None:
    """Hand a checked ledger import to the worker: checked → importing as one conditional
    UPDATE, so a double click on 确认导入 queues one commit and the second click is told so."""
    from . import tasks

    if job.errors:
        raise ValidationError("试导入发现被拒绝的行，请修正文件后重新上传，再确认导入。")
    job_step_start(
        ProjectImport,
        job,
        from_states=[ProjectImport.State.CHECKED],
        to_state=ProjectImport.State.IMPORTING,
        worker_started_at=None,
    )
    send_phase(
        ProjectImport,
        job.pk,
        tasks.commit_project_import,
        actor.pk,
        back_to=ProjectImport.State.CHECKED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )

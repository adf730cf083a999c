"""The stages of a project and the one function that moves it.

``TRANSITIONS`` is the whole table: a move not in it is refused. ``project_move`` is the
only code that changes ``Project.stage``; it asks for what the move needs (signing needs
the agreed investment, the date and an agreement number or file, …), runs the guards
other modules registered with ``register_check``, then applies the move as a conditional
``UPDATE … WHERE pk = … AND stage = <the stage the user saw>``. Of two people moving the
same project at once exactly one update matches a row; the other is told, and only the
winner writes a ``StageChange`` row and an audit line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.common import formats
from zhaoshang.common.workflow import Move, MoveConflict, MoveRefused, Workflow
from zhaoshang.org.roles import MANAGE_PIPELINE

from ..models import ACTIVE_STAGES, Project, Stage, StageChange
from . import funds

if TYPE_CHECKING:
    from zhaoshang.org.models import User

# The pages and the API catch these from here.
__all__ = ["TRANSITIONS", "MoveConflict", "MoveRefused", "project_move", "register_check"]


@dataclass(frozen=True)
class StageMove(Move):
    back_step: bool = False  # a step back: the history's date is the day of the move

    @property
    def reason_required(self) -> bool:
        return bool(self.note)


def _move(label, reason=False, back_step=False):
    # Every stage move is project work (MANAGE_PIPELINE) within the user's data scope,
    # which the page and the API apply when they read the project.
    return StageMove(
        label, perm=MANAGE_PIPELINE, note="原因" if reason else "", back_step=back_step
    )


# (from, to) -> Move. On hold and dropped are reachable from every active stage; coming
# off hold returns to the stage the project left (checked against ``stage_before_hold``).
TRANSITIONS = {
    (Stage.LEAD, Stage.NEGOTIATING): _move("转入洽谈"),
    (Stage.NEGOTIATING, Stage.SIGNED): _move("签约"),
    (Stage.SIGNED, Stage.LANDED): _move("落地注册"),
    (Stage.LANDED, Stage.CONSTRUCTION): _move("开工"),
    (Stage.CONSTRUCTION, Stage.OPERATING): _move("投产运营"),
    # A voided agreement: the project is negotiated again.
    (Stage.SIGNED, Stage.NEGOTIATING): _move("协议作废，退回洽谈", reason=True, back_step=True),
    **{(s, Stage.ON_HOLD): _move("搁置", reason=True) for s in ACTIVE_STAGES},
    **{(s, Stage.DROPPED): _move("终止", reason=True) for s in ACTIVE_STAGES},
    # A project on hold may also be given up for good.
    (Stage.ON_HOLD, Stage.DROPPED): _move("终止", reason=True),
    **{(Stage.ON_HOLD, s): _move("恢复推进") for s in ACTIVE_STAGES},
}

# The date field a move records; the StageChange's business date is that date.
DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "registered_on",
    Stage.CONSTRUCTION: "construction_on",
    Stage.OPERATING: "operating_on",
}

# Fields each target stage asks for, with their Chinese labels (form and API use these).
FIELDS = {
    Stage.SIGNED: [
        ("signed_on", "签约日期"),
        ("agreed_investment", "协议投资额（元）"),
        ("agreed_investment_foreign", "其中外资（美元）"),
        ("agreement_no", "协议编号"),
        ("agreement_file", "协议文件"),
    ],
    Stage.LANDED: [
        ("registered_credit_code", "注册企业统一社会信用代码"),
        ("registered_on", "注册日期"),
    ],
    Stage.CONSTRUCTION: [("construction_on", "开工日期")],
    Stage.OPERATING: [("operating_on", "投产运营日期")],
}

# A guard on moves into a stage: fn(project, data) -> a refusal message, or None.
Check = Callable[[Project, dict[str, Any]], str | None]
CHECKS: dict[str, list[Check]] = {}


def register_check(to_stage: str, fn: Check) -> Check:
    """Add a guard to every move into ``to_stage``: ``fn(project, data)`` returns a
    Chinese refusal message, or None to let the move through. Other parts register in
    their ``AppConfig.ready``; registering one guard twice keeps one."""
    checks = CHECKS.setdefault(to_stage, [])
    if fn not in checks:
        checks.append(fn)
    return fn


def _refresh(project, fields):
    # The caller gets the project as it now stands, with its enterprise and unit, which
    # pages and the API show next (a partial object is refreshed as it was read).
    fresh = Project.objects.all()
    if not project.get_deferred_fields():
        fresh = fresh.select_related("enterprise", "department")
    project.refresh_from_db(from_queryset=fresh)


def _history(moved):
    # The row, locked by the UPDATE, gives the unit the history records.
    return StageChange.objects.create(
        project=moved.record,
        from_stage=moved.src,
        to_stage=moved.dst,
        occurred_on=moved.extra["occurred_on"],
        reason=moved.note,
        department_id=moved.record.department_id,
        actor=moved.user,
    )


STAGES = Workflow(
    model=Project,
    field="stage",
    transitions=TRANSITIONS,
    history=_history,
    noun="项目",
    stamp="stage_changed_at",
    quiet=frozenset({"stage_before_hold", "major_level"}),
    refresh=_refresh,
)
label = STAGES.label


def allowed_moves(project: Project) -> list[tuple[str, StageMove]]:
    """The moves offered from the project's stage, as (to_stage, Move)."""
    return moves_from(project.stage, project.stage_before_hold)


def moves_from(stage: str, stage_before_hold: str = "") -> list[tuple[str, StageMove]]:
    """The moves offered from ``stage`` (a kanban card is a row, not a Project)."""
    out: list[tuple[str, StageMove]] = []
    for (src, dst), move in TRANSITIONS.items():
        if src != stage:
            continue
        if src == Stage.ON_HOLD and dst != Stage.DROPPED and dst != stage_before_hold:
            continue
        out.append((dst, move))
    return out


def _date(value, name, today):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise MoveRefused(f"{name}“{value}”不是有效日期，请按 2026-11-23 的格式填写。") from exc
    if value > today:
        raise MoveRefused(f"{name}不能晚于今天（{formats.cn_date(today)}）。")
    return value


def _amount(value, name):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise MoveRefused(f"{name}“{value}”不是有效金额。") from exc
    if amount <= 0:
        raise MoveRefused(f"{name}应大于零。")
    return amount


def _needs(project, src, dst, data, today):
    """The field values the move writes; MoveRefused naming what is missing."""
    updates = {}
    missing = []
    if dst == Stage.SIGNED:
        updates["signed_on"] = _date(data.get("signed_on"), "签约日期", today)
        updates["agreed_investment"] = _amount(data.get("agreed_investment"), "协议投资额")
        foreign = _amount(data.get("agreed_investment_foreign"), "其中外资（美元）")
        if foreign is not None:
            updates["agreed_investment_foreign"] = foreign
        number = (data.get("agreement_no") or "").strip()
        upload = data.get("agreement_file")
        if not updates["signed_on"]:
            missing.append("签约日期")
        if updates["agreed_investment"] is None:
            missing.append("协议投资额")
        if not number and not upload and not project.agreement_file:
            missing.append("协议编号或协议文件（至少一项）")
        if number:
            updates["agreement_no"] = number
        if upload:
            updates["agreement_file"] = upload
    elif dst == Stage.LANDED:
        from zhaoshang.enterprises.services import clean_credit_code

        code = (data.get("registered_credit_code") or "").strip()
        if not code:
            missing.append("注册企业统一社会信用代码")
        else:
            try:
                updates["registered_credit_code"] = clean_credit_code(code)
            except ValidationError as exc:
                raise MoveRefused(exc.messages[0]) from exc
        updates["registered_on"] = _date(data.get("registered_on"), "注册日期", today)
        if not updates["registered_on"]:
            missing.append("注册日期")
    elif dst in (Stage.CONSTRUCTION, Stage.OPERATING):
        field = DATE_FIELD[dst]
        name = dict(FIELDS[dst])[field]
        updates[field] = _date(data.get(field), name, today)
        if not updates[field]:
            missing.append(name)
    if missing:
        raise MoveRefused(f"“{TRANSITIONS[(src, dst)].label}”还需填写：{'、'.join(missing)}。")
    return updates


def project_move(
    *,
    actor: User,
    project: Project,
    to_stage: str,
    data: dict[str, Any] | None = None,
    reason: str = "",
    expected_stage: str | None = None,
    today: dt.date | None = None,
) -> StageChange:
    """Move ``project`` from ``expected_stage`` (the stage the user saw; by default the
    stage of the ``project`` object) to ``to_stage``. Returns the StageChange row.

    Raises MoveRefused (not in the table, something missing, a guard said no) or
    MoveConflict (the project is no longer in ``expected_stage``)."""
    data = data or {}
    today = today or timezone.localdate()
    src = Stage(expected_stage or project.stage)
    dst = Stage(to_stage)
    reason = (reason or data.get("reason") or "").strip()
    history = {}

    def prepare(src, dst, move):
        if src == Stage.ON_HOLD and dst != Stage.DROPPED and dst != project.stage_before_hold:
            raise MoveRefused(
                f"搁置的项目只能恢复到搁置前的阶段“{label(project.stage_before_hold)}”。",
                code="refused",
            )
        # Coming off hold returns to a stage whose dates were recorded when it was reached.
        updates = {} if src == Stage.ON_HOLD else _needs(project, src, dst, data, today)
        for check in CHECKS.get(dst, []):
            message = check(project, {**data, **updates})
            if message:
                raise MoveRefused(message, code="refused")
        if dst == Stage.ON_HOLD:
            updates["stage_before_hold"] = src
        if src == Stage.ON_HOLD:
            updates["stage_before_hold"] = ""
        if dst in (Stage.ON_HOLD, Stage.DROPPED):
            updates["dropped_reason"] = reason
        elif src == Stage.ON_HOLD:
            updates["dropped_reason"] = ""
        if (src, dst) == (Stage.SIGNED, Stage.NEGOTIATING):
            updates["signed_on"] = None
        occurred_on = updates.get(DATE_FIELD.get(dst)) if not move.back_step else None
        if occurred_on is None:
            occurred_on = _date(data.get("occurred_on"), "发生日期", today) or today
        history["occurred_on"] = occurred_on
        if "agreed_investment" in updates:
            from .services import major_level_for

            updates["major_level"] = major_level_for(updates["agreed_investment"])
        # An uploaded file must be stored before the UPDATE can point at it.
        upload = updates.pop("agreement_file", None)
        if upload:
            field = Project._meta.get_field("agreement_file")
            name = field.generate_filename(project, upload.name)
            updates["agreement_file"] = field.storage.save(name, upload)
        return updates

    moved = STAGES.move(
        project,
        dst,
        actor=actor,
        note=reason,
        expected=src,
        prepare=prepare,
        # A dropped project's funds leave the monthly sums (counting rule 5).
        around=funds.changing([project.pk]) if dst == Stage.DROPPED else None,
        extra=history,
        detail=lambda m: f"阶段变更：{m.move.label}" + (f"（{m.note}）" if m.note else ""),
    )
    return moved.history

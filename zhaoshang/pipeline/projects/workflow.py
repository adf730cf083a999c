"""The stages of a project and the one function that moves it.

``TRANSITIONS`` is the whole table: a move not in it is refused. ``project_move`` is the
only code that changes ``Project.stage``; it asks for what the move needs (signing needs
the agreed investment, the date and an agreement number or file, …), runs the guards
other modules registered with ``register_check``, then applies the move as a conditional
``UPDATE … WHERE pk = … AND stage = <the stage the user saw>``. Of two people moving the
same project at once exactly one update matches a row; the other is told, and only the
winner writes a ``StageChange`` row and an audit line.
"""

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record

from ..models import ACTIVE_STAGES, Project, Stage, StageChange
from . import funds


@dataclass(frozen=True)
class Move:
    label: str  # what the button says, e.g. "签约"
    reason_required: bool = False
    back_step: bool = False


# (from, to) -> Move. On hold and dropped are reachable from every active stage; coming
# off hold returns to the stage the project left (checked against ``stage_before_hold``).
TRANSITIONS = {
    (Stage.LEAD, Stage.NEGOTIATING): Move("转入洽谈"),
    (Stage.NEGOTIATING, Stage.SIGNED): Move("签约"),
    (Stage.SIGNED, Stage.LANDED): Move("落地注册"),
    (Stage.LANDED, Stage.CONSTRUCTION): Move("开工"),
    (Stage.CONSTRUCTION, Stage.OPERATING): Move("投产运营"),
    # A voided agreement: the project is negotiated again.
    (Stage.SIGNED, Stage.NEGOTIATING): Move("协议作废，退回洽谈", True, True),
    **{(s, Stage.ON_HOLD): Move("搁置", True) for s in ACTIVE_STAGES},
    **{(s, Stage.DROPPED): Move("终止", True) for s in ACTIVE_STAGES},
    # A project on hold may also be given up for good.
    (Stage.ON_HOLD, Stage.DROPPED): Move("终止", True),
    **{(Stage.ON_HOLD, s): Move("恢复推进") for s in ACTIVE_STAGES},
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

CHECKS = {}


def register_check(to_stage, fn):
    """Add a guard to every move into ``to_stage``: ``fn(project, data)`` returns a
    Chinese refusal message, or None to let the move through. Other parts register in
    their ``AppConfig.ready``; registering one guard twice keeps one."""
    checks = CHECKS.setdefault(to_stage, [])
    if fn not in checks:
        checks.append(fn)
    return fn


class MoveRefused(ValidationError):
    """The move is not allowed or lacks what it needs; nothing was changed."""


class MoveConflict(ValidationError):
    """Someone else moved the project first; nothing was changed."""


def label(stage):
    return Stage(stage).label if stage else "（无）"


def allowed_moves(project):
    """The moves offered from the project's stage, as (to_stage, Move)."""
    return moves_from(project.stage, project.stage_before_hold)


def moves_from(stage, stage_before_hold=""):
    """The moves offered from ``stage`` (a kanban card is a row, not a Project)."""
    out = []
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
        raise MoveRefused(f"{name}不能晚于今天（{today:%Y年%m月%d日}）。")
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


@transaction.atomic
def project_move(
    *, actor, project, to_stage, data=None, reason="", expected_stage=None, today=None
):
    """Move ``project`` from ``expected_stage`` (the stage the user saw; by default the
    stage of the ``project`` object) to ``to_stage``. Returns the StageChange row.

    Raises MoveRefused (not in the table, something missing, a guard said no) or
    MoveConflict (the project is no longer in ``expected_stage``)."""
    data = data or {}
    today = today or timezone.localdate()
    src = Stage(expected_stage or project.stage)
    dst = Stage(to_stage)
    reason = (reason or data.get("reason") or "").strip()
    move = TRANSITIONS.get((src, dst))
    if move is None:
        raise MoveRefused(f"项目不能从“{label(src)}”直接转为“{label(dst)}”。", code="refused")
    if src == Stage.ON_HOLD and dst != Stage.DROPPED and dst != project.stage_before_hold:
        raise MoveRefused(
            f"搁置的项目只能恢复到搁置前的阶段“{label(project.stage_before_hold)}”。",
            code="refused",
        )
    if move.reason_required and not reason:
        raise MoveRefused(f"“{move.label}”须填写原因。", code="refused")
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
    if "agreed_investment" in updates:
        from .services import major_level_for

        updates["major_level"] = major_level_for(updates["agreed_investment"])

    # An uploaded file must be stored before the UPDATE can point at it.
    upload = updates.pop("agreement_file", None)
    if upload:
        field = Project._meta.get_field("agreement_file")
        updates["agreement_file"] = field.generate_filename(project, upload.name)
        updates["agreement_file"] = field.storage.save(updates["agreement_file"], upload)

    now = timezone.now()
    # A dropped project's funds leave the monthly sums (counting rule 5).
    recount = funds.changing([project.pk]) if dst == Stage.DROPPED else nullcontext()
    with recount:
        won = Project.objects.filter(pk=project.pk, stage=src).update(
            stage=dst, stage_changed_at=now, version=F("version") + 1, **updates
        )
        if not won:
            current = Project.objects.filter(pk=project.pk).values_list("stage", flat=True).first()
            raise MoveConflict(
                f"该项目已被他人从“{label(src)}”转为“{label(current)}”，您的操作未执行。"
                "请刷新页面查看最新情况后再操作。",
                code="conflict",
            )
    changes = {"stage": [src.label, dst.label]}
    for name, value in updates.items():
        if name in ("stage_before_hold", "major_level"):
            continue
        before = getattr(project, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
    # The caller gets the project as it now stands (with its enterprise and unit, which
    # pages and the API show next); the row, locked by the UPDATE, also gives the unit
    # the history row records.
    fresh = Project.objects.all()
    if not project.get_deferred_fields():  # a partial object is refreshed as it was read
        fresh = fresh.select_related("enterprise", "department")
    project.refresh_from_db(from_queryset=fresh)
    change = StageChange.objects.create(
        project=project,
        from_stage=src,
        to_stage=dst,
        occurred_on=occurred_on,
        reason=reason,
        department_id=project.department_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=project,
        changes=changes,
        detail=f"阶段变更：{move.label}" + (f"（{reason}）" if reason else ""),
    )
    return change


def _plain(value):
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if hasattr(value, "name"):
        return value.name or ""
    return value

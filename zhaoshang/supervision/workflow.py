"""The states of a supervision item, the one function that moves it, and its clock.

已交办 → 办理中 (the department's first progress report) → 已办结待审核 (the department
head signs the result off) → 已办结 (the supervision office accepts it) or 退回重办 (the
office returns it with its reason; the department works on and submits again). The
department may submit straight from 已交办 or 退回重办. While the department holds the
item (已交办, 办理中, 退回重办) its clock runs; past the deadline the item escalates
承办单位 → 单位负责人督办 → 督查室及责任领导督办 (common/deadlines.py), each step telling
the new level (``notify_escalated``)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from zhaoshang.common import deadlines
from zhaoshang.common.workflow import Move, Workflow
from zhaoshang.org.roles import MANAGE_SUPERVISION, REPORT_SUPERVISION, SIGN_SUPERVISION

from .models import Item, Step

S = Item.Status
# The states in which the department holds the item and its clock runs.
OPEN = (S.ASSIGNED, S.IN_PROGRESS, S.RETURNED)


def _own_unit(action: str):
    def check(actor: Any, item: Any) -> str | None:
        if actor is None or actor.department_id != item.department_id:
            return f"只有承办单位（{item.department}）可以{action}。"
        return None

    return check


_submit = Move("报请办结", perm=SIGN_SUPERVISION, who=_own_unit("报请办结"), note="办理结果")
TRANSITIONS = {
    (S.ASSIGNED, S.IN_PROGRESS): Move(
        "开始办理", perm=REPORT_SUPERVISION, who=_own_unit("报送办理进展")
    ),
    (S.RETURNED, S.IN_PROGRESS): Move(
        "重新办理", perm=REPORT_SUPERVISION, who=_own_unit("报送办理进展")
    ),
    (S.ASSIGNED, S.SUBMITTED): _submit,
    (S.IN_PROGRESS, S.SUBMITTED): _submit,
    (S.RETURNED, S.SUBMITTED): _submit,
    (S.SUBMITTED, S.CLOSED): Move("审核办结", perm=MANAGE_SUPERVISION),
    (S.SUBMITTED, S.RETURNED): Move("退回重办", perm=MANAGE_SUPERVISION, note="退回理由"),
}


def _history(moved: Any) -> Any:
    return Step.objects.create(
        item=moved.record,
        label=moved.move.label,
        from_status=moved.src,
        to_status=moved.dst,
        note=moved.note,
        actor=moved.user,
    )


ITEMS = Workflow(
    model=Item,
    field="status",
    transitions=TRANSITIONS,
    history=_history,
    noun="督办事项",
    note_field="note",
    messages={"note": "请填写{note}。"},
    refresh=lambda item, fields: item.refresh_from_db(),
)


def item_move(
    *,
    actor: Any,
    item: Any,
    to_status: Any,
    note: Any = "",
    version: Any = None,
    today: Any = None,
) -> Any:
    """Move ``item`` to ``to_status``; returns the history row. Submitting keeps the
    result and whether it came in time; closing keeps the day."""
    today = today or timezone.localdate()

    def prepare(src: str, dst: str, move: Move) -> dict[str, Any]:
        if dst == S.SUBMITTED:
            return {
                "result": (note or "").strip(),
                "submitted_on": today,
                "on_time": today <= item.due_on,
            }
        if dst == S.CLOSED:
            return {"closed_on": today}
        return {}

    return ITEMS.move(
        item, to_status, actor=actor, note=note, version=version, prepare=prepare
    ).history


def _escalation_step(
    item: Any, *, actor: Any, note: str, from_level: str, to_level: str, automatic: bool
) -> Any:
    return Step.objects.create(
        item=item,
        label="超期自动升级督办" if automatic else "升级督办",
        from_level=from_level,
        to_level=to_level,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _may_raise_to(actor: Any, level: str) -> str | None:
    if not (actor is not None and actor.has_perm(MANAGE_SUPERVISION)):
        return "只有督查室可以升级督办。"
    return None


def _escalated(item: Any, step: Any) -> None:
    from .services import notify_escalated

    notify_escalated(item=item, step=step)


ITEM_CLOCK = deadlines.Clock(
    name="supervision.item",
    model=Item,
    noun="督办事项",
    chain=tuple(Item.Level.choices),
    open_q=Q(status__in=OPEN),
    history=_escalation_step,
    may_raise_to=_may_raise_to,
    unit_field="department",
    escalated=_escalated,
    closed_message="该督办事项已报请办结或已办结，不能升级督办。",
)

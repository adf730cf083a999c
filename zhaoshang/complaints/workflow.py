"""The states of a complaint, the one function that moves it, and its clock.

待受理 → 调查核实中 (accepted within ``ACCEPT_DAYS`` working days; the clock restarts
for concluding within ``CONCLUDE_DAYS``) or → 不予受理 (with the reason); 调查核实中 →
已处理待评价 (the result); → 已办结 with the complainant's rating, or back to 调查核实中
when they are not satisfied (a new clock). Every move is the discipline office's
(``complaints.handle_complaint``). Overdue complaints escalate 纪检监察部门 → 负责人督办 →
区领导督办 through the deadline engine (``common/deadlines.py``)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zhaoshang.common import deadlines
from zhaoshang.common.workflow import Move, MoveRefused, Workflow
from zhaoshang.org.roles import HANDLE_COMPLAINT

from .models import Complaint, ComplaintStep

S = Complaint.Status
# "限时解决" (Hexi (二十)): the time to accept a complaint and the time to conclude it.
ACCEPT_DAYS = 3
CONCLUDE_DAYS = 15


@dataclass(frozen=True)
class ComplaintMove(Move):
    restarts: int = 0  # working days of the clock the move starts, 0 when none


TRANSITIONS = {
    (S.RECEIVED, S.ACCEPTED): ComplaintMove("受理", perm=HANDLE_COMPLAINT, restarts=CONCLUDE_DAYS),
    (S.RECEIVED, S.REJECTED): ComplaintMove(
        "不予受理", perm=HANDLE_COMPLAINT, note="不予受理的理由"
    ),
    (S.ACCEPTED, S.CONCLUDED): ComplaintMove("办结处理", perm=HANDLE_COMPLAINT, note="处理结果"),
    (S.CONCLUDED, S.CLOSED): ComplaintMove("登记评价并办结", perm=HANDLE_COMPLAINT),
    (S.CONCLUDED, S.ACCEPTED): ComplaintMove(
        "投诉人不满意，继续调查",
        perm=HANDLE_COMPLAINT,
        note="继续调查的原因",
        restarts=CONCLUDE_DAYS,
    ),
}


def _history(moved):
    return ComplaintStep.objects.create(
        complaint=moved.record,
        label=moved.move.label,
        from_status=moved.src,
        to_status=moved.dst,
        note=moved.note,
        actor=moved.user,
    )


COMPLAINTS = Workflow(
    model=Complaint,
    field="status",
    transitions=TRANSITIONS,
    history=_history,
    noun="投诉",
    note_field="note",
    messages={"note": "请填写{note}。"},
    refresh=lambda c, fields: c.refresh_from_db(),
)


def complaint_move(
    *,
    actor: Any,
    complaint: Any,
    to_status: Any,
    note: Any = "",
    rating: Any = None,
    version: Any = None,
    today: Any = None,
) -> Any:
    today = today or timezone.localdate()
    note = (note or "").strip()

    def prepare(src, dst, move):
        values = {}
        if move.restarts:
            values |= deadlines.clock_fields(COMPLAINT_CLOCK, today, move.restarts)
            values |= {"level": Complaint.Level.HANDLER}
        if dst == S.ACCEPTED and src == S.RECEIVED:
            values["accepted_on"] = today
        elif dst == S.ACCEPTED:
            values |= {"result": "", "concluded_on": None, "on_time": None}
        elif dst == S.CONCLUDED:
            values |= {"result": note, "concluded_on": today, "on_time": today <= complaint.due_on}
        elif dst == S.CLOSED:
            if rating not in Complaint.Rating.values:
                raise MoveRefused({"rating": "请选择投诉人评价：满意、基本满意或不满意。"})
            values |= {"rating": rating, "closed_on": today}
        elif dst == S.REJECTED:
            values |= {"result": note, "closed_on": today}
        return values

    return COMPLAINTS.move(
        complaint,
        to_status,
        actor=actor,
        note=note,
        version=version,
        prepare=prepare,
        detail=lambda m: f"投诉{m.move.label}",  # the audit line never repeats the content
    ).history


def _escalation_step(complaint, *, actor, note, from_level, to_level, automatic):
    return ComplaintStep.objects.create(
        complaint=complaint,
        label="超期自动升级督办" if automatic else "升级督办",
        from_level=from_level,
        to_level=to_level,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _may_raise_to(actor, level):
    if not (actor is not None and actor.has_perm(HANDLE_COMPLAINT)):
        return "只有纪检监察部门可以升级督办投诉。"
    return None


COMPLAINT_CLOCK = deadlines.Clock(
    name="complaints.complaint",
    model=Complaint,
    noun="投诉",
    chain=tuple(Complaint.Level.choices),
    open_q=Q(status__in=[S.RECEIVED, S.ACCEPTED]),
    history=_escalation_step,
    may_raise_to=_may_raise_to,
    unit_field="handling_unit",
    closed_message="该投诉已处理或办结，不能升级督办。",
)

"""The states of a service ticket and the one function that moves it; its clock.

``TRANSITIONS`` is the whole table (``common/workflow.py``): the responsible unit answers
the enterprise (办理中 → 已答复待评价); the enterprise's rating closes it (→ 已办结), or,
when the enterprise is not satisfied, it is worked again with a new deadline (→ 办理中);
the office may close an open ticket the enterprise withdrew. Escalation moves the level
of an open ticket, not its status, through the deadline engine
(``common/deadlines.py``) that the pipeline's problems share: ``TICKET_CLOCK`` says where
a ticket keeps its clock.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zhaoshang.common import deadlines
from zhaoshang.common.workflow import Move, MoveRefused, Workflow
from zhaoshang.org.roles import COORDINATE_AFTERCARE, MANAGE_AFTERCARE
from zhaoshang.reference.calendar import is_working_day

from .models import Ticket, TicketStep

S = Ticket.Status


def _responsible_or_office(actor, ticket):
    # The unit the ticket is with, or the office, which coordinates all of them.
    if actor is None or actor.has_perm(COORDINATE_AFTERCARE):
        return None
    if actor.department_id != ticket.department_id:
        return "只有责任单位或区招商办可以答复该诉求。"
    return None


@dataclass(frozen=True)
class TicketMove(Move):
    kind: str = ""
    restarts_deadline: bool = False


TRANSITIONS = {
    (S.OPEN, S.ANSWERED): TicketMove(
        "答复企业",
        perm=MANAGE_AFTERCARE,
        who=_responsible_or_office,
        note="答复内容",
        kind=TicketStep.Kind.ANSWER,
    ),
    (S.ANSWERED, S.CLOSED): TicketMove(
        "登记评价并办结", perm=MANAGE_AFTERCARE, kind=TicketStep.Kind.RATE
    ),
    (S.ANSWERED, S.OPEN): TicketMove(
        "企业不满意，重新办理",
        perm=MANAGE_AFTERCARE,
        note="重新办理的原因",
        kind=TicketStep.Kind.REOPEN,
        restarts_deadline=True,
    ),
    (S.OPEN, S.CLOSED): TicketMove(
        "撤销办结", perm=COORDINATE_AFTERCARE, note="撤销原因", kind=TicketStep.Kind.CLOSE
    ),
}


def _history(moved):
    return TicketStep.objects.create(
        ticket=moved.record,
        kind=moved.move.kind,
        from_status=moved.src,
        to_status=moved.dst,
        department_id=moved.record.department_id,
        note=moved.note,
        actor=moved.user,
    )


TICKETS = Workflow(
    model=Ticket,
    field="status",
    transitions=TRANSITIONS,
    history=_history,
    noun="诉求",
    note_field="note",
    messages={"note": "请填写{note}。"},
    refresh=lambda ticket, fields: ticket.refresh_from_db(),
)


def working_days_between(start: Any, end: Any) -> Any:
    """Working days after ``start`` up to and including ``end`` (0 on the same day)."""
    import datetime as dt

    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n += 1
    return n


def ticket_move(
    *,
    actor: Any,
    ticket: Any,
    to_status: Any,
    note: Any = "",
    rating: Any = None,
    expected_status: Any = None,
    version: Any = None,
    today: Any = None,
) -> Any:
    """Move ``ticket`` to ``to_status``; returns the TicketStep. An answer records when
    and whether on time; a rating closes it; a reopen restarts the deadline from today."""
    today = today or timezone.localdate()
    note = (note or "").strip()

    def prepare(src, dst, move):
        if dst == S.ANSWERED:
            return {
                "answer": note,
                "answered_on": today,
                "handling_days": working_days_between(ticket.raised_on, today),
                "on_time": today <= ticket.due_on,
            }
        if src == S.ANSWERED and dst == S.CLOSED:
            if rating not in Ticket.Rating.values:
                raise MoveRefused({"rating": "请选择企业评价：满意、基本满意或不满意。"})
            return {"rating": rating, "rating_note": note, "closed_on": today}
        if dst == S.CLOSED:
            return {"closed_on": today}
        if move.restarts_deadline:
            return {
                "answer": "",
                "answered_on": None,
                "handling_days": None,
                "on_time": None,
                "rating": None,
                **deadlines.clock_fields(TICKET_CLOCK, today, ticket.deadline_days),
            }
        return {}

    from .services import ticket_month_recount  # services imports this module

    # An answer, a rating or a reopen changes what the ticket counts on the dashboard.
    with ticket_month_recount([ticket.pk]):
        moved = TICKETS.move(
            ticket,
            to_status,
            actor=actor,
            note=note,
            expected=expected_status,
            version=version,
            prepare=prepare,
            detail=lambda m: f"诉求{m.move.label}" + (f"：{m.note}" if m.note else ""),
        )
    return moved.history


# --- The ticket's clock in the deadline engine --------------------------------------------
def _escalation_step(ticket, *, actor, note, from_level, to_level, automatic):
    kind = TicketStep.Kind.AUTO_ESCALATE if automatic else TicketStep.Kind.ESCALATE
    return TicketStep.objects.create(
        ticket=ticket,
        kind=kind,
        from_level=from_level,
        to_level=to_level,
        department_id=ticket.department_id,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _may_raise_to(actor, level):
    if level == deadlines.JOINT_MEETING and not (
        actor is not None and actor.has_perm(COORDINATE_AFTERCARE)
    ):
        return "只有区招商办可以将诉求提交联席会议。"
    return None


def _escalated(ticket, step):
    from . import services

    services.tell_escalation(ticket, step)


TICKET_CLOCK = deadlines.Clock(
    name="aftercare.ticket",
    model=Ticket,
    noun="诉求",
    chain=tuple(deadlines.Level.choices),
    open_q=Q(status=S.OPEN),
    history=_escalation_step,
    may_raise_to=_may_raise_to,
    escalated=_escalated,
    closed_message="该诉求已答复或办结，不能升级；企业不满意时请“重新办理”。",
)

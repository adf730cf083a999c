"""The states of a lead push (信息推送 / 合作请求) and the one function that moves it.

A push is made pending (``services._push_create``) and answered once: the receiving unit
accepts or declines it (a reason is required to decline), the sending unit withdraws it,
or it is withdrawn by itself when the lead changes hands some other way. ``push_move``
applies the answer as ``UPDATE … WHERE state = 'pending'``, so of two answers one wins.
A push moves once and keeps its answer on its own row (who, when, why), which is its
history; the audit trail has the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from zhaoshang.common.workflow import Move, Workflow
from zhaoshang.org.roles import COORDINATE_PIPELINE

from ..models import LeadPush

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import User

P = LeadPush.State


def may_act_for(actor: User, unit_id: int | None) -> bool:
    """Whether the actor may act for ``unit_id`` (their unit; the office for any)."""
    return actor.department_id == unit_id or actor.has_perm(COORDINATE_PIPELINE)


def _receiver(actor, push):
    if not may_act_for(actor, push.to_department_id):
        return "只有接收单位可以处理该推送。"
    return None


@dataclass(frozen=True)
class PushMove(Move):
    pass


# Accept and decline are the receiving unit's. A withdrawal is the sending unit's
# (``services.push_withdraw`` checks it) or happens by itself when the lead is handed over
# another way, on behalf of whoever handed it.
TRANSITIONS = {
    (P.PENDING, P.ACCEPTED): PushMove("接收", who=_receiver),
    (P.PENDING, P.DECLINED): PushMove("退回", who=_receiver, note="理由"),
    (P.PENDING, P.WITHDRAWN): PushMove("撤回"),
}

PUSHES = Workflow(
    model=LeadPush,
    field="state",
    transitions=TRANSITIONS,
    history=None,  # the push keeps its answer (answered_by, answered_at, answer_reason)
    noun="推送",
    quiet=frozenset({"answered_by", "answered_at"}),
    note_field="reason",
    messages={
        "refused": lambda s, d, **_: f"该推送已{P(s).label}，不能再{P(d).label}。",
        "note": "{move}推送须填写{note}。",
        "conflict": "该推送刚被其他人处理，请刷新后查看。",
    },
)


def push_move(
    push: LeadPush, to_state: str, *, actor: User, reason: str, now: dt.datetime | None = None
) -> LeadPush:
    """Answer ``push`` (accept, decline, withdraw) if it is still pending."""
    now = now or timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None

    def prepare(src, dst, move):
        return {"answer_reason": reason, "answered_by": user, "answered_at": now}

    PUSHES.move(push, to_state, actor=actor, note=reason, prepare=prepare, detail=lambda m: "")
    return push

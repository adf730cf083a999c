"""The states of a tailored-terms (一企一策) approval and the one function that moves it.

The loop of 河西 clauses 八 and 十八: the responsible department agrees the core terms with
the enterprise → the office drafts the agreement and its implementation rules → the
executive meeting approves (the terms freeze) or returns them to the department, and the
next round starts. Every move is a conditional UPDATE on the state the actor saw, so of
two people acting at once only one wins, and each move leaves one ``TermsStep`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from zhaoshang.common.workflow import Move, MoveRefused, Workflow

from ..models import TermsApproval, TermsState, TermsStep

if TYPE_CHECKING:
    from zhaoshang.org.models import User

S = TermsState


@dataclass(frozen=True)
class TermsMove(Move):
    # Moves are named by action (the buttons and TermsStep.action carry it).
    action: str = ""
    from_state: str = ""
    to_state: str = ""
    # Who acts: "department" (the project's responsible unit) or "office"; the services
    # check it (``services._may_act``) with their own wording.
    actor_kind: str = ""
    next_round: bool = False

    @property
    def note_required(self) -> bool:
        return bool(self.note)


def _move(action, label, from_state, to_state, actor_kind, next_round=False, note=""):
    return TermsMove(
        label,
        note=note,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_kind=actor_kind,
        next_round=next_round,
    )


# The one table of allowed moves, (from, to) → the move.
TRANSITIONS = {
    (m.from_state, m.to_state): m
    for m in [
        _move("start", "发起一企一策", "", S.DRAFTING_TERMS, "department"),
        _move("submit_terms", "报送核心条款", S.DRAFTING_TERMS, S.DRAFTING_AGREEMENT, "department"),
        _move(
            "submit_to_meeting",
            "提交常务会议审议",
            S.DRAFTING_AGREEMENT,
            S.AWAITING_MEETING,
            "office",
        ),
        _move("approve", "常务会议审议通过", S.AWAITING_MEETING, S.APPROVED, "office"),
        _move(
            "return",
            "常务会议退回责任单位修改",
            S.AWAITING_MEETING,
            S.DRAFTING_TERMS,
            "office",
            next_round=True,
            note="理由",
        ),
    ]
}
MOVES = {m.action: m for m in TRANSITIONS.values()}
ACTION_LABELS = {a: m.label for a, m in MOVES.items()}


def allowed_actions(state: str) -> list[TermsMove]:
    return [m for m in MOVES.values() if m.from_state == state]


def _history(moved):
    return TermsStep.objects.create(
        approval=moved.record,
        action=moved.move.action,
        from_state=moved.src,
        to_state=moved.dst,
        round=moved.extra["round"],
        note=moved.note,
        actor=moved.actor,
    )


TERMS = Workflow(
    model=TermsApproval,
    field="state",
    transitions=TRANSITIONS,
    history=_history,
    noun="一企一策审批",
    stamp="state_changed_at",
    messages={"conflict": "该审批已被他人处理（状态已变化），请刷新页面后查看。"},
)


def terms_move(
    *,
    actor: User,
    approval: TermsApproval,
    action: str,
    note: str = "",
    expected_state: str | None = None,
) -> TermsApproval:
    """Move ``approval`` by ``action`` if it is still in the state the actor saw.

    Raises ValidationError (Chinese) for a move not in the table, a missing reason, or a
    move someone else made first. Returns the approval with its new state and round."""
    move = MOVES.get(action)
    if move is None or move.action == "start":
        raise MoveRefused("不存在该审批操作。")
    expected_state = expected_state or approval.state
    if move.from_state != expected_state:
        raise MoveRefused(f"当前状态为“{S(expected_state).label}”，不能执行“{move.label}”。")

    def prepare(src, dst, move):
        updates = {}
        if move.next_round:
            updates["round"] = F("round") + 1
        if dst == S.APPROVED:
            updates["approved_on"] = timezone.localdate()
        return updates

    TERMS.move(
        approval,
        move.to_state,
        actor=actor,
        note=note,
        expected=expected_state,
        prepare=prepare,
        extra={"round": approval.round},
    )
    return approval

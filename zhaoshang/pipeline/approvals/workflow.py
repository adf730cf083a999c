"""The states of a tailored-terms (一企一策) approval and the one function that moves it.

The loop of 河西 clauses 八 and 十八: the responsible department agrees the core terms with
the enterprise → the office drafts the agreement and its implementation rules → the
executive meeting approves (the terms freeze) or returns them to the department, and the
next round starts. Every move is a conditional UPDATE on the state the actor saw, so of
two people acting at once only one wins, and each move leaves one ``TermsStep`` row.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record

from ..models import TermsApproval, TermsState, TermsStep

S = TermsState


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    from_state: str
    to_state: str
    # Who acts: "department" (the project's responsible unit) or "office".
    actor_kind: str
    next_round: bool = False
    note_required: bool = False


# The one table of allowed moves.
MOVES = {
    m.action: m
    for m in [
        Move("start", "发起一企一策", "", S.DRAFTING_TERMS, "department"),
        Move("submit_terms", "报送核心条款", S.DRAFTING_TERMS, S.DRAFTING_AGREEMENT, "department"),
        Move(
            "submit_to_meeting",
            "提交常务会议审议",
            S.DRAFTING_AGREEMENT,
            S.AWAITING_MEETING,
            "office",
        ),
        Move("approve", "常务会议审议通过", S.AWAITING_MEETING, S.APPROVED, "office"),
        Move(
            "return",
            "常务会议退回责任单位修改",
            S.AWAITING_MEETING,
            S.DRAFTING_TERMS,
            "office",
            next_round=True,
            note_required=True,
        ),
    ]
}
ACTION_LABELS = {a: m.label for a, m in MOVES.items()}


def allowed_actions(state):
    return [m for m in MOVES.values() if m.from_state == state]


@transaction.atomic
def terms_move(*, actor, approval, action, note="", expected_state=None):
    """Move ``approval`` by ``action`` if it is still in the state the actor saw.

    Raises ValidationError (Chinese) for a move not in the table, a missing reason, or a
    move someone else made first. Returns the approval with its new state and round."""
    move = MOVES.get(action)
    if move is None or move.action == "start":
        raise ValidationError("不存在该审批操作。")
    expected_state = expected_state or approval.state
    if move.from_state != expected_state:
        raise ValidationError(f"当前状态为“{S(expected_state).label}”，不能执行“{move.label}”。")
    if move.note_required and not note.strip():
        raise ValidationError(f"“{move.label}”须填写理由。")
    now = timezone.now()
    updates = {"state": move.to_state, "state_changed_at": now}
    if move.next_round:
        updates["round"] = F("round") + 1
    if move.to_state == S.APPROVED:
        updates["approved_on"] = timezone.localdate(now)
    changed = TermsApproval.objects.filter(pk=approval.pk, state=expected_state).update(**updates)
    if not changed:
        raise ValidationError("该审批已被他人处理（状态已变化），请刷新页面后查看。")
    old_round = approval.round
    approval.refresh_from_db(fields=["state", "round", "state_changed_at", "approved_on"])
    TermsStep.objects.create(
        approval=approval,
        action=action,
        from_state=expected_state,
        to_state=move.to_state,
        round=old_round,
        note=note.strip(),
        actor=actor,
    )
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=approval,
        changes={"state": [expected_state, move.to_state], "round": [old_round, approval.round]},
        detail=move.label + (f"：{note.strip()}" if note.strip() else ""),
    )
    return approval

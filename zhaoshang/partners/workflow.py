"""The states of a finder reward and the one function that moves it.

拟定 → 待审批 (the office submits) → 已批准待拨付 (approved by an office member other than
the one who proposed it) → 已拨付 (finance pays: the payment posts to the 奖励 budget
line); 待审批 → 拟定 (returned) or → 不予奖励 (refused, with the reason). Every move
re-checks that the referrer may be rewarded (not a public employee) and that the project
has landed with funds in place, so a reward that became wrong on the way stops there.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.common.workflow import Move, MoveRefused, Workflow
from zhaoshang.org.roles import APPROVE_REWARDS, MANAGE_REWARDS, PAY_REWARDS

from .models import FinderReward, RewardStep

S = FinderReward.Status


def _not_the_proposer(actor, reward):
    if actor is not None and reward.created_by_id == actor.pk:
        return "拟定该奖励的人员不能审批本人拟定的奖励，请由区招商办其他负责同志审批。"
    return None


TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Move("提交审批", perm=MANAGE_REWARDS),
    (S.SUBMITTED, S.DRAFT): Move("退回修改", perm=APPROVE_REWARDS, note="退回原因"),
    (S.SUBMITTED, S.APPROVED): Move("批准", perm=APPROVE_REWARDS, who=_not_the_proposer),
    (S.SUBMITTED, S.REJECTED): Move("不予奖励", perm=APPROVE_REWARDS, note="不予奖励的理由"),
    (S.DRAFT, S.REJECTED): Move("撤销", perm=MANAGE_REWARDS, note="撤销原因"),
    (S.APPROVED, S.PAID): Move("拨付", perm=PAY_REWARDS),
}


def _history(moved):
    return RewardStep.objects.create(
        reward=moved.record,
        from_status=moved.src,
        to_status=moved.dst,
        note=moved.note,
        actor=moved.user,
    )


REWARDS = Workflow(
    model=FinderReward,
    field="status",
    transitions=TRANSITIONS,
    history=_history,
    noun="中介奖励",
    stamp="status_changed_at",
    note_field="note",
    refresh=lambda reward, fields: reward.refresh_from_db(),
)


def reward_move(
    *,
    actor: Any,
    reward: FinderReward,
    to_status: str,
    note: str = "",
    paid_on: Any = None,
    voucher_no: str = "",
    expected_status: str | None = None,
    version: int | None = None,
    today: Any = None,
) -> RewardStep:
    """Move ``reward`` to ``to_status``; returns the history row. Paying needs the date
    and voucher and posts the amount to the paying unit's 奖励 budget line."""
    from . import services

    today = today or timezone.localdate()

    def prepare(src, dst, move):
        if dst in (S.SUBMITTED, S.APPROVED, S.PAID):
            refusal = services.reward_refusal(reward.partner, reward.project, today=today)
            if refusal:
                raise MoveRefused(refusal)
        if dst == S.PAID:
            errors = {}
            if paid_on is None:
                errors["paid_on"] = "请填写拨付日期。"
            elif paid_on > today:
                errors["paid_on"] = "拨付日期不能晚于今天。"
            if not (voucher_no or "").strip():
                errors["voucher_no"] = "请填写拨付凭证号。"
            if errors:
                raise MoveRefused(errors)
            # Charged before the status is written, in the move's transaction: a line that
            # refuses stops the move, and a move that loses the race takes the spending back.
            try:
                services.reward_post_spending(actor=actor, reward=reward, paid_on=paid_on)
            except ValidationError as exc:
                raise MoveRefused(exc.messages) from exc
            return {"paid_on": paid_on, "voucher_no": voucher_no.strip()}
        return {}

    moved = REWARDS.move(
        reward,
        to_status,
        actor=actor,
        note=note,
        expected=expected_status,
        version=version,
        prepare=prepare,
        detail=lambda m: f"中介奖励{m.move.label}" + (f"：{m.note}" if m.note else ""),
    )
    return moved.history

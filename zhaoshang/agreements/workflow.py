"""Disbursement (兑现) and clawback (追回): one transition table each, moved only through
``common.workflow.Workflow.move`` (a conditional UPDATE on the state the user saw, one
history row, one audit line).

Disbursement follows Hexi (十): the office computes → the tax office confirms the data →
the executive meeting approves → finance allocates to the responsible department → the
department pays the enterprise. Any step can send it back to the office with a reason;
the office recomputes and submits again. Paid never exceeds approved (checked here and by
a database constraint)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from zhaoshang.common.workflow import Move, MoveRefused, Workflow
from zhaoshang.org.roles import (
    ALLOCATE_INCENTIVE,
    COMPUTE_INCENTIVE,
    CONFIRM_OPERATING_DATA,
    PAY_INCENTIVE,
    RECORD_MEETING,
)

from .models import (
    Clawback,
    ClawbackState,
    ClawbackStep,
    Disbursement,
    DisbursementState,
    DisbursementStep,
)

D = DisbursementState


def _data_unit(actor, record):
    if actor is None or actor.department_id != record.data_department_id:
        return "只有提供该测算数据的单位可以确认或退回。"
    return None


def _responsible_unit(actor, record):
    if actor is None or actor.department_id != record.agreement.department_id:
        return "只有该协议的责任单位可以向企业兑付或退回。"
    return None


BACK = "退回原因"
DISBURSEMENT_TRANSITIONS = {
    (D.COMPUTED, D.CONFIRMED): Move(
        "确认数据", perm=CONFIRM_OPERATING_DATA, who=_data_unit, note=""
    ),
    (D.COMPUTED, D.RETURNED): Move(
        "退回招商办", perm=CONFIRM_OPERATING_DATA, who=_data_unit, note=BACK
    ),
    (D.CONFIRMED, D.APPROVED): Move("登记常务会议审议通过", perm=RECORD_MEETING),
    (D.CONFIRMED, D.RETURNED): Move("审议未通过，退回", perm=RECORD_MEETING, note=BACK),
    (D.APPROVED, D.ALLOCATED): Move("拨付至责任单位", perm=ALLOCATE_INCENTIVE),
    (D.APPROVED, D.RETURNED): Move("退回招商办", perm=ALLOCATE_INCENTIVE, note=BACK),
    (D.ALLOCATED, D.PAID): Move("向企业兑付", perm=PAY_INCENTIVE, who=_responsible_unit),
    (D.ALLOCATED, D.RETURNED): Move(
        "退回招商办", perm=PAY_INCENTIVE, who=_responsible_unit, note=BACK
    ),
    (D.RETURNED, D.COMPUTED): Move("重新测算后提交", perm=COMPUTE_INCENTIVE),
}


def _disbursement_history(m):
    return DisbursementStep.objects.create(
        disbursement=m.record, from_state=m.src, to_state=m.dst, note=m.note, actor=m.user
    )


DISBURSEMENTS = Workflow(
    model=Disbursement,
    field="state",
    transitions=DISBURSEMENT_TRANSITIONS,
    history=_disbursement_history,
    noun="奖励兑现",
    stamp="state_changed_at",
    note_field="note",
)

# What each move must be given (form field → label), checked before the UPDATE.
DISBURSEMENT_FIELDS = {
    D.APPROVED: {
        "meeting": "常务会议（如 第12次常务会议）",
        "meeting_on": "会议日期",
        "approved_amount": "审定金额",
    },
    D.ALLOCATED: {
        "allocated_amount": "拨付金额",
        "allocated_on": "拨付日期",
        "allocation_voucher": "拨付凭证号",
    },
    D.PAID: {"paid_amount": "兑付金额", "paid_on": "兑付日期", "payment_voucher": "兑付凭证号"},
}


def _require(fields, values):
    absent = [label for name, label in fields.items() if values.get(name) in (None, "")]
    if absent:
        raise MoveRefused(f"请填写：{'、'.join(absent)}。")


def disbursement_prepare(record: Any, values: dict | None) -> Callable[[str, str, Any], dict]:
    """``prepare`` for a disbursement move: the fields the target step writes, with the
    amount rules (approved ≤ computed; allocated ≤ approved; paid ≤ allocated)."""

    def prepare(src, dst, move):
        fields = DISBURSEMENT_FIELDS.get(dst, {})
        _require(fields, values)
        out = {name: values[name] for name in fields}
        if dst == D.APPROVED:
            amount = Decimal(values["approved_amount"])
            if amount < 0 or amount > record.computed_amount:
                raise MoveRefused(
                    f"审定金额 {amount} 元不能为负，也不能超过测算金额 {record.computed_amount} 元。"
                )
            minutes = (values.get("minutes") or "").strip()
            if not minutes:
                raise MoveRefused("请填写会议纪要要点。")
            out["minutes"] = minutes
        if dst == D.ALLOCATED:
            amount = Decimal(values["allocated_amount"])
            if amount <= 0 or amount > record.approved_amount:
                raise MoveRefused(
                    f"拨付金额 {amount} 元应大于零且不超过审定金额 {record.approved_amount} 元。"
                )
        if dst == D.PAID:
            amount = Decimal(values["paid_amount"])
            if amount <= 0 or amount > record.allocated_amount:
                raise MoveRefused(
                    f"兑付金额 {amount} 元应大于零且不超过已拨付金额 {record.allocated_amount} 元"
                    f"（审定金额 {record.approved_amount} 元）。"
                )
        if dst == D.RETURNED:
            # Sent back: the office recomputes, the meeting decides again.
            out.update(
                meeting="",
                meeting_on=None,
                minutes="",
                approved_amount=None,
                allocated_amount=None,
                allocated_on=None,
                allocation_voucher="",
            )
        return out

    return prepare


# --- Clawback ---------------------------------------------------------------------------
C = ClawbackState
CLAWBACK_TRANSITIONS = {
    (C.COMPUTED, C.APPROVED): Move("登记常务会议决定追回", perm=RECORD_MEETING),
    (C.COMPUTED, C.WAIVED): Move(
        "常务会议决定不予追回", perm=RECORD_MEETING, note="不予追回的理由"
    ),
    (C.APPROVED, C.DEMANDED): Move("发出追回通知", perm=PAY_INCENTIVE, who=_responsible_unit),
    (C.DEMANDED, C.RECOVERED): Move("登记退回款项", perm=PAY_INCENTIVE, who=_responsible_unit),
}

CLAWBACK_FIELDS = {
    C.APPROVED: {"meeting": "常务会议"},
    C.DEMANDED: {"notice_no": "追回通知文号"},
    C.RECOVERED: {
        "recovered_amount": "退回金额",
        "recovered_on": "退回日期",
        "voucher": "缴回凭证号",
    },
}


def clawback_prepare(record: Any, values: dict | None) -> Callable[[str, str, Any], dict]:
    def prepare(src, dst, move):
        fields = CLAWBACK_FIELDS.get(dst, {})
        _require(fields, values)
        out = {name: values[name] for name in fields}
        if dst == C.RECOVERED:
            amount = Decimal(values["recovered_amount"])
            if amount <= 0 or amount > record.amount_due:
                raise MoveRefused(
                    f"退回金额 {amount} 元应大于零且不超过应追回金额 {record.amount_due} 元。"
                )
        return out

    return prepare


def _clawback_history(m):
    return ClawbackStep.objects.create(
        clawback=m.record, from_state=m.src, to_state=m.dst, note=m.note, actor=m.user
    )


CLAWBACKS = Workflow(
    model=Clawback,
    field="state",
    transitions=CLAWBACK_TRANSITIONS,
    history=_clawback_history,
    noun="奖励追回",
    stamp="state_changed_at",
    note_field="note",
)

"""Disbursement and clawback: every pair of states and every role tried against the one
transition table; only the moves in the table, by the party named, go through. Paid never
exceeds approved; each step is recorded; each party's queue is on its home page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhaoshang.agreements import services
from zhaoshang.agreements.models import (
    Agreement,
    Clawback,
    ClawbackState,
    Disbursement,
    DisbursementState,
    DisbursementStep,
)
from zhaoshang.agreements.workflow import CLAWBACK_TRANSITIONS, DISBURSEMENT_TRANSITIONS
from zhaoshang.common.workflow import MoveRefused

# These tests read the demo district's agreements (agreements/demo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]
D = DisbursementState
ROLES = [
    "office_staff",
    "department_staff",
    "department_head",
    "leader",
    "supervision",
    "finance",
    "tax",
    "discipline",
]
# Who may make each move on 区科技局's agreement: the tax office that supplied the data,
# the office (the meeting's decision), finance, and 区科技局 itself (its clerk).
MOVER = {
    (D.COMPUTED, D.CONFIRMED): "tax",
    (D.COMPUTED, D.RETURNED): "tax",
    (D.CONFIRMED, D.APPROVED): "office_staff",
    (D.CONFIRMED, D.RETURNED): "office_staff",
    (D.APPROVED, D.ALLOCATED): "finance",
    (D.APPROVED, D.RETURNED): "finance",
    (D.ALLOCATED, D.PAID): "department_staff",
    (D.ALLOCATED, D.RETURNED): "department_staff",
    (D.RETURNED, D.COMPUTED): "office_staff",
}
VALUES = {
    "meeting": "区政府第12次常务会议",
    "meeting_on": dt.date(2026, 3, 1),
    "minutes": "同意",
    "approved_amount": Decimal("100.00"),
    "allocated_amount": Decimal("100.00"),
    "allocated_on": dt.date(2026, 3, 5),
    "allocation_voucher": "拨-1",
    "paid_amount": Decimal("100.00"),
    "paid_on": dt.date(2026, 3, 9),
    "payment_voucher": "付-1",
}


@pytest.fixture
def record(demo):
    return Disbursement.objects.get(agreement__project__name="河西数智城市大脑研发中心")


def _put(record, state):
    Disbursement.objects.filter(pk=record.pk).update(
        state=state,
        computed_amount=Decimal("500.00"),
        approved_amount=Decimal("300.00") if state in (D.APPROVED, D.ALLOCATED, D.PAID) else None,
        allocated_amount=Decimal("300.00") if state in (D.ALLOCATED, D.PAID) else None,
        paid_amount=Decimal("300.00") if state == D.PAID else None,
    )
    record.refresh_from_db()


def test_the_table_names_mover_for_every_move():
    assert set(MOVER) == set(DISBURSEMENT_TRANSITIONS)


def test_every_move_outside_the_table_or_by_another_party_is_refused(demo, record):
    made = 0
    for src in D.values:
        for dst in D.values:
            for role in ROLES:
                _put(record, src)
                steps = DisbursementStep.objects.count()
                allowed = MOVER.get((src, dst)) == role
                note = "数据有误" if dst == D.RETURNED else ""
                try:
                    with transaction.atomic():
                        services.disbursement_move(
                            actor=demo[role],
                            disbursement=record,
                            to_state=dst,
                            note=note,
                            values=VALUES,
                        )
                except MoveRefused:
                    assert not allowed, f"{role} 应可从 {src} 转为 {dst}"
                    record.refresh_from_db()
                    assert record.state == src
                    assert DisbursementStep.objects.count() == steps
                else:
                    assert allowed, f"{role} 不应能从 {src} 转为 {dst}"
                    record.refresh_from_db()
                    assert record.state == dst
                    step = DisbursementStep.objects.latest("pk")
                    assert (step.from_state, step.to_state, step.actor) == (src, dst, demo[role])
                    made += 1
    assert made == len(DISBURSEMENT_TRANSITIONS)


def test_a_return_needs_a_reason(demo, record):
    _put(record, D.APPROVED)
    with pytest.raises(MoveRefused, match="退回原因"):
        services.disbursement_move(actor=demo["finance"], disbursement=record, to_state=D.RETURNED)


def test_paid_never_exceeds_approved(demo, record):
    _put(record, D.CONFIRMED)
    with pytest.raises(MoveRefused, match="不能超过测算金额"):
        services.disbursement_move(
            actor=demo["office_staff"],
            disbursement=record,
            to_state=D.APPROVED,
            values={**VALUES, "approved_amount": Decimal("500.01")},
        )
    _put(record, D.APPROVED)
    with pytest.raises(MoveRefused, match="不超过审定金额 300.00 元"):
        services.disbursement_move(
            actor=demo["finance"],
            disbursement=record,
            to_state=D.ALLOCATED,
            values={**VALUES, "allocated_amount": Decimal("300.01")},
        )
    _put(record, D.ALLOCATED)
    with pytest.raises(MoveRefused, match="不超过已拨付金额 300.00 元"):
        services.disbursement_move(
            actor=demo["department_staff"],
            disbursement=record,
            to_state=D.PAID,
            values={**VALUES, "paid_amount": Decimal("300.01")},
        )
    with pytest.raises(MoveRefused, match="请填写：兑付凭证号"):
        services.disbursement_move(
            actor=demo["department_staff"],
            disbursement=record,
            to_state=D.PAID,
            values={**VALUES, "payment_voucher": ""},
        )
    # And the database refuses it whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=record.pk).update(paid_amount=Decimal("300.01"))


def test_a_returned_disbursement_is_recomputed_and_submitted_again(demo, record):
    _put(record, D.RETURNED)
    calc = services.calculation_run(
        actor=demo["office_staff"], agreement=record.agreement, year=record.year
    )
    again = services.disbursement_submit(actor=demo["office_staff"], calculation_obj=calc)
    assert again.pk == record.pk and again.state == D.COMPUTED and again.calculation_id == calc.pk
    with pytest.raises(ValidationError, match="已在兑现流程中"):
        services.disbursement_submit(actor=demo["office_staff"], calculation_obj=calc)


def test_each_party_sees_its_queue_on_its_home_page(demo, client_for):
    waiting = Disbursement.objects.get(state=D.COMPUTED)
    home = client_for("tax").get("/").content.decode()
    assert "奖励兑现待办" in home and "待确认测算数据" in home
    # The tax office reads the data, never the amounts.
    page = client_for("tax").get(f"/agreements/disbursements/{waiting.pk}/data/").content.decode()
    assert "区级留成税收" in page and str(waiting.computed_amount) not in page
    assert client_for("tax").get(f"/agreements/disbursements/{waiting.pk}/").status_code == 403
    client_for("tax").post(
        f"/agreements/disbursements/{waiting.pk}/move/", {"to": "confirmed", "expected": "computed"}
    )
    waiting.refresh_from_db()
    assert waiting.state == D.CONFIRMED
    office_home = client_for("office_staff").get("/").content.decode()
    assert "待常务会议审议" in office_home
    for role in ("supervision", "discipline"):
        assert "奖励兑现待办" not in client_for(role).get("/").content.decode()


# --- Clawback ---------------------------------------------------------------------------
def test_moving_out_within_the_stay_period_computes_the_amount_to_recover(demo):
    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    paid = Disbursement.objects.get(agreement=agreement, state=D.PAID)
    lines = {line["clause_id"]: Decimal(line["result"]) for line in paid.calculation.lines}
    # Ten years' stay; the enterprise moves out after a quarter of it.
    signed = agreement.signed_on
    end = signed.replace(year=signed.year + 10)
    moved = signed + (end - signed) / 4
    services.agreement_record_move_out(
        actor=demo["office_staff"], agreement=agreement, moved_out_on=moved
    )
    agreement.refresh_from_db()
    due_lines, total = services.clawback_lines(agreement)
    by_clause = {line["clause_id"]: line for line in due_lines}
    share_left = Decimal((end - moved).days) / Decimal((end - signed).days)
    for clause in agreement.clauses.all():
        expected = (
            lines[clause.pk] if clause.clawback_basis == "full" else lines[clause.pk] * share_left
        )
        assert Decimal(by_clause[clause.pk]["due"]) == expected.quantize(Decimal("0.01"))
    assert total == sum(Decimal(line["due"]) for line in due_lines)
    cb = services.clawback_create(
        actor=demo["office_staff"], agreement=agreement, reason="承诺期内迁出"
    )
    assert cb.amount_due == total
    with pytest.raises(ValidationError, match="已有办理中的追回"):
        services.clawback_create(actor=demo["office_staff"], agreement=agreement, reason="再次")
    # Its own workflow: the meeting decides, the department demands and records it.
    services.clawback_move(
        actor=demo["office_staff"],
        clawback=cb,
        to_state="approved",
        values={"meeting": "第15次常务会议"},
    )
    cb.refresh_from_db()
    with pytest.raises(MoveRefused):
        services.clawback_move(
            actor=demo["finance"], clawback=cb, to_state="demanded", values={"notice_no": "1"}
        )
    services.clawback_move(
        actor=demo["department_staff"],
        clawback=cb,
        to_state="demanded",
        values={"notice_no": "河科追〔2026〕1号"},
    )
    cb.refresh_from_db()
    with pytest.raises(MoveRefused, match="不超过应追回金额"):
        services.clawback_move(
            actor=demo["department_staff"],
            clawback=cb,
            to_state="recovered",
            values={
                "recovered_amount": total + Decimal("0.01"),
                "recovered_on": dt.date(2026, 5, 1),
                "voucher": "缴-1",
            },
        )
    services.clawback_move(
        actor=demo["department_staff"],
        clawback=cb,
        to_state="recovered",
        values={"recovered_amount": total, "recovered_on": dt.date(2026, 5, 1), "voucher": "缴-1"},
    )
    cb.refresh_from_db()
    assert cb.state == ClawbackState.RECOVERED
    assert [s.to_state for s in cb.steps.all()] == ["approved", "demanded", "recovered"]


def test_clawback_table_refuses_every_other_move(demo):
    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    cb = Clawback.objects.create(agreement=agreement, reason="测试", amount_due=Decimal("10"))
    office = demo["office_staff"]
    for src in ClawbackState.values:
        for dst in ClawbackState.values:
            if (src, dst) in CLAWBACK_TRANSITIONS:
                continue
            Clawback.objects.filter(pk=cb.pk).update(state=src)
            cb.refresh_from_db()
            with pytest.raises(MoveRefused):
                services.clawback_move(
                    actor=office, clawback=cb, to_state=dst, note="理由", values={"meeting": "x"}
                )


def test_no_clawback_without_a_failure(demo):
    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    assert services.clawback_lines(agreement) == ([], Decimal(0))
    with pytest.raises(ValidationError, match="没有应追回的奖励"):
        services.clawback_create(actor=demo["office_staff"], agreement=agreement, reason="x")

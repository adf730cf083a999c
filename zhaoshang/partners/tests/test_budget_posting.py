"""Paid rewards and agency fees charged to the real promotion budget (M24): a reward to
the paying unit's 奖励 line, a fee to its 委托招商费 line; the spending points back at the
record; past the balance or without a line, the payment is refused and nothing changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.budget.services import spending_for
from zhaoshang.budget.tests.factories import line
from zhaoshang.common.workflow import MoveRefused
from zhaoshang.org.tests.factories import UserFactory
from zhaoshang.partners import services
from zhaoshang.partners.models import AgencyFee, FinderReward, Partner
from zhaoshang.partners.workflow import reward_move

from .factories import partner, referred_project, rules

pytestmark = pytest.mark.django_db
S = FinderReward.Status
TODAY = dt.date(2026, 6, 30)


def _approved(demo, office, firm):
    reward = services.reward_propose(
        actor=office, project=referred_project(demo["department_staff"], firm), today=TODAY
    )
    reward_move(actor=office, reward=reward, to_status=S.SUBMITTED, today=TODAY)
    approver = UserFactory(department=office.department, role="office_staff")
    reward_move(actor=approver, reward=reward, to_status=S.APPROVED, today=TODAY)
    return reward


def _pay(demo, reward):
    return reward_move(
        actor=demo["finance"],
        reward=reward,
        to_status=S.PAID,
        paid_on=TODAY,
        voucher_no="CZ-1",
        today=TODAY,
    )


def test_a_paid_reward_is_charged_to_the_reward_line_and_the_balance_holds(demo):
    office = demo["office_staff"]
    rules(office)
    reward_line = line(unit=office.department, category="rewards", approved="100000.00")
    firm = partner(office)
    first = _approved(demo, office, firm)
    with pytest.raises(MoveRefused, match="未设“奖励”经费科目"):
        # Not yet: the line is the office unit's for 2026; a 2025 payment finds none.
        reward_move(
            actor=demo["finance"],
            reward=first,
            to_status=S.PAID,
            paid_on=dt.date(2025, 12, 30),
            voucher_no="CZ-0",
            today=TODAY,
        )
    _pay(demo, first)
    spent = list(spending_for(first))
    assert [(s.line_id, s.amount) for s in spent] == [(reward_line.pk, Decimal("90000.00"))]
    second = _approved(demo, office, partner(office, name="另一家咨询公司"))
    with pytest.raises(MoveRefused, match="超出经费余额"):
        _pay(demo, second)
    second.refresh_from_db()
    assert (second.status, list(spending_for(second))) == (S.APPROVED, [])


def test_an_agency_fee_is_charged_to_the_agency_fee_line_or_not_recorded(demo):
    office = demo["office_staff"]
    finance = demo["finance"]
    agency = partner(office, kind=Partner.Kind.AGENCY, name="委托机构甲", contract_no="WT-9")
    with pytest.raises(ValidationError, match="未设“委托招商费”经费科目"):
        services.fee_pay(
            actor=finance,
            partner=agency,
            amount=Decimal(10_000),
            paid_on=TODAY,
            summary="服务费",
            department=office.department,
            today=TODAY,
        )
    assert not AgencyFee.objects.exists()
    fee_line = line(unit=office.department, category="agency_fees", approved="50000.00")
    fee = services.fee_pay(
        actor=finance,
        partner=agency,
        amount=Decimal(10_000),
        paid_on=TODAY,
        summary="服务费",
        department=office.department,
        today=TODAY,
    )
    assert [(s.line_id, s.amount) for s in spending_for(fee)] == [
        (fee_line.pk, Decimal("10000.00"))
    ]

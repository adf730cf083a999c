"""Finder rewards (论功行赏): the office's rule table, the public-employee exclusion (the
registry's declaration and the user flag, both ways), landing and funds first, the
approval and payment workflow with a history row per move, payment charged to the
奖励 budget line (refused as a whole when the line refuses), and who sees what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.common.workflow import MoveRefused
from zhaoshang.org.tests.factories import UserFactory
from zhaoshang.partners import budgeting, queries, services
from zhaoshang.partners.models import FinderReward, Partner, RewardStep
from zhaoshang.partners.workflow import reward_move
from zhaoshang.pipeline.models import Stage

from .factories import partner, referred_project, rules

pytestmark = pytest.mark.django_db
S = FinderReward.Status
TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def posted(monkeypatch):
    """The budget's posting, recorded (the budget module is another helper's)."""
    calls = []

    def post(**kwargs):
        calls.append(kwargs)
        return None

    monkeypatch.setattr(budgeting, "post_spending", post)
    return calls


@pytest.fixture
def office(demo):
    rules(demo["office_staff"])
    return demo["office_staff"]


def propose(office, project):
    return services.reward_propose(actor=office, project=project, today=TODAY)


# --- Rules ------------------------------------------------------------------------------------
def test_the_highest_rule_a_project_meets_sets_the_amount(demo, office):
    firm = partner(office)
    clerk = demo["department_staff"]
    ordinary = referred_project(clerk, firm, investment=80_000_000, funds=[15_000_000, 5_000_000])
    reward = propose(office, ordinary)
    # 一般项目: 5万 + 2000万 × 0.2% = 9万
    assert (reward.rule.name, reward.funds, reward.amount) == (
        "一般项目",
        Decimal("20000000.00"),
        Decimal("90000.00"),
    )
    assert "一般项目" in reward.basis and "到位资金 2,000.00万元" in reward.basis
    major = referred_project(clerk, firm, investment=600_000_000, funds=[150_000_000])
    assert propose(office, major).amount == Decimal("650000.00")  # 20万 + 15000万 × 0.3%
    capped = referred_project(clerk, firm, investment=600_000_000, funds=[500_000_000])
    assert propose(office, capped).amount == Decimal("1000000.00")  # the 重大 cap


def test_a_project_below_every_rule_is_refused_and_rules_are_the_offices_data(demo, office):
    firm = partner(office)
    small = referred_project(demo["department_staff"], firm, investment=30_000_000)
    with pytest.raises(ValidationError, match="未达到任何一档中介奖励标准"):
        propose(office, small)
    # The office lowers the threshold: the same project now earns under the edited rule.
    from zhaoshang.partners.models import RewardRule

    rule = RewardRule.objects.get(name="一般项目")
    services.rule_save(
        actor=office,
        rule=rule,
        data={
            "name": "一般项目",
            "min_investment": Decimal(20_000_000),
            "min_funds": Decimal(10_000_000),
            "fixed_amount": Decimal(30_000),
            "rate": Decimal("0"),
            "cap": None,
            "is_active": True,
        },
    )
    assert propose(office, small).amount == Decimal("30000.00")


def test_a_rule_needs_an_amount(office):
    with pytest.raises(ValidationError, match="固定奖励与按比例奖励至少填写一项"):
        services.rule_save(
            actor=office,
            data={
                "name": "空档",
                "min_investment": Decimal(1),
                "min_funds": Decimal(1),
                "fixed_amount": Decimal(0),
                "rate": Decimal(0),
                "cap": None,
                "is_active": True,
            },
        )


# --- Landing and funds first ------------------------------------------------------------------
def test_no_reward_before_landing_or_before_funds(demo, office):
    firm = partner(office)
    clerk = demo["department_staff"]
    signed = referred_project(clerk, firm, stage=Stage.SIGNED)
    with pytest.raises(ValidationError, match="当前阶段为“签约”，尚未落地"):
        propose(office, signed)
    no_funds = referred_project(clerk, firm, funds=[])
    with pytest.raises(ValidationError, match="尚无到位资金记录"):
        propose(office, no_funds)
    assert not FinderReward.objects.exists()


def test_a_project_without_a_registered_referrer_has_no_reward(demo, office):
    project = referred_project(demo["department_staff"], None)
    with pytest.raises(ValidationError, match="未登记引荐方"):
        propose(office, project)


# --- The public-employee exclusion ----------------------------------------------------------
def test_a_declared_public_employee_is_never_rewarded_and_told_why(demo, office):
    person = partner(
        office,
        kind=Partner.Kind.PERSON,
        name="刘建国",
        declaration=Partner.Declaration.PUBLIC,
        declared_on=dt.date(2026, 5, 6),
    )
    project = referred_project(demo["department_staff"], person)
    with pytest.raises(ValidationError) as refused:
        propose(office, project)
    text = refused.value.messages[0]
    assert "刘建国" in text and "声明为国家公职人员" in text and "2026年5月6日" in text
    assert "不得领取中介奖励" in text
    # A declaration of not being one lets the same reward through.
    services.partner_update(
        actor=office,
        partner=person,
        data={"declaration": Partner.Declaration.NOT_PUBLIC, "declared_on": dt.date(2026, 5, 7)},
    )
    person.refresh_from_db()
    assert propose(office, project).partner == person


def test_a_referrer_who_is_a_staff_user_flagged_public_employee_is_refused(demo, office):
    official = UserFactory(department=demo["department_staff"].department, username="gongwuyuan")
    assert official.is_civil_servant  # every account starts as one
    person = partner(office, kind=Partner.Kind.PERSON, name="王公", user=official)
    project = referred_project(demo["department_staff"], person)
    with pytest.raises(ValidationError, match="对应的系统用户 gongwuyuan 标记为国家公职人员"):
        propose(office, project)
    # The administrator clears the flag (a retired official, say): the reward may be made.
    type(official).objects.filter(pk=official.pk).update(is_civil_servant=False)
    assert propose(office, project).amount == Decimal("90000.00")


def test_a_declaration_made_after_approval_stops_the_payment(demo, office, posted):
    person = partner(office, kind=Partner.Kind.PERSON, name="赵某")
    reward = propose(office, referred_project(demo["department_staff"], person))
    reward_move(actor=office, reward=reward, to_status=S.SUBMITTED, today=TODAY)
    approver = UserFactory(department=office.department, role="office_staff")
    reward_move(actor=approver, reward=reward, to_status=S.APPROVED, today=TODAY)
    services.partner_update(
        actor=office,
        partner=person,
        data={"declaration": Partner.Declaration.PUBLIC, "declared_on": dt.date(2026, 6, 1)},
    )
    reward.refresh_from_db()
    with pytest.raises(MoveRefused, match="声明为国家公职人员"):
        reward_move(
            actor=demo["finance"],
            reward=reward,
            to_status=S.PAID,
            paid_on=TODAY,
            voucher_no="CZ-001",
            today=TODAY,
        )
    reward.refresh_from_db()
    assert reward.status == S.APPROVED and posted == []


# --- The workflow -----------------------------------------------------------------------------
def test_a_reward_through_approval_and_payment_every_step_recorded(demo, office, posted):
    firm = partner(office)
    reward = propose(office, referred_project(demo["department_staff"], firm))
    assert reward.status == S.DRAFT
    # A department may read the reward on its referral but not move it.
    with pytest.raises(MoveRefused, match="没有权限"):
        reward_move(actor=demo["department_staff"], reward=reward, to_status=S.SUBMITTED)
    reward_move(actor=office, reward=reward, to_status=S.SUBMITTED, today=TODAY)
    # Who proposed it does not approve it.
    with pytest.raises(MoveRefused, match="不能审批本人拟定的奖励"):
        reward_move(actor=office, reward=reward, to_status=S.APPROVED, today=TODAY)
    approver = UserFactory(department=office.department, role="office_staff")
    with pytest.raises(MoveRefused, match="须填写退回原因"):
        reward_move(actor=approver, reward=reward, to_status=S.DRAFT, today=TODAY)
    reward_move(actor=approver, reward=reward, to_status=S.APPROVED, today=TODAY)
    # Finance pays; the office cannot.
    with pytest.raises(MoveRefused, match="没有权限"):
        reward_move(actor=approver, reward=reward, to_status=S.PAID, paid_on=TODAY)
    with pytest.raises(MoveRefused) as missing:
        reward_move(actor=demo["finance"], reward=reward, to_status=S.PAID, today=TODAY)
    assert set(missing.value.message_dict) == {"paid_on", "voucher_no"}
    reward_move(
        actor=demo["finance"],
        reward=reward,
        to_status=S.PAID,
        paid_on=dt.date(2026, 6, 29),
        voucher_no="CZ-2026-118",
        today=TODAY,
    )
    reward.refresh_from_db()
    assert (reward.status, reward.paid_on, reward.voucher_no) == (
        S.PAID,
        dt.date(2026, 6, 29),
        "CZ-2026-118",
    )
    steps = list(RewardStep.objects.filter(reward=reward).values_list("from_status", "to_status"))
    assert steps == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.APPROVED), (S.APPROVED, S.PAID)]
    actors = list(
        RewardStep.objects.filter(reward=reward).values_list("actor__username", flat=True)
    )
    assert actors == [office.username, approver.username, demo["finance"].username]
    # Charged once to the office unit's 奖励 line, pointing back at the reward.
    assert len(posted) == 1
    assert posted[0]["category"] == "rewards" and posted[0]["amount"] == Decimal("90000.00")
    assert posted[0]["source"] == reward and posted[0]["occurred_on"] == dt.date(2026, 6, 29)
    # Paid is final: nothing moves it on.
    with pytest.raises(MoveRefused, match="不能从“已拨付”直接转为"):
        reward_move(actor=approver, reward=reward, to_status=S.REJECTED, note="x")


def test_a_payment_the_budget_refuses_changes_nothing(demo, office, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("区招商办 2026 年度未设“奖励”经费科目，请先由财政部门设立")

    monkeypatch.setattr(budgeting, "post_spending", refuse)
    reward = propose(office, referred_project(demo["department_staff"], partner(office)))
    reward_move(actor=office, reward=reward, to_status=S.SUBMITTED, today=TODAY)
    approver = UserFactory(department=office.department, role="office_staff")
    reward_move(actor=approver, reward=reward, to_status=S.APPROVED, today=TODAY)
    with pytest.raises(MoveRefused, match="未设“奖励”经费科目"):
        reward_move(
            actor=demo["finance"],
            reward=reward,
            to_status=S.PAID,
            paid_on=TODAY,
            voucher_no="CZ-1",
            today=TODAY,
        )
    reward.refresh_from_db()
    assert (reward.status, reward.paid_on) == (S.APPROVED, None)
    assert reward.steps.count() == 2


def test_a_refused_reward_may_be_proposed_again_but_not_twice_live(demo, office):
    project = referred_project(demo["department_staff"], partner(office))
    reward = propose(office, project)
    with pytest.raises(ValidationError, match="已为“北京华信投资咨询有限公司”拟定过中介奖励"):
        propose(office, project)
    reward_move(actor=office, reward=reward, to_status=S.REJECTED, note="材料不全")
    assert propose(office, project).status == S.DRAFT


# --- Who sees what ----------------------------------------------------------------------------
def test_departments_see_rewards_on_their_own_referrals_finance_sees_all(demo, office):
    firm = partner(office)
    mine = propose(office, referred_project(demo["department_staff"], firm))
    theirs = propose(office, referred_project(demo["zone_head"], firm))
    assert set(queries.rewards(demo["department_staff"])) == {mine}
    assert set(queries.rewards(demo["finance"])) == {mine, theirs}
    # The registry itself is shared: every department finds the firm to name it.
    assert queries.partner_for(demo["street_staff"], firm.pk) == firm
    assert list(queries.referrals_of(demo["department_staff"], firm)) == [mine.project]


# --- Naming a referrer --------------------------------------------------------------------------
def test_a_lead_names_a_registry_organisation_or_a_person(demo, office):
    from zhaoshang.pipeline.tests.factories import LeadFactory

    chamber = partner(office, kind=Partner.Kind.CHAMBER, name="天津市浙江商会")
    clerk = demo["department_staff"]
    lead = LeadFactory(
        actor=clerk, method="business", referrer_name="天津市浙江商会", referrer_kind="organisation"
    )
    assert lead.referrer == chamber
    by_person = LeadFactory(actor=clerk, referrer_name="孙建", referrer_kind="person")
    assert (by_person.referrer.kind, by_person.referrer.name) == ("person", "孙建")
    assert by_person.referrer_name == "孙建" and by_person.referrer_kind == "person"
    # The same person again is the same registry row.
    again = LeadFactory(actor=clerk, referrer_name="孙建", referrer_kind="person")
    assert again.referrer == by_person.referrer
    with pytest.raises(ValidationError, match="中介名录中没有“无名咨询公司”"):
        LeadFactory(actor=clerk, referrer_name="无名咨询公司", referrer_kind="organisation")


def test_an_advisor_needs_a_term_and_an_agency_a_contract(office):
    with pytest.raises(ValidationError) as bad:
        partner(office, kind=Partner.Kind.ADVISOR, name="张顾问")
    assert "appointed_from" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:
        partner(
            office,
            kind=Partner.Kind.ADVISOR,
            name="张顾问",
            appointed_from=dt.date(2026, 3, 1),
            appointed_until=dt.date(2026, 1, 1),
        )
    assert bad.value.message_dict["appointed_until"] == ["聘任截止日不能早于起始日。"]
    with pytest.raises(ValidationError, match="须填写委托合同编号"):
        partner(office, kind=Partner.Kind.AGENCY, name="某委托机构")


def test_an_agency_fee_is_charged_to_the_agency_fee_line_within_the_contract_cap(
    demo, office, posted
):
    agency = partner(
        office,
        kind=Partner.Kind.AGENCY,
        name="深圳前海招商服务有限公司",
        contract_no="WT-1",
        fee_cap=Decimal(150_000),
    )
    finance = demo["finance"]
    fee = services.fee_pay(
        actor=finance,
        partner=agency,
        amount=Decimal(100_000),
        paid_on=TODAY,
        summary="第一季度基础服务费",
        today=TODAY,
    )
    assert posted[0]["category"] == "agency_fees" and posted[0]["source"] == fee
    with pytest.raises(ValidationError, match="超出委托合同费用上限"):
        services.fee_pay(
            actor=finance,
            partner=agency,
            amount=Decimal(60_000),
            paid_on=TODAY,
            summary="第二季度",
            today=TODAY,
        )
    assert len(posted) == 1

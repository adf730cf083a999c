"""Writes and rules of the partner registry, referrals, finder rewards and agency fees.

The reward rule (论功行赏, Hexi 十六): a referrer who brought a project is rewarded when
the project has landed (stage 落地 or later) and funds are in place; the amount follows
the office's rule table (``RewardRule``); a public employee (国家公职人员) is never
rewarded — whether the registry's declaration says so or the referrer is a staff account
flagged as one — and the refusal says which.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhaoshang.common.formats import wan_text
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.org.models import Department, User
from zhaoshang.pipeline.models.projects import LANDED_STAGES, FundsEntry, Project, Stage

from . import budgeting
from .models import AgencyFee, FinderReward, Partner, PartnerContact, RewardRule

CENT = Decimal("0.01")


# --- The registry ---------------------------------------------------------------------------
def _check_partner(data: dict) -> None:
    kind = data.get("kind")
    errors = {}
    if kind == Partner.Kind.ADVISOR and not data.get("appointed_from"):
        errors["appointed_from"] = "招商顾问须填写聘任起始日。"
    start, end = data.get("appointed_from"), data.get("appointed_until")
    if start and end and end < start:
        errors["appointed_until"] = "聘任截止日不能早于起始日。"
    if kind == Partner.Kind.AGENCY and not data.get("contract_no"):
        errors["contract_no"] = "委托招商机构须填写委托合同编号。"
    start, end = data.get("contract_from"), data.get("contract_until")
    if start and end and end < start:
        errors["contract_until"] = "合同截止日不能早于起始日。"
    if data.get("declaration") and not data.get("declared_on"):
        errors["declared_on"] = "填写了公职人员身份声明时，请填写声明日期。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def partner_create(*, actor: User, data: dict) -> Partner:
    _check_partner(data)
    data = {**data, "created_by": actor, "department": data.get("department") or actor.department}
    return record_create(Partner, actor=actor, data=data, detail="登记合作机构")


@transaction.atomic
def partner_update(
    *, actor: User, partner: Partner, data: dict, version: int | None = None
) -> Partner:
    current = {f: getattr(partner, f) for f in ("kind", "appointed_from", "contract_no")}
    _check_partner({**current, **data})
    return record_update(partner, actor=actor, data=data, version=version)


@transaction.atomic
def contact_add(*, actor: User, partner: Partner, data: dict) -> PartnerContact:
    return record_create(
        PartnerContact, actor=actor, data={**data, "partner": partner}, detail="添加联系人"
    )


@transaction.atomic
def contact_delete(*, actor: User, contact: PartnerContact) -> None:
    record_delete(contact, actor=actor, detail=f"删除联系人（{contact.partner.name}）")


@transaction.atomic
def referrer_person(*, actor: User | None, name: str, department: Department) -> Partner:
    """The registry row for a person a lead names as its referrer: the person of that
    name already registered, else a new row of kind 个人 (declaration not yet made)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"referrer_person": "请填写引荐人姓名。"})
    existing = Partner.objects.filter(kind=Partner.Kind.PERSON, name=name).order_by("pk").first()
    if existing is not None:
        return existing
    return record_create(
        Partner,
        actor=actor,
        data={
            "kind": Partner.Kind.PERSON,
            "name": name[:100],
            "department": department,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
        detail="线索登记时新增引荐人",
    )


def referrer_resolve(
    *, actor: User | None, name: str, kind: str, department: Department
) -> Partner | None:
    """The registry row for a referrer given by name (the lead and project forms, the
    API): a person (``kind`` "person") found or registered as ``referrer_person``; an
    organisation must already be in the registry (the office registers intermediaries,
    chambers and agencies), else refused with what to do."""
    name = (name or "").strip()
    if not name:
        return None
    if kind == "person":
        return referrer_person(actor=actor, name=name, department=department)
    found = (
        Partner.objects.filter(name=name).exclude(kind=Partner.Kind.PERSON).order_by("pk").first()
    )
    if found is None:
        raise ValidationError(
            {
                "referrer_name": f"中介名录中没有“{name}”：引荐机构须先由区招商办在中介名录登记，"
                "请核对名称；引荐人是个人时请选择“个人”。"
            }
        )
    return found


# --- Reward rules ---------------------------------------------------------------------------
@transaction.atomic
def rule_save(*, actor: User, data: dict, rule: RewardRule | None = None) -> RewardRule:
    errors = {}
    for name in ("min_investment", "min_funds", "fixed_amount"):
        if data.get(name) is not None and data[name] < 0:
            errors[name] = "金额不能为负数。"
    rate = data.get("rate")
    if rate is not None and not (0 <= rate <= 100):
        errors["rate"] = "比例应在 0 至 100 之间。"
    if not data.get("fixed_amount") and not rate:
        errors["fixed_amount"] = "固定奖励与按比例奖励至少填写一项。"
    if errors:
        raise ValidationError(errors)
    if rule is None:
        return record_create(RewardRule, actor=actor, data=data, detail="新增中介奖励规则")
    return record_update(rule, actor=actor, data=data, detail="修改中介奖励规则")


# --- Rewards --------------------------------------------------------------------------------
def public_employee_reason(partner: Partner) -> str:
    """Why ``partner`` may never be rewarded, or "" when nothing says it is a public
    employee."""
    if partner.declaration == Partner.Declaration.PUBLIC:
        when = f"{partner.declared_on:%Y年%-m月%-d日}" if partner.declared_on else ""
        return (
            f"引荐方“{partner.name}”在名录中声明为国家公职人员（声明日期：{when or '未填'}），"
            "按规定不得领取中介奖励（论功行赏不含国家公职人员）。"
        )
    user = partner.user if partner.user_id else None
    if user is not None and user.is_civil_servant:
        return (
            f"引荐方“{partner.name}”对应的系统用户 {user.username} 标记为国家公职人员，"
            "按规定不得领取中介奖励（论功行赏不含国家公职人员）。"
        )
    return ""


def funds_in_place(project: Project) -> Decimal:
    """The project's funds in place in yuan: foreign amounts at the office's rate of the
    month received. A missing rate is refused, never guessed."""
    from zhaoshang.reports.models import ExchangeRate

    total = FundsEntry.objects.filter(project=project, currency="CNY").aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    foreign = FundsEntry.objects.filter(project=project).exclude(currency="CNY")
    for entry in foreign.order_by("received_on"):
        rate = ExchangeRate.objects.filter(
            year=entry.received_on.year, month=entry.received_on.month, currency=entry.currency
        ).first()
        if rate is None:
            raise ValidationError(
                f"{entry.received_on:%Y年%-m月} {entry.currency} 汇率尚未设定，"
                "无法折算该项目的到位资金，请先在报表设置中录入当月汇率。"
            )
        total += entry.amount * rate.rate
    return total.quantize(CENT)


def reward_refusal(partner: Partner, project: Project, *, today: dt.date | None = None) -> str:
    """Why ``partner`` may not (now) be rewarded for ``project``, or ""."""
    reason = public_employee_reason(partner)
    if reason:
        return reason
    if project.referrer_id != partner.pk:
        return f"项目“{project.name}”的引荐方不是“{partner.name}”，不能为其拟定奖励。"
    if project.stage not in LANDED_STAGES:
        return (
            f"项目“{project.name}”当前阶段为“{Stage(project.stage).label}”，尚未落地；"
            "项目落地且资金到位后方可奖励。"
        )
    if funds_in_place(project) <= 0:
        return f"项目“{project.name}”尚无到位资金记录；资金到位后方可奖励。"
    return ""


def reward_calculate(project: Project) -> tuple[RewardRule, Decimal, Decimal, Decimal, str]:
    """(rule, investment, funds, amount, basis) by the office's rule table; refused with
    a message when the project meets no rule."""
    investment = project.agreed_investment or project.estimated_investment or Decimal(0)
    funds = funds_in_place(project)
    rule = (
        RewardRule.objects.filter(
            is_active=True, min_investment__lte=investment, min_funds__lte=funds
        )
        .order_by("-min_investment", "-min_funds", "id")
        .first()
    )
    if rule is None:
        raise ValidationError(
            f"项目“{project.name}”协议投资额 {wan_text(investment)}、到位资金 "
            f"{wan_text(funds)}，未达到任何一档中介奖励标准。"
        )
    amount = rule.fixed_amount + funds * rule.rate / Decimal(100)
    if rule.cap is not None and amount > rule.cap:
        amount = rule.cap
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    basis = (
        f"{rule.name}：协议投资额 {wan_text(investment)}，到位资金 {wan_text(funds)}；"
        f"固定 {wan_text(rule.fixed_amount)} + 到位资金 × {rule.rate.normalize()}%"
        + (f"，上限 {wan_text(rule.cap)}" if rule.cap is not None else "")
    )
    return rule, investment, funds, amount, basis


@transaction.atomic
def reward_propose(
    *,
    actor: User,
    project: Project,
    budget_department: Department | None = None,
    today: dt.date | None = None,
) -> FinderReward:
    """Draft the reward for the referrer of ``project``. Refused, with the reason, for a
    project without a registered referrer, a public employee, a project not landed or
    without funds in place, one meeting no rule, or one already rewarded."""
    today = today or timezone.localdate()
    project = Project.objects.select_related("referrer", "referrer__user").get(pk=project.pk)
    partner = project.referrer
    if partner is None:
        raise ValidationError(f"项目“{project.name}”未登记引荐方，不能拟定中介奖励。")
    refusal = reward_refusal(partner, project, today=today)
    if refusal:
        raise ValidationError(refusal)
    live = FinderReward.objects.filter(partner=partner, project=project).exclude(
        status=FinderReward.Status.REJECTED
    )
    if live.exists():
        raise ValidationError(f"项目“{project.name}”已为“{partner.name}”拟定过中介奖励。")
    rule, investment, funds, amount, basis = reward_calculate(project)
    if budget_department is None:
        from zhaoshang.pipeline.leads.services import office_unit

        budget_department = office_unit()
    return record_create(
        FinderReward,
        actor=actor,
        data={
            "partner": partner,
            "project": project,
            "rule": rule,
            "investment": investment,
            "funds": funds,
            "amount": amount,
            "basis": basis,
            "budget_department": budget_department,
            "created_by": actor,
        },
        detail=f"拟定中介奖励 {wan_text(amount)}",
    )


def reward_post_spending(*, actor: User, reward: FinderReward, paid_on: dt.date) -> Any:
    """Charge a reward paid on ``paid_on`` to its paying unit's 奖励 budget line."""
    return budgeting.post_spending(
        actor=actor,
        department=reward.budget_department,
        category=budgeting.REWARDS,
        amount=reward.amount,
        occurred_on=paid_on,
        summary=f"中介奖励：{reward.partner.name}引荐{reward.project.name}",
        source=reward,
    )


# --- Agency fees ----------------------------------------------------------------------------
@transaction.atomic
def fee_pay(
    *,
    actor: User,
    partner: Partner,
    amount: Decimal,
    paid_on: dt.date,
    summary: str,
    voucher_no: str = "",
    department: Department | None = None,
    today: dt.date | None = None,
) -> AgencyFee:
    """Record a fee paid to a commissioned agency and post it to the paying unit's
    委托招商费 line; refused for a partner that is not an agency, past the contract's fee
    cap, or past the line's balance."""
    today = today or timezone.localdate()
    errors = {}
    if partner.kind != Partner.Kind.AGENCY:
        errors["partner"] = f"“{partner.name}”不是委托招商机构，不能支付委托招商费。"
    if amount is None or amount <= 0:
        errors["amount"] = "金额应大于零。"
    if paid_on is None or paid_on > today:
        errors["paid_on"] = "支付日期不能为空，也不能晚于今天。"
    if not errors and partner.fee_cap is not None:
        paid = partner.fees.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if paid + amount > partner.fee_cap:
            errors["amount"] = (
                f"超出委托合同费用上限：上限 {wan_text(partner.fee_cap)}，已支付 "
                f"{wan_text(paid)}，本次 {wan_text(amount)}。"
            )
    if errors:
        raise ValidationError(errors)
    if department is None:
        from zhaoshang.pipeline.leads.services import office_unit

        department = office_unit()  # the office commissions agencies and pays them
    fee = record_create(
        AgencyFee,
        actor=actor,
        data={
            "partner": partner,
            "amount": amount,
            "paid_on": paid_on,
            "summary": summary,
            "voucher_no": voucher_no,
            "department": department,
            "created_by": actor,
        },
        detail=f"支付委托招商费 {wan_text(amount)}",
    )
    budgeting.post_spending(
        actor=actor,
        department=department,
        category=budgeting.AGENCY_FEES,
        amount=amount,
        occurred_on=paid_on,
        summary=f"委托招商费：{partner.name}，{summary}",
        source=fee,
    )
    return fee

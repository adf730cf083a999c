"""Demo partners: the registry (two chambers the demo leads name, an intermediary, an
advisor with an appointment term, a commissioned agency with a contract), the office's
reward rules, and, once the reports' demo funds are in, two landed projects named with a
referrer: one rewarded (submitted for approval), one whose referrer declared being a
public employee (a reward is refused, and the page says why). Idempotent."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from zhaoshang.org.models import User
from zhaoshang.pipeline.models.projects import LANDED_STAGES, FundsEntry, Project

from . import services
from .models import FinderReward, Partner, RewardRule
from .workflow import reward_move

PARTNERS = [
    # kind, name, city, extra
    ("chamber", "天津大学校友会", "天津", {"fields_of_work": "智能制造、新材料"}),
    ("chamber", "德国商会天津代表处", "天津", {"fields_of_work": "汽车零部件、高端装备"}),
    ("chamber", "天津市浙江商会", "天津", {"fields_of_work": "商贸、数字经济"}),
    ("intermediary", "北京华信投资咨询有限公司", "北京", {"fields_of_work": "总部经济、金融"}),
    (
        "advisor",
        "张明远",
        "上海",
        {
            "fields_of_work": "生物医药",
            "appointed_from": dt.date(2026, 1, 1),
            "appointed_until": dt.date(2027, 12, 31),
            "declaration": "not_public",
            "declared_on": dt.date(2026, 1, 1),
        },
    ),
    (
        "agency",
        "深圳前海招商服务有限公司",
        "深圳",
        {
            "contract_no": "HXZS-WT-2026-01",
            "contract_from": dt.date(2026, 3, 1),
            "contract_until": dt.date(2027, 2, 28),
            "fee_terms": "基础服务费每季度 10 万元；引进项目落地另按到位资金 0.5% 计付",
            "fee_cap": Decimal("800000"),
        },
    ),
    (
        "person",
        "刘建国",
        "天津",
        {"declaration": "public", "declared_on": dt.date(2026, 5, 6), "note": "某区直单位干部"},
    ),
]

RULES = [
    ("一般项目", 50_000_000, 10_000_000, 50_000, Decimal("0.200"), 200_000),
    ("重大项目", 500_000_000, 100_000_000, 200_000, Decimal("0.300"), 1_000_000),
    ("特别重大项目", 1_000_000_000, 300_000_000, 500_000, Decimal("0.300"), 2_000_000),
]


def load_demo_partners(*, departments):
    office_user = User.objects.get(username="zhaoshangban")
    for kind, name, city, extra in PARTNERS:
        if Partner.objects.filter(name=name).exists():
            continue
        services.partner_create(
            actor=office_user, data={"kind": kind, "name": name, "city": city, **extra}
        )
    huaxin = Partner.objects.get(name="北京华信投资咨询有限公司")
    if not huaxin.contacts.exists():
        services.contact_add(
            actor=office_user,
            partner=huaxin,
            data={"name": "陈思", "title": "合伙人", "phone": "010-65001234"},
        )
    for name, inv, funds, fixed, rate, cap in RULES:
        if not RewardRule.objects.filter(name=name).exists():
            services.rule_save(
                actor=office_user,
                data={
                    "name": name,
                    "min_investment": Decimal(inv),
                    "min_funds": Decimal(funds),
                    "fixed_amount": Decimal(fixed),
                    "rate": rate,
                    "cap": Decimal(cap),
                    "is_active": True,
                },
            )


def load_demo_rewards(*, departments):
    """After the reports' demo funds: name referrers on two landed projects and propose."""
    if FinderReward.objects.exists():
        return
    office_user = User.objects.get(username="zhaoshangban")
    cny = FundsEntry.objects.filter(project=OuterRef("pk"), currency="CNY")
    foreign = FundsEntry.objects.filter(project=OuterRef("pk")).exclude(currency="CNY")
    landed = list(
        Project.objects.filter(stage__in=LANDED_STAGES, referrer__isnull=True)
        .filter(Exists(cny))
        .exclude(Exists(foreign))
        .order_by("id")[:2]
    )
    if len(landed) < 2:
        return
    huaxin = Partner.objects.get(name="北京华信投资咨询有限公司")
    official = Partner.objects.get(name="刘建国")
    # Demo only: the projects' referrer written directly, as the loaders above write funds.
    Project.objects.filter(pk=landed[0].pk).update(referrer=huaxin)
    Project.objects.filter(pk=landed[1].pk).update(referrer=official)
    try:
        reward = services.reward_propose(actor=office_user, project=landed[0])
    except ValidationError:  # the demo project meets no rule: the demo shows no reward then
        return
    reward_move(actor=office_user, reward=reward, to_status=FinderReward.Status.SUBMITTED)

"""Demo data for the reports: a year of signings, landings and funds across units (last
year's too, for the year-on-year columns), monthly rates, targets, a reassigned project,
a voided agreement and a dropped project — so `make run` shows every table populated.
The projects' past is written with the backdating helpers of ``reports.history``."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.pipeline.models import FundsEntry, Project, Stage

from .history import at_local, drop, make_project, reassign, void_agreement
from .services import funds_month_rebuild

# name, enterprise (by name), unit, key industry, months ago signed, 万元, stage, area region, method
DEMO_PROJECTS = [
    (
        "华为天津数字经济创新中心",
        "华为技术有限公司",
        "区工业和信息化局",
        "数字经济",
        1,
        150000,
        Stage.LANDED,
        "440000",
        "head_enterprise",
    ),
    (
        "平安金融科技华北总部",
        "中国平安保险（集团）股份有限公司",
        "区金融局",
        "科技金融",
        1,
        80000,
        Stage.SIGNED,
        "440000",
        "business",
    ),
    (
        "中远海运供应链结算中心",
        "中国远洋海运集团有限公司",
        "区商务局",
        None,
        2,
        30000,
        Stage.LANDED,
        "110000",
        "commissioned",
    ),
    (
        "计算所智能计算联合实验室",
        "中科院计算所天津研究院有限公司",
        "区科技局",
        "数字经济",
        3,
        6000,
        Stage.CONSTRUCTION,
        "110000",
        "incubation",
    ),
    (
        "天大设计院总部扩能",
        "天津大学设计研究院有限公司",
        "区科技局",
        None,
        4,
        4500,
        Stage.SIGNED,
        "120000",
        "business",
    ),
    (
        "康希诺疫苗研发中心",
        "康希诺生物股份公司",
        "陈塘科技商务区",
        "生物医药",
        2,
        120000,
        Stage.SIGNED,
        "120000",
        "chain",
    ),
    (
        "西门子工业软件华北区域中心",
        "西门子（中国）有限公司",
        "新八大里数字经济聚集区",
        "数字经济",
        1,
        26000,
        Stage.LANDED,
        "DEU",
        "intermediary",
    ),
    (
        "数智科技楼宇招商项目",
        "天津河西数智科技有限公司",
        "友谊路街道",
        None,
        5,
        3000,
        Stage.SIGNED,
        "120000",
        "online",
    ),
    (
        "平安普惠区域运营中心",
        "中国平安保险（集团）股份有限公司",
        "泛友谊路小白楼金融圈",
        "科技金融",
        6,
        20000,
        Stage.LANDED,
        "310000",
        "event",
    ),
    (
        "华为云生态创新基地",
        "华为技术有限公司",
        "区工业和信息化局",
        "数字经济",
        13,
        50000,
        Stage.LANDED,
        "440000",
        "head_enterprise",
    ),
    (
        "西门子医疗影像服务中心",
        "西门子（中国）有限公司",
        "区卫生健康委",
        "生物医药",
        12,
        9000,
        Stage.SIGNED,
        "DEU",
        "intermediary",
    ),
]


def _months_ago(today, n):
    y, m = today.year, today.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, min(15, 28))


@transaction.atomic
def load_demo_reports(*, departments):
    from zhaoshang.assessment.models import INDICATORS
    from zhaoshang.assessment.queries import ASSESSED_KINDS
    from zhaoshang.assessment.services import target_save
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.pipeline.models import LedgerEntry, Problem
    from zhaoshang.reference.models import KeyIndustry, Region

    from .models import ExchangeRate

    if Project.objects.filter(name=DEMO_PROJECTS[0][0]).exists():
        return
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            if (year, month) > (today.year, today.month):
                break
            ExchangeRate.objects.get_or_create(
                year=year,
                month=month,
                currency="USD",
                defaults={"rate": Decimal("7.1") + Decimal(month % 5) / 100},
            )
            ExchangeRate.objects.get_or_create(
                year=year,
                month=month,
                currency="EUR",
                defaults={"rate": Decimal("7.7") + Decimal(month % 4) / 100},
            )
    made = []
    for name, ent, unit, key, ago, wan, stage, region, method in DEMO_PROJECTS:
        enterprise = Enterprise.objects.filter(name=ent).first()
        if enterprise is None:
            continue
        signed_on = _months_ago(today, ago)
        registered_at = at_local(signed_on - dt.timedelta(days=60))
        project = make_project(
            name=name,
            enterprise=enterprise,
            unit=departments[unit],
            registered_at=registered_at,
            stage=stage,
            signed_on=signed_on,
            registered_on=signed_on + dt.timedelta(days=10) if stage != Stage.SIGNED else None,
            construction_on=signed_on + dt.timedelta(days=20)
            if stage == Stage.CONSTRUCTION
            else None,
            amount=Decimal(wan) * 10000,
            key_industry=KeyIndustry.objects.filter(name=key).first() if key else None,
            strategic_emerging=key in ("数字经济", "生物医药"),
            origin_region=Region.objects.filter(code=region).first(),
            method=method,
            investor_origin="foreign" if region == "DEU" else "domestic",
        )
        made.append(project)
        for k in range(3):
            on = signed_on + dt.timedelta(days=5 + 25 * k)
            if on > today:
                break
            foreign = region == "DEU"
            FundsEntry.objects.create(
                project=project,
                received_on=on,
                amount=Decimal(wan) * (250 if foreign else 1500)
                if not foreign
                else Decimal(wan) * 140,
                currency="USD" if foreign else "CNY",
                source="foreign" if foreign else "domestic",
                note=f"第{k + 1}笔到位",
            )
    # A project handed from 区科技局 to 陈塘科技商务区 after its signing: the signing stays
    # with 区科技局, funds received after the hand-over count for the zone.
    if len(made) > 4:
        reassign(made[4], departments["陈塘科技商务区"], at_local(_months_ago(today, 2), 9))
    # A voided agreement and a dropped project: neither counts any more.
    extra = Enterprise.objects.order_by("pk").first()
    voided = make_project(
        name="某物流园区项目（协议已作废）",
        enterprise=extra,
        unit=departments["区交通运输局"],
        registered_at=at_local(_months_ago(today, 8)),
        signed_on=_months_ago(today, 4),
        amount=Decimal("50000000"),
    )
    void_agreement(voided, _months_ago(today, 2))
    dropped = make_project(
        name="某文旅综合体项目（已终止）",
        enterprise=extra,
        unit=departments["区文化和旅游局"],
        registered_at=at_local(_months_ago(today, 8)),
        signed_on=_months_ago(today, 3),
        amount=Decimal("80000000"),
    )
    drop(dropped, _months_ago(today, 1))
    office = departments["区招商办"]
    from zhaoshang.org.models import User

    clerk = User.objects.filter(department=office).first()
    for project in made[:3]:
        LedgerEntry.objects.create(
            project=project,
            occurred_on=_months_ago(today, 1) + dt.timedelta(days=3),
            content="召开专班推进会，协调办理施工许可",
            next_step="月底前完成施工图审查",
            department=project.department,
            created_by=clerk,
        )
        Project.objects.filter(pk=project.pk).update(
            last_ledger_on=_months_ago(today, 1) + dt.timedelta(days=3)
        )
    if made:
        problem = Problem.objects.create(
            project=made[0],
            category="land",
            title="配套用地规划调整尚未批复",
            owner_department=made[0].department,
            deadline_days=10,
            due_on=today - dt.timedelta(days=5),
        )
        # Raised last month, so last month's report (the one the page opens on) lists it.
        Problem.objects.filter(pk=problem.pk).update(
            created_at=at_local(_months_ago(today, 1) + dt.timedelta(days=3))
        )
    # Targets for every promoting unit (万元 figures as the district's assessment plan).
    from zhaoshang.org.models import Department

    for n, unit in enumerate(
        Department.objects.filter(kind__in=ASSESSED_KINDS, is_active=True).order_by(
            "sort_order", "id"
        )
    ):
        base = 2 + n % 3
        values = {
            code: base if kind == "count" else Decimal(base * 20000 * 10000)
            for code, _, kind in INDICATORS
        }
        values["foreign_investment_usd"] = Decimal(base * 100 * 10000)
        values["funds_foreign"] = Decimal(base * 700 * 10000)
        values["major_projects"] = 1
        values["head_enterprise_projects"] = 1
        target_save(actor=None, year=today.year, department=unit, data=values)


def recount_demo_funds(departments=None):
    """The monthly funds sums, recomputed once after every demo loader has run (they
    write entries and owner changes directly, dated in the past)."""
    funds_month_rebuild()

"""Demo data for the reports: a year of signings, landings and funds across units (last
year's too, for the year-on-year columns), monthly rates, targets, a reassigned project,
a voided agreement and a dropped project — so `make run` shows every table populated.

``make_project`` and its siblings write exactly what the shared semantics say each stage
move writes (the fields and one StageChange row; the OwnerChange history). The demo, the
tests and the benchmark build their data with them."""

import datetime as dt
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from zhaoshang.enterprises.services import clean_credit_code
from zhaoshang.pipeline.models import (
    FundsEntry,
    MajorLevel,
    OwnerChange,
    PipelineConfig,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.pipeline.projects.services import major_level_for

from .services import funds_month_rebuild, funds_recount

FORWARD = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION]
DATES = {
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "registered_on",
    Stage.CONSTRUCTION: "construction_on",
}


def at_local(day, hour=10):
    """A timestamp at ``hour`` o'clock Beijing time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


def make_project(
    *,
    name,
    enterprise,
    unit,
    registered_at,
    stage=Stage.SIGNED,
    signed_on=None,
    registered_on=None,
    construction_on=None,
    amount=None,
    config=None,
    registered_credit_code=None,
    **fields,
):
    """A project registered by ``unit`` at ``registered_at`` and moved forward to
    ``stage`` (signed, landed or construction) on the given dates. A landed project's
    registered enterprise gets a checksum-valid code of its own unless one is given."""
    if registered_on and not registered_credit_code:
        registered_credit_code = _local_code(name)
    # The landing move validates the code; data written past it must pass the same check.
    registered_credit_code = clean_credit_code(registered_credit_code) or ""
    level = (
        major_level_for(amount, config or PipelineConfig.current()) if amount else MajorLevel.NONE
    )
    project = Project.objects.create(
        name=name,
        enterprise=enterprise,
        department=unit,
        registered_department=unit,
        stage=stage,
        agreed_investment=amount if signed_on else None,
        estimated_investment=amount,
        major_level=level,
        signed_on=signed_on,
        agreement_no=f"HX-{name[:6]}" if signed_on else "",
        registered_on=registered_on,
        registered_credit_code=registered_credit_code,
        construction_on=construction_on,
        **fields,
    )
    owner = OwnerChange.objects.create(
        project=project, kind=OwnerChange.Kind.REGISTER, to_department=unit
    )
    OwnerChange.objects.filter(pk=owner.pk).update(at=registered_at)
    steps = [("", Stage.LEAD, timezone.localdate(registered_at))]
    if stage in FORWARD[1:]:
        steps.append((Stage.LEAD, Stage.NEGOTIATING, timezone.localdate(registered_at)))
    previous = Stage.NEGOTIATING
    dates = {
        Stage.SIGNED: signed_on,
        Stage.LANDED: registered_on,
        Stage.CONSTRUCTION: construction_on,
    }
    for s in FORWARD[2:]:
        if FORWARD.index(stage) >= FORWARD.index(s):
            steps.append((previous, s, dates[s]))
            previous = s
    for from_stage, to_stage, on in steps:
        StageChange.objects.create(
            project=project,
            from_stage=from_stage,
            to_stage=to_stage,
            occurred_on=on,
            department=unit,
        )
    return project


def _local_code(name):
    # A stable code per project name: 9112 0103 (a 河西 company) + MA + 7 digits + check.
    body = f"91120103MA{zlib.crc32(name.encode()) % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def reassign(project, to_unit, at, kind=OwnerChange.Kind.REASSIGN):
    """The office hands the project to another unit at ``at`` (a timestamp)."""
    with funds_recount([project.pk]):
        row = OwnerChange.objects.create(
            project=project, kind=kind, from_department=project.department, to_department=to_unit
        )
        OwnerChange.objects.filter(pk=row.pk).update(at=at)
        Project.objects.filter(pk=project.pk).update(department=to_unit)
    project.department = to_unit


def add_funds(*, project, received_on, amount, currency="CNY", source="domestic", note=""):
    """A funds-in-place entry dated in the past (the service refuses none of these, but
    stamps the actor and the audit line a demo does not need)."""
    with funds_recount([project.pk]):
        return FundsEntry.objects.create(
            project=project,
            received_on=received_on,
            amount=amount,
            currency=currency,
            source=source,
            note=note,
        )


def void_agreement(project, on, reason="协议作废"):
    """signed → negotiating: clears ``signed_on``."""
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.NEGOTIATING,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.NEGOTIATING, signed_on=None)
    project.stage, project.signed_on = Stage.NEGOTIATING, None


def drop(project, on, reason="企业决策调整，项目终止"):
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.DROPPED,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    with funds_recount([project.pk]):
        Project.objects.filter(pk=project.pk).update(stage=Stage.DROPPED, dropped_reason=reason)
    project.stage = Stage.DROPPED


def hold(project, on, reason="企业暂缓投资"):
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.ON_HOLD,
        occurred_on=on,
        reason=reason,
        department=project.department,
    )
    Project.objects.filter(pk=project.pk).update(
        stage=Stage.ON_HOLD, stage_before_hold=project.stage, dropped_reason=reason
    )
    project.stage_before_hold, project.stage = project.stage, Stage.ON_HOLD


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

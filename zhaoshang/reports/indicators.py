"""Assessment indicators whose figures the counting rules define (``rules.py``): the
signings and their kinds, agreed investment, funds in place, and two the assessment
scheme of the Hexi text names (十三): industry fit and new drivers.

Every figure is read from the one ``rules.Facts`` of the period (1 January to the period's
end), the same facts the monthly report sums, so the score sheet and the report cannot
disagree.

产业契合度 (industry fit): the unit's signings (rule 3) whose key industry is one of the
unit's own positioning: the key industries it is in charge of (``KeyIndustry.department``)
and those of the zones it manages (``Zone.key_industries``). A unit with no positioning
(most streets) is measured against the district's key industries: any signing with a key
industry fits.

新动能 (new drivers): the unit's signings of projects flagged strategic emerging, or in a
key industry marked strategic emerging, or in the national industry sections I
(信息传输、软件和信息技术服务业) and M (科学研究和技术服务业): the new economy the texts
mean by 新动能.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from zhaoshang.assessment.registry import CNY, COUNT, Figure, Indicator, Period, register
from zhaoshang.common import formats

from . import rules
from .monthly import Tally

NEW_DRIVER_SECTIONS = {"I", "M"}


def _facts(period: Period) -> rules.Facts:
    return period.once("reports.facts", lambda: rules.Facts(period.start, period.end))


def _ym(period: Period) -> tuple[int, int]:
    return (period.end.year, period.end.month)


def _signings(period: Period, keep) -> dict[int, Figure]:
    out: dict[int, Figure] = {}
    for s in _facts(period).signings:
        if keep(s):
            fig = out.get(s.unit_id)
            if fig is None:
                fig = out[s.unit_id] = Figure(Decimal(0))
            fig.value += 1
            fig.ids.append(s.project_id)
    return out


def _positioning() -> dict[int, set[int]]:
    from zhaoshang.reference.models import KeyIndustry, Zone

    own: dict[int, set[int]] = defaultdict(set)
    for pk, unit in KeyIndustry.objects.values_list("id", "department_id"):
        own[unit].add(pk)
    for unit, key in Zone.key_industries.through.objects.values_list(
        "zone__department_id", "keyindustry_id"
    ):
        if unit is not None:
            own[unit].add(key)
    return own


def _new_driver_keys() -> tuple[set[int], set[int]]:
    from zhaoshang.reference.models import Industry, KeyIndustry

    keys = set(KeyIndustry.objects.filter(strategic_emerging=True).values_list("id", flat=True))
    sections = set(
        Industry.objects.filter(
            level=Industry.Level.SECTION, code__in=NEW_DRIVER_SECTIONS
        ).values_list("id", flat=True)
    )
    return keys, sections


def signed_projects(period: Period) -> dict[int, Figure]:
    return _signings(period, lambda s: True)


def major_projects(period: Period) -> dict[int, Figure]:
    return _signings(period, lambda s: s.major)


def head_projects(period: Period) -> dict[int, Figure]:
    return _signings(period, lambda s: s.head)


def emerging_projects(period: Period) -> dict[int, Figure]:
    return _signings(period, lambda s: s.emerging)


def industry_fit(period: Period) -> dict[int, Figure]:
    own = _positioning()
    return _signings(
        period,
        lambda s: (
            s.key_industry_id is not None
            and (s.key_industry_id in own[s.unit_id] if own.get(s.unit_id) else True)
        ),
    )


def new_drivers(period: Period) -> dict[int, Figure]:
    keys, sections = _new_driver_keys()
    return _signings(
        period, lambda s: s.emerging or s.key_industry_id in keys or s.section_id in sections
    )


def agreed_investment(period: Period) -> dict[int, Figure]:
    out: dict[int, Figure] = {}
    for s in _facts(period).signings:
        fig = out.get(s.unit_id)
        if fig is None:
            fig = out[s.unit_id] = Figure(Decimal(0))
        fig.value += s.amount
        fig.ids.append(s.project_id)
    for fig in out.values():
        fig.value = Decimal(fig.value).quantize(rules.CENT)
    return out


def _funds(code: str):
    def compute(period: Period) -> dict[int, Figure]:
        facts = _facts(period)
        tally = period.once("reports.tally", lambda: Tally(facts))
        out: dict[int, Figure] = {}
        for (c, unit, _ym), value in tally.values.items():
            if c == code and isinstance(unit, int):
                fig = out.setdefault(unit, Figure(Decimal(0)))
                fig.value += value
        for fig in out.values():
            fig.value = Decimal(fig.value).quantize(rules.CENT)
        return out

    return compute


def project_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    """The projects behind a figure, as the user may read them (scoped)."""
    from zhaoshang.pipeline.models import Project

    rows = (
        Project.objects.for_user(user)
        .filter(pk__in=ids)
        .select_related("department", "enterprise")
        .order_by("signed_on", "pk")
    )
    headers = ["项目名称", "投资企业", "责任单位", "签约日期", "协议投资额（万元）"]
    cells, links = [], []
    for p in rows:
        cells.append(
            [
                p.name,
                p.enterprise.name if p.enterprise_id else "",
                p.department.name,
                formats.cn_date(p.signed_on),
                formats.wan_number(p.agreed_investment),
            ]
        )
        links.append(reverse("pipeline:project_detail", args=[p.pk]))
    return headers, cells, links


def funds_link(code: str):
    def link(period: Period, unit: int) -> str:
        y, m = _ym(period)
        query = urlencode({"year": y, "month": m, "ind": code, "period": "ytd", "unit": unit})
        return f"{reverse('reports:records')}?{query}"

    return link


def _no_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    return [], [], []


SIGNINGS = "签约项目按签约日期计入当时的责任单位（统计口径第2、3条）"
for order, (code, label, kind, compute, rule, target_field) in enumerate(
    [
        ("signed_projects", "签约项目", COUNT, signed_projects, SIGNINGS, "signed_projects"),
        (
            "agreed_investment",
            "协议投资额",
            CNY,
            agreed_investment,
            SIGNINGS + "，协议投资额合计",
            "agreed_investment",
        ),
        (
            "major_projects",
            "重大项目",
            COUNT,
            major_projects,
            "签约项目中现为重大项目的（统计口径第6条）",
            "major_projects",
        ),
        (
            "head_enterprise_projects",
            "500强企业项目",
            COUNT,
            head_projects,
            "签约项目中投资方现列入500强榜单的（统计口径第6条）",
            "head_enterprise_projects",
        ),
        (
            "emerging_projects",
            "战略性新兴产业项目",
            COUNT,
            emerging_projects,
            "签约项目中标记为战略性新兴产业的（统计口径第6条）",
            "emerging_projects",
        ),
        (
            "industry_fit",
            "产业契合度（符合产业定位的签约项目）",
            COUNT,
            industry_fit,
            "签约项目的重点产业属于本单位主管的重点产业或所管功能区的主导产业；"
            "未设产业定位的单位按全区重点产业计",
            "",
        ),
        (
            "new_drivers",
            "新动能项目",
            COUNT,
            new_drivers,
            "签约项目中标记为战略性新兴产业、属于战略性新兴重点产业，"
            "或属于信息传输软件和信息技术服务业、科学研究和技术服务业门类的",
            "",
        ),
    ]
):
    register(
        Indicator(
            code=code,
            label=label,
            kind=kind,
            owner="reports",
            rule=rule,
            compute=compute,
            records=project_records,
            target_field=target_field,
            order=10 + order,
        )
    )

for order, (code, label) in enumerate(
    [("funds_domestic", "内资到位资金"), ("funds_foreign", "外资到位资金")]
):
    register(
        Indicator(
            code=code,
            label=label,
            kind=CNY,
            owner="reports",
            rule="到位资金按到位日期计入当日的责任单位，外币按当月汇率折算（统计口径第5条）",
            compute=_funds(code),
            records=_no_records,
            target_field=code,
            order=20 + order,
            link=funds_link(code),
        )
    )

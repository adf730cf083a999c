"""The work bulletin's content, generated from the records for a month or a quarter.

Figures follow the monthly report's counting rules (``rules.Facts``: signings and
landings counted for the unit responsible that day, funds from the monthly sums). Named
projects are listed with a ``public`` mark: only those whose enterprise agreed to be
shown on the portal (``portal.Showcase``) are named on the portal page; the Word bulletin
for leaders names them all. Other modules add their sections (events, services, typical
cases …) with ``register_section``; a section with nothing to say is left out."""

import datetime as dt
from decimal import Decimal

from django.apps import apps

from zhaoshang.common import formats
from zhaoshang.org.models import Department
from zhaoshang.org.queries import district_name, report_issuer
from zhaoshang.pipeline.models import Project

from . import rules

SECTIONS = []


def register_section(fn):
    """``fn(start, end) -> {"title": …, "paragraphs": [...]} | None`` (plain JSON)."""
    SECTIONS.append(fn)
    return fn


def period_bounds(kind, year, period):
    if kind == "quarter":
        if not 1 <= period <= 4:
            raise ValueError("季度应为 1 至 4。")
        first_month = 3 * (period - 1) + 1
        start = dt.date(year, first_month, 1)
        _, end = rules.month_bounds(year, first_month + 2)
        return start, end
    if not 1 <= period <= 12:
        raise ValueError("月份应为 1 至 12。")
    return rules.month_bounds(year, period)


def wan(amount):
    """Yuan → "1234.50" (万, no separators): the snapshot keeps plain numbers."""
    return str(formats.wan(amount))


def _shown_enterprises():
    if not apps.is_installed("zhaoshang.portal"):
        return set()
    from zhaoshang.portal.models import Showcase

    return set(Showcase.objects.values_list("enterprise_id", flat=True))


def bulletin_data(kind, year, period):
    start, end = period_bounds(kind, year, period)
    facts = rules.Facts(start, end)
    units = dict(Department.objects.values_list("pk", "name"))
    shown = _shown_enterprises()
    signed_ids = [s.project_id for s in facts.signings]
    landed_ids = [x.project_id for x in facts.landings]
    rows = {
        pk: (name, enterprise_id, enterprise, amount, level, industry)
        for pk, name, enterprise_id, enterprise, amount, level, industry in Project.objects.filter(
            pk__in=set(signed_ids) | set(landed_ids)
        ).values_list(
            "pk",
            "name",
            "enterprise_id",
            "enterprise__name",
            "agreed_investment",
            "major_level",
            "key_industry__name",
        )
    }

    def listed(pid, on, unit_id):
        name, enterprise_id, enterprise, amount, level, industry = rows[pid]
        return {
            "name": name,
            "enterprise": enterprise,
            "unit": units.get(unit_id, ""),
            "on": on.isoformat(),
            "amount_wan": wan(amount or 0),
            "industry": industry or "",
            "major": bool(level),
            "public": enterprise_id in shown,
        }

    signed = [
        listed(s.project_id, s.on, s.unit_id)
        for s in sorted(facts.signings, key=lambda s: (s.on, s.project_id))
    ]
    landed = [
        listed(x.project_id, x.on, x.unit_id)
        for x in sorted(facts.landings, key=lambda x: (x.on, x.project_id))
    ]
    signed_amount = sum((s.amount for s in facts.signings), Decimal(0))
    domestic = foreign = Decimal(0)
    for b in facts.funds:
        cny = facts.rates.to_cny(b.ym, b.currency, b.amount)
        if cny is None:
            continue
        if b.source == "foreign":
            foreign += cny
        else:
            domestic += cny
    missing = sorted(
        f"{y}年{m}月{rules.CURRENCY_NAMES.get(c, c)}" for y, m, c in facts.rates.missing
    )
    sections = [s for s in (fn(start, end) for fn in SECTIONS) if s]
    district = district_name()
    label = (
        f"{year}年第{'一二三四'[period - 1]}季度" if kind == "quarter" else f"{year}年{period}月"
    )
    data = {
        "kind": kind,
        "year": year,
        "period": period,
        "label": label,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "district": district,
        "issuer": report_issuer(district),
        "signed_count": len(facts.signings),
        "signed_amount_wan": wan(signed_amount),
        "major_count": sum(1 for s in facts.signings if s.major),
        "landed_count": len(facts.landings),
        "funds_domestic_wan": wan(domestic),
        "funds_foreign_wan": wan(foreign),
        "missing_rates": missing,
        "signed": signed,
        "landed": landed,
        "major": [s for s in signed if s["major"]],
        "sections": sections,
    }
    return data


def default_lead(data):
    """The generated lead paragraph the office starts from."""
    text = (
        f"{data['label']}，{data['district']}新签约项目{data['signed_count']}个，"
        f"协议投资额{data['signed_amount_wan']}万元，其中重大项目{data['major_count']}个；"
        f"新落地项目{data['landed_count']}个；内资到位{data['funds_domestic_wan']}万元，"
        f"外资到位{data['funds_foreign_wan']}万元。"
    )
    if data["missing_rates"]:
        text += f"（{'、'.join(data['missing_rates'])}汇率尚未设置，相关外币资金未计入。）"
    return text


def _typical_cases(start, end):
    """Typical complaint cases published by the discipline office (when complaints are
    installed): named by title only, as published."""
    if not apps.is_installed("zhaoshang.complaints"):
        return None
    from zhaoshang.complaints.queries import published_cases

    cases = list(published_cases())
    if not cases:
        return None
    # published_cases() gives rows as dicts (its anonymised columns only).
    titles = [str(c["title"] if isinstance(c, dict) else c.title) for c in cases[:10]]
    return {
        "title": "典型案例",
        "paragraphs": [f"已公开典型投诉案例{len(cases)}件：{'；'.join(titles)}。"],
    }


register_section(_typical_cases)

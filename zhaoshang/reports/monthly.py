"""The monthly report (统计月报) for any month, computed from ``rules.Facts``.

``monthly_report(year, month)`` returns plain data (numbers, names, query strings for
the drill-down) that the page, the .xlsx, the .docx and the issued snapshot all render,
so the four cannot disagree. Amounts are Decimal yuan (USD for foreign investment)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from zhaoshang.aftercare.models import Expansion
from zhaoshang.assessment.models import INDICATORS
from zhaoshang.assessment.queries import assessed_units, targets_by_unit
from zhaoshang.common import formats
from zhaoshang.org.models import Department
from zhaoshang.org.queries import district_name, report_issuer
from zhaoshang.pipeline.models import LedgerEntry, MajorLevel, Method, Project, Stage

from . import rules
from .rules import CENT

SIGNING_CODES = {
    "signed_projects": None,
    "agreed_investment": None,
    "major_projects": "major",
    "head_enterprise_projects": "head",
    "emerging_projects": "emerging",
}
FUNDS_CODES = {
    "funds_domestic": ("domestic", "cny"),
    "funds_foreign": ("foreign", "cny"),
    "foreign_investment_usd": ("foreign", "usd"),
}
PERIOD_LABELS = {
    "month": "本月",
    "ytd": "本年累计",
    "prev": "上月",
    "ly_month": "上年同月",
    "ly_ytd": "上年同期累计",
}


def periods(year, month):
    py, pm = rules.previous_month(year, month)
    return {
        "month": {(year, month)},
        "ytd": {(year, m) for m in range(1, month + 1)},
        "prev": {(py, pm)},
        "ly_month": {(year - 1, month)},
        "ly_ytd": {(year - 1, m) for m in range(1, month + 1)},
    }


def load_facts(year, month):
    """Every fact the report of ``year``-``month`` needs: from January of the year before
    (last year's figures and December for January's month-on-month) to the month's end."""
    return rules.Facts(dt.date(year - 1, 1, 1), rules.month_bounds(year, month)[1])


def signing_matches(s, months, unit=None, flag=None, dim=None):
    """The same selection a figure sums, for the list behind it (drill-down)."""
    if s.ym not in months or (unit is not None and s.unit_id != unit):
        return False
    if flag and not getattr(s, flag):
        return False
    return dim is None or dim in _dims(s)


def _dims(s):
    yield ("key_industry", s.key_industry_id)
    yield ("section", s.section_id)
    yield ("method", s.method)
    for code in s.areas or ("other",):
        yield ("area", code)


class Tally:
    """The facts summed once per (indicator, unit, month) and, for signings, per
    breakdown key, so a figure is a handful of dictionary reads (no per-unit rescans)."""

    def __init__(self, facts):
        if isinstance(facts, rules.UnitFacts):  # summed per unit and month already
            per, dims, landed = facts.signed, facts.dims, facts.landed
        else:
            per, dims, landed = self._per_unit(facts)
        values = defaultdict(Decimal)
        codes = list(SIGNING_CODES)  # in the order of the row above
        for (unit, ym), row in per.items():
            for code, value in zip(codes, row, strict=True):
                values[(code, unit, ym)] += value
                values[(code, None, ym)] += value
        for (dim, ym), (n, amount) in dims.items():
            values[("signed_projects", dim, ym)] += n
            values[("agreed_investment", dim, ym)] += amount
        for (unit, ym), n in landed.items():
            values[("landed_projects", unit, ym)] += n
            values[("landed_projects", None, ym)] += n
        rates = facts.rates
        for b in facts.funds:
            cny = rates.to_cny(b.ym, b.currency, b.amount)
            if b.source == "domestic":
                targets = [("funds_domestic", cny)]
            else:
                targets = [
                    ("funds_foreign", cny),
                    ("foreign_investment_usd", rates.to_usd(b.ym, b.currency, b.amount)),
                ]
            for code, value in targets:
                if value is not None:
                    values[(code, b.unit_id, b.ym)] += value
                    values[(code, None, b.ym)] += value
        self.values = values

    @staticmethod
    def _per_unit(facts):
        # One pass over the signings into per-(unit, month) and per-(breakdown, month)
        # rows; the district is summed from the units afterwards (a city's ~50,000
        # signings cost one loop, not one per figure).
        per, dims = {}, {}
        for s in facts.signings:
            key = (s.unit_id, s.ym)
            row = per.get(key)
            if row is None:
                row = per[key] = [0, Decimal(0), 0, 0, 0]
            row[0] += 1
            row[1] += s.amount
            row[2] += s.major
            row[3] += s.head
            row[4] += s.emerging
            for dim in _dims(s):
                drow = dims.get((dim, s.ym))
                if drow is None:
                    drow = dims[(dim, s.ym)] = [0, Decimal(0)]
                drow[0] += 1
                drow[1] += s.amount
        landed = defaultdict(int)
        for x in facts.landings:
            landed[(x.unit_id, x.ym)] += 1
        return per, dims, landed

    def get(self, code, months, unit=None, dim=None):
        key = dim if dim is not None else unit
        total = sum((self.values.get((code, key, ym), 0) for ym in months), Decimal(0))
        if code in ("agreed_investment", *FUNDS_CODES):
            return Decimal(total).quantize(CENT)
        return int(total)


def figure(facts, code, months, unit=None, dim=None):
    """One figure: indicator ``code`` over ``months`` (a set of (year, month)), for one
    unit or the district, optionally within a breakdown ``dim`` = (kind, key) (signed
    projects and agreed investment only)."""
    tally = getattr(facts, "_tally", None)
    if tally is None:
        tally = facts._tally = Tally(facts)
    return tally.get(code, months, unit, dim)


def ratio(done, base):
    """Percent with one decimal, or None when there is nothing to compare against."""
    if not base:
        return None
    return (Decimal(done) / Decimal(base) * 100).quantize(Decimal("0.1"))


def change(now, before):
    if not before:
        return None
    return ((Decimal(now) - Decimal(before)) / Decimal(before) * 100).quantize(Decimal("0.1"))


def monthly_report(year, month, *, today=None):
    today = today or timezone.localdate()
    # The figures from sums per unit, month and breakdown key; the month's own signings
    # and landings (the lists of table 6) as events.
    first, last = rules.month_bounds(year, month)
    facts = rules.UnitFacts(dt.date(year - 1, 1, 1), last, breakdowns_since=dt.date(year, 1, 1))
    this_month = rules.Facts(first, last)
    spans = periods(year, month)
    targets = targets_by_unit(year)
    units = {u.pk: u for u in assessed_units(year)}
    seen = {unit for unit, _ in facts.signed} | {unit for unit, _ in facts.landed}
    seen |= {b.unit_id for b in facts.funds}
    # One read of the unit table serves the units that counted without being assessed
    # (a fixed number of queries whatever the data) and the names in the lists below.
    every_unit = {d.pk: d for d in Department.objects.all()}
    for pk in seen - set(units):
        units[pk] = every_unit[pk]

    # 1. Main indicators of the district.
    indicators = []
    for code, label, kind in INDICATORS:
        values = {p: figure(facts, code, months) for p, months in spans.items()}
        target = sum((Decimal(getattr(t, code)) for t in targets.values()), Decimal(0))
        indicators.append(
            {
                "code": code,
                "label": label,
                "kind": kind,
                **values,
                "target": target,
                "rate": ratio(values["ytd"], target),
                "yoy": change(values["ytd"], values["ly_ytd"]),
                "mom": change(values["month"], values["prev"]),
            }
        )

    # 2. By unit: targets, completed (year to date), rate, rank.
    unit_rows = []
    for uid, unit in units.items():
        target = targets.get(uid)
        cells = {}
        for code, _, _ in INDICATORS:
            done = figure(facts, code, spans["ytd"], unit=uid)
            goal = Decimal(getattr(target, code)) if target else Decimal(0)
            cells[code] = {"done": done, "target": goal, "rate": ratio(done, goal)}
        unit_rows.append(
            {"unit_id": uid, "name": unit.name, "sort": unit.sort_order, "cells": cells}
        )
    # Rank by completion of the agreed-investment target, then the amount itself, then
    # the number of signings (a unit without a target ranks by its amount).
    unit_rows.sort(
        key=lambda r: (
            -(r["cells"]["agreed_investment"]["rate"] or Decimal(-1)),
            -r["cells"]["agreed_investment"]["done"],
            -r["cells"]["signed_projects"]["done"],
            r["sort"],
            r["unit_id"],
        )
    )
    for rank, row in enumerate(unit_rows, start=1):
        row["rank"] = rank
        del row["sort"]

    # 3 and 4. Signings by key industry, national industry, source area and method.
    breakdowns = {
        "key_industry": _breakdown(facts, spans, "key_industry", _key_industry_labels()),
        "section": _breakdown(facts, spans, "section", _section_labels()),
        "area": _breakdown(facts, spans, "area", _area_labels()),
        "method": _breakdown(facts, spans, "method", dict(Method.choices)),
    }

    # 6. Signed and landed this month.
    unit_of = {s.project_id: s.unit_id for s in this_month.signings}
    unit_of_landed = {x.project_id: x.unit_id for x in this_month.landings}
    month_ids, landed_ids = set(unit_of), set(unit_of_landed)
    names = {pk: d.name for pk, d in every_unit.items()}
    stages = dict(Stage.choices)
    # The stage each stood at on the month's last day, not today's.
    stage_then = rules.stages_on(month_ids | landed_ids, last)
    # A project that is a landed enterprise's expansion (增资扩产, recorded in aftercare)
    # is counted as such: marked with its kind in the lists and summed in the summary.
    expansion_kinds = dict(Expansion.Kind.choices)
    signed_list = [
        {
            "id": pk,
            "name": name,
            "enterprise": enterprise,
            "unit": names.get(unit_of[pk], ""),
            "on": on,
            "amount": amount or Decimal(0),
            "industry": industry or "",
            "stage": stages[stage_then.get(pk, stage)],
            "expansion": expansion_kinds.get(expansion, ""),
        }
        for pk, name, enterprise, on, amount, industry, stage, expansion in Project.objects.filter(
            pk__in=month_ids
        )
        .order_by("signed_on", "pk")
        .values_list(
            "pk",
            "name",
            "enterprise__name",
            "signed_on",
            "agreed_investment",
            "key_industry__name",
            "stage",
            "expansion__kind",
        )
    ]
    landed_list = [
        {
            "id": pk,
            "name": name,
            "enterprise": enterprise,
            "unit": names.get(unit_of_landed[pk], ""),
            "on": on,
            "amount": amount or Decimal(0),
            "credit_code": credit_code,
            "stage": stages[stage_then.get(pk, stage)],
            "expansion": expansion_kinds.get(expansion, ""),
        }
        for pk, name, enterprise, on, amount, credit_code, stage, expansion in (
            Project.objects.filter(pk__in=landed_ids)
        )
        .order_by("registered_on", "pk")
        .values_list(
            "pk",
            "name",
            "enterprise__name",
            "registered_on",
            "agreed_investment",
            "registered_credit_code",
            "stage",
            "expansion__kind",
        )
    ]

    # 7. Units with no signing so far this year (约谈).
    call_in = [
        {"unit_id": r["unit_id"], "name": r["name"]}
        for r in sorted(unit_rows, key=lambda r: (units[r["unit_id"]].sort_order, r["unit_id"]))
        if r["cells"]["signed_projects"]["done"] == 0 and units[r["unit_id"]].kind in _ASSESSED
    ]

    district = district_name()
    report = {
        "year": year,
        "month": month,
        "title": f"{district}招商引资统计月报（{year}年{month}月）",
        # Kept in the issued snapshot with the title: a version prints as it was issued.
        "issuer": report_issuer(district),
        "computed_on": today.isoformat(),
        "missing_rates": [
            f"{y}年{m}月{rules.CURRENCY_NAMES.get(c, c)}（{c}）"
            for y, m, c in sorted(facts.rates.missing)
            if (y, m) in spans["ytd"] | spans["ly_ytd"] | spans["prev"]
        ],
        "indicators": indicators,
        "units": unit_rows,
        "breakdowns": breakdowns,
        "major_projects": major_projects(year, month, names),
        "signed_this_month": signed_list,
        "landed_this_month": landed_list,
        "call_in": call_in,
    }
    report["summary"] = summary(report)
    return report


_ASSESSED = {Department.Kind.DEPARTMENT, Department.Kind.STREET, Department.Kind.ZONE}


def _breakdown(facts, spans, dim, labels):
    keys = {key for (kind, key), ym in facts.dims if kind == dim and ym in spans["ytd"]}
    rows = []
    ytd_total = figure(facts, "agreed_investment", spans["ytd"])
    for key in keys:
        value = key if key is not None else "none"
        rows.append(
            {
                "key": value,
                "label": labels.get(key, "其他" if dim == "area" else "未填写"),
                "month": figure(facts, "signed_projects", spans["month"], dim=(dim, key)),
                "ytd": figure(facts, "signed_projects", spans["ytd"], dim=(dim, key)),
                "amount": figure(facts, "agreed_investment", spans["ytd"], dim=(dim, key)),
            }
        )
    for row in rows:
        row["share"] = ratio(row["amount"], ytd_total)
    rows.sort(key=lambda r: (-r["amount"], -r["ytd"], str(r["label"])))
    return rows


def _key_industry_labels():
    from zhaoshang.reference.models import KeyIndustry

    return dict(KeyIndustry.objects.values_list("id", "name"))


def _section_labels():
    from zhaoshang.reference.models import Industry

    return dict(Industry.objects.filter(level=Industry.Level.SECTION).values_list("id", "name"))


def _area_labels():
    from zhaoshang.reference.models import EconomicArea

    return dict(EconomicArea.objects.values_list("code", "name")) | {"other": "其他"}


MAJOR_STAGES = [
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.CONSTRUCTION,
    Stage.OPERATING,
    Stage.ON_HOLD,
]


def major_projects(year, month, names=None):
    """5. Major projects as they stood at the month's end: registered by then, in a stage
    past the lead and not dropped on that day (from the stage history), with the unit
    responsible that day, the month's latest ledger entry, the problems open that day
    and the next step. A fixed number of queries whatever the number of projects."""
    first, last = rules.month_bounds(year, month)
    projects = list(
        Project.objects.exclude(major_level="")
        .annotate(stage_then=rules.stage_on(last))
        .filter(stage_then__in=MAJOR_STAGES)
        .order_by("-agreed_investment", "pk")
        .values_list(
            "pk",
            "name",
            "department_id",
            "major_level",
            "agreed_investment",
            "estimated_investment",
            "stage_then",
        )
    )
    ids = [p[0] for p in projects]
    if names is None:
        names = dict(Department.objects.values_list("pk", "name"))
    owners = rules.Owners(rules.multi_owner_projects().filter(project__in=ids))
    ledger = {}
    for pid, content, next_step in (
        LedgerEntry.objects.filter(project_id__in=ids, occurred_on__range=(first, last))
        .order_by("project_id", "-occurred_on", "-id")
        .values_list("project_id", "content", "next_step")
    ):
        ledger.setdefault(pid, (content, next_step))
    problems = rules.problems_open_on(ids, last)
    levels, stages = dict(MajorLevel.choices), dict(Stage.choices)
    return [
        {
            "id": pk,
            "name": name,
            "unit": names.get(owners.unit_on(pk, last, unit), ""),
            "level": levels.get(level, level),
            "amount": agreed or estimated or Decimal(0),
            "stage": stages[stage],
            "ledger": ledger.get(pk, ("", ""))[0],
            "problems": problems.get(pk, []),
            "next_step": ledger.get(pk, ("", ""))[1],
        }
        for pk, name, unit, level, agreed, estimated, stage in projects
    ]


def _trend(value, word_up="增长", word_down="下降"):
    if value is None:
        return "上年同期无可比数据"
    if value == 0:
        return "与上年同期持平"
    return f"同比{word_up if value > 0 else word_down}{abs(value)}%"


def _expansions(projects):
    n = sum(1 for p in projects if p.get("expansion"))
    return f"（其中本地企业增资扩产项目{n}个）" if n else ""


def summary(report):
    """The summary paragraph, each sentence generated from the figures."""
    year, month = report["year"], report["month"]
    ind = {i["code"]: i for i in report["indicators"]}
    span = f"{year}年1—{month}月" if month > 1 else f"{year}年1月"

    def rate(code):
        r = ind[code]["rate"]
        return f"，完成年度目标的{r}%" if r is not None else ""

    sentences = [
        f"{span}，全区新签约项目{ind['signed_projects']['ytd']}个，"
        f"{_trend(ind['signed_projects']['yoy'])}{rate('signed_projects')}；"
        f"协议投资额{formats.wan_text(ind['agreed_investment']['ytd'])}，"
        f"{_trend(ind['agreed_investment']['yoy'])}{rate('agreed_investment')}。",
        f"到位资金方面，内资到位{formats.wan_text(ind['funds_domestic']['ytd'])}，"
        f"外资到位{formats.wan_text(ind['funds_foreign']['ytd'])}，"
        f"实际利用外资{formats.wan_text(ind['foreign_investment_usd']['ytd'], '万美元')}。",
        f"新签约项目中，重大项目{ind['major_projects']['ytd']}个，"
        f"500强企业项目{ind['head_enterprise_projects']['ytd']}个，"
        f"战略性新兴产业项目{ind['emerging_projects']['ytd']}个；"
        f"新落地项目{ind['landed_projects']['ytd']}个。",
        f"{month}月当月新签约项目{ind['signed_projects']['month']}个"
        f"{_expansions(report['signed_this_month'])}，"
        f"协议投资额{formats.wan_text(ind['agreed_investment']['month'])}；"
        f"新落地项目{ind['landed_projects']['month']}个"
        f"{_expansions(report['landed_this_month'])}。",
    ]
    if report["units"]:
        top = report["units"][0]
        if top["cells"]["agreed_investment"]["done"]:
            sentences.append(f"按协议投资额目标完成率排名，{top['name']}居全区首位。")
    call_in = report["call_in"]
    if call_in:
        names = "、".join(c["name"] for c in call_in)
        sentences.append(f"截至{month}月底，{len(call_in)}个单位年内尚无签约项目：{names}。")
    else:
        sentences.append(f"截至{month}月底，各单位年内均有签约项目。")
    if report["missing_rates"]:
        sentences.append(
            f"{'、'.join(report['missing_rates'])}汇率尚未设置，相关外币到位资金未计入。"
        )
    return "".join(sentences)

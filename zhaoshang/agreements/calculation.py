"""The calculation (测算): one agreement's incentives for one year, line by line.

A pure function of its inputs (the clauses, the commitments, the operating-data rows), so
the same inputs always give the same result and a test can check it against a computation
of its own. Each line says which clause, the base figure and the rows it came from, the
rate, the cap, every condition with the figures that met or failed it, and the result.

Rounding (stated on the calculation page): amounts are computed in yuan with exact
decimals; each line's result is rounded half up to the fen (0.01 元) after the cap; the
total is the sum of the rounded lines. 万元 figures are yuan ÷ 10,000 rounded half up to
two places, for reading only.

A year's figure of a flow (taxes, revenue, output, investment, invoices) is the whole-year
row when there is one, else the sum of all twelve months; a level (people, paid-in capital,
floor area) is the whole-year row, else the latest month. The first source with a figure
wins, in the order of ``SOURCES``. A figure that is not there, or a year with months
missing, stops the calculation: it names what is missing instead of computing on part of
the data."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import FLOW_METRICS, DataSource, IncentiveClause, Metric

K = IncentiveClause.Kind
FEN = Decimal("0.01")
ROUNDING_RULE = (
    "金额以元为单位精确计算，每条奖励在适用上限后四舍五入保留至分（0.01 元），合计为各条之和；"
    "万元数为元数除以一万后四舍五入保留两位小数，仅供阅读。"
)

# Which source answers for a metric, first choice first.
SOURCES = {
    Metric.TAX_TOTAL: (DataSource.TAX,),
    Metric.TAX_DISTRICT: (DataSource.TAX,),
    Metric.REVENUE: (DataSource.TAX, DataSource.STATISTICS, DataSource.ENTERPRISE),
    Metric.EMPLOYEES: (DataSource.TAX, DataSource.STATISTICS, DataSource.ENTERPRISE),
    Metric.OUTPUT: (DataSource.STATISTICS, DataSource.ENTERPRISE),
    Metric.FIXED_ASSET_INVESTMENT: (DataSource.STATISTICS, DataSource.ENTERPRISE),
    Metric.PAID_IN_CAPITAL: (DataSource.ENTERPRISE, DataSource.STATISTICS),
    Metric.EQUIPMENT_INVOICED: (DataSource.ENTERPRISE, DataSource.STATISTICS),
    Metric.FLOOR_AREA: (DataSource.ENTERPRISE, DataSource.STATISTICS),
}
SOURCE_LABELS = dict(DataSource.choices)
METRIC_LABELS = dict(Metric.choices)


def fen(amount):
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def pct(rate):
    return f"{(Decimal(rate) * 100).normalize():f}%"


class MissingData(Exception):
    """The calculation cannot run: ``missing`` lists what is not there, in Chinese."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__("；".join(missing))


@dataclass
class Figure:
    value: Decimal
    rows: list  # the operating-data rows (dicts) it rests on
    source: str
    how: str  # "全年数" / "1—12月合计" / "12月末数"


@dataclass
class Data:
    """One enterprise's operating-data rows of one year, as the calculation reads them."""

    year: int
    rows: list  # dicts: id, month, source, the metrics, file, row, by
    used: dict = field(default_factory=dict)  # id -> row, of the figures asked for

    def figure(self, metric):
        """The year's figure of ``metric``, or a reason it is missing (str)."""
        gaps = []
        for source in SOURCES[metric]:
            rows = [r for r in self.rows if r["source"] == source and r.get(metric) is not None]
            if not rows:
                continue
            annual = [r for r in rows if r["month"] == 0]
            if annual:
                found = Figure(Decimal(annual[0][metric]), annual[:1], source, "全年数")
            elif metric in FLOW_METRICS:
                months = {r["month"]: r for r in rows}
                absent = [m for m in range(1, 13) if m not in months]
                if absent:
                    gaps.append(
                        f"{SOURCE_LABELS[source]}报送的{self.year}年{METRIC_LABELS[metric]}"
                        f"缺 {'、'.join(str(m) for m in absent)} 月"
                    )
                    continue
                ordered = [months[m] for m in range(1, 13)]
                total = sum((Decimal(r[metric]) for r in ordered), Decimal(0))
                found = Figure(total, ordered, source, "1—12月合计")
            else:
                last = max(rows, key=lambda r: r["month"])
                found = Figure(Decimal(last[metric]), [last], source, f"{last['month']}月末数")
            for r in found.rows:
                self.used[r["id"]] = r
            return found
        if gaps:
            return "；".join(gaps)
        return f"没有{self.year}年{METRIC_LABELS[metric]}数据"


def _base(data, metric, missing, what):
    figure = data.figure(metric)
    if isinstance(figure, str):
        missing.append(f"{what}：{figure}")
        return None
    return figure


def _describe(figure, metric, year):
    return {
        "label": f"{year}年{METRIC_LABELS[metric]}（{SOURCE_LABELS[figure.source]}，{figure.how}）",
        "value": str(figure.value),
        "sources": [
            {
                "id": r["id"],
                "period": f"{r['year']}年" + (f"{r['month']}月" if r["month"] else ""),
                "source": SOURCE_LABELS[r["source"]],
                "file": r.get("file") or "",
                "row": r.get("row"),
                "by": r.get("by") or "",
                "value": str(r[metric]),
            }
            for r in figure.rows
        ],
    }


def _rate_for(params, year):
    for first, last, rate in params["rates"]:
        if int(first) <= year <= int(last):
            return Decimal(rate)
    return None


def _days_in_year(start, end, year):
    a = max(start, dt.date(year, 1, 1))
    b = min(end, dt.date(year, 12, 31))
    return max((b - a).days + 1, 0)


def compute(year, clauses, commitments, data):
    """The lines and total of ``year`` for ``clauses`` (in force, of one agreement).

    ``commitments``: {(commitment kind, year): Decimal}; ``data``: a ``Data`` of the
    enterprise's rows for the year. Raises MissingData naming every missing figure."""
    missing, lines = [], []
    for clause in sorted(clauses, key=lambda c: (c.first_year, c.kind, c.pk or 0)):
        if not clause.first_year <= year <= clause.last_year:
            continue
        if clause.kind == K.LANDING_AWARD and year != clause.first_year:
            continue  # one-time: paid in the clause's first year
        line = _line(clause, year, commitments, data, missing)
        if line is not None:
            lines.append(line)
    if missing:
        raise MissingData(missing)
    total = sum((Decimal(line["result"]) for line in lines), Decimal(0))
    return lines, fen(total)


def _line(clause, year, commitments, data, missing):
    p = clause.params
    what = f"条款“{clause.title}”"
    line = {
        "clause_id": clause.pk,
        "clause": clause.title,
        "kind": clause.kind,
        "kind_label": str(K(clause.kind).label),
        "policy_article": clause.policy_article,
        "base": None,
        "rate": None,
        "formula": "",
        "raw": "0",
        "cap": str(clause.cap) if clause.cap is not None else None,
        "capped": False,
        "conditions": [],
        "result": "0.00",
    }
    raw = None
    if clause.kind == K.TAX_SHARE:
        rate = _rate_for(p, year)
        figure = _base(data, Metric.TAX_DISTRICT, missing, what)
        if figure is not None:
            raw = figure.value * rate
            line["base"] = _describe(figure, Metric.TAX_DISTRICT, year)
            line["rate"] = pct(rate)
            line["formula"] = f"{figure.value} 元 × {pct(rate)}"
    elif clause.kind == K.EQUIPMENT_SUBSIDY:
        rate = Decimal(p["rate"])
        figure = _base(data, Metric.EQUIPMENT_INVOICED, missing, what)
        if figure is not None:
            raw = figure.value * rate
            line["base"] = _describe(figure, Metric.EQUIPMENT_INVOICED, year)
            line["rate"] = pct(rate)
            line["formula"] = f"{figure.value} 元 × {pct(rate)}"
    elif clause.kind == K.LANDING_AWARD:
        figure = _base(data, Metric.PAID_IN_CAPITAL, missing, what)
        if figure is not None:
            line["base"] = _describe(figure, Metric.PAID_IN_CAPITAL, year)
            reached = [
                (Decimal(f), Decimal(a)) for f, a in p["tiers"] if figure.value >= Decimal(f)
            ]
            if reached:
                floor, award = max(reached)
                raw = award
                line["formula"] = f"实缴 {figure.value} 元 ≥ {floor} 元档，奖励 {award} 元"
            else:
                raw = Decimal(0)
                lowest = min(Decimal(f) for f, _ in p["tiers"])
                line["formula"] = f"实缴 {figure.value} 元未达最低档 {lowest} 元"
    elif clause.kind == K.RENT_SUBSIDY:
        start, end = dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])
        days = _days_in_year(start, end, year)
        area, per = Decimal(p["area"]), Decimal(p["per_m2_day"])
        raw = per * area * days
        line["base"] = {
            "label": f"补贴面积 × 本年度补贴天数（补贴期 {start}—{end}）",
            "value": f"{area} 平方米 × {days} 天",
            "sources": [],
        }
        line["rate"] = f"{per} 元/平方米·天"
        line["formula"] = f"{per} 元 × {area} 平方米 × {days} 天"
    elif clause.kind == K.TALENT_SUBSIDY:
        people, per = Decimal(p["people"]), Decimal(p["per_person"])
        raw = people * per
        line["base"] = {"label": "补贴人数", "value": f"{people} 人", "sources": []}
        line["rate"] = f"{per} 元/人·年"
        line["formula"] = f"{people} 人 × {per} 元"
    elif clause.kind == K.TAILORED:
        raw = Decimal(p["amount"])
        line["base"] = {"label": f"{p['meeting']}审定金额", "value": f"{raw} 元", "sources": []}
        line["formula"] = f"{raw} 元"
    met = _conditions(clause, year, commitments, data, missing, what, line)
    if raw is None or met is None:
        return line
    line["raw"] = str(raw)
    amount = raw
    if clause.cap is not None and amount > clause.cap:
        amount = clause.cap
        line["capped"] = True
    if not met:
        amount = Decimal(0)
    line["result"] = str(fen(amount))
    return line


def _conditions(clause, year, commitments, data, missing, what, line):
    """True when every condition holds, False when one fails, None when a figure is missing."""
    if not clause.condition_metric:
        return True
    metric = clause.condition_metric
    if clause.condition_min is not None:
        threshold, said = clause.condition_min, "不低于"
    else:
        threshold = commitments.get((metric, year))
        if threshold is None:
            missing.append(
                f"{what}：条件为不低于{year}年承诺的{METRIC_LABELS[metric]}，但协议未载明该年承诺"
            )
            return None
        said = f"不低于{year}年承诺值"
    figure = _base(data, metric, missing, f"{what}的兑现条件")
    if figure is None:
        return None
    ok = figure.value >= threshold
    line["conditions"].append(
        {
            # The figures are shown beside the words, formatted by the page.
            "text": f"当年{METRIC_LABELS[metric]}{said}",
            "value": str(figure.value),
            "threshold": str(threshold),
            "met": ok,
            "base": _describe(figure, metric, year),
        }
    )
    return ok

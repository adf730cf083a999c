"""Every figure of the monthly report against a plain computation over the raw rows,
on random datasets: signings near month edges in Beijing time, voided, dropped and
on-hold projects, reassignments (at UTC times either side of Beijing midnight), and
funds in CNY, USD and EUR (EUR rates missing in some months)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.assessment.models import INDICATORS
from zhaoshang.pipeline.models import FundsEntry, OwnerChange, Project, Stage
from zhaoshang.pipeline.tests.factories import (
    add_funds,
    drop,
    hold,
    make_project,
    reassign,
    void_agreement,
)
from zhaoshang.reports import rules
from zhaoshang.reports.models import ExchangeRate, FundsMonth
from zhaoshang.reports.monthly import figure, monthly_report
from zhaoshang.reports.services import funds_month_drift

SH = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
UNIT_NAMES = ["区科技局", "区金融局", "陈塘科技商务区"]
FATES = ["negotiating", "signed", "landed", "voided", "dropped", "on_hold"]


# A small pool of month-edge days, so that signings, funds and reassignments often fall
# on the same day (the day a Beijing/UTC mistake would move to the wrong unit or month).
EDGE_MONTHS = [(2025, 10), (2025, 12), (2026, 1), (2026, 5), (2026, 6), (2026, 12)]


def edge_dates():
    def day(ym, kind, offset):
        y, mo = ym
        first = dt.date(y, mo, 1)
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return first + dt.timedelta(days=offset) if kind else nxt - dt.timedelta(days=1 + offset)

    pool = st.builds(day, st.sampled_from(EDGE_MONTHS), st.booleans(), st.integers(0, 1))
    return pool | pool | st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))


def moments():
    """UTC timestamps, often in the hours when UTC and Beijing dates differ."""
    return st.builds(
        lambda d, h, m: dt.datetime(d.year, d.month, d.day, h, m, tzinfo=dt.UTC),
        edge_dates() | st.just(dt.date(2025, 1, 1)),
        st.sampled_from([0, 15, 16, 17, 23]),
        st.integers(0, 59),
    )


project_spec = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 2),
        "registered": moments(),
        "fate": st.sampled_from(FATES),
        "signed_on": edge_dates(),
        "amount": st.integers(1, 300_000),
        "emerging": st.booleans(),
        "method": st.sampled_from(["business", "event", "online"]),
        "moves": st.lists(st.tuples(st.integers(0, 2), moments()), max_size=2),
        # Funds received on the UTC date of each hand-over (the day a time-zone mistake
        # would give to the wrong unit).
        "funds_on_moves": st.booleans(),
        "funds": st.lists(
            st.tuples(
                edge_dates(),
                st.integers(1, 10_000_000),
                st.sampled_from(["CNY", "USD", "EUR"]),
                st.sampled_from(["domestic", "foreign"]),
            ),
            max_size=3,
        ),
    }
)


def build_dataset(specs, enterprise, units):
    for n, spec in enumerate(specs):
        unit = units[spec["unit"]]
        fate = spec["fate"]
        signed_on = spec["signed_on"] if fate != "negotiating" else None
        stage = {"landed": Stage.LANDED, "negotiating": Stage.NEGOTIATING}.get(fate, Stage.SIGNED)
        p = make_project(
            name=f"随机项目{n}",
            enterprise=enterprise,
            unit=unit,
            registered_at=spec["registered"],
            stage=stage,
            signed_on=signed_on,
            registered_on=signed_on + dt.timedelta(days=3) if fate == "landed" else None,
            amount=Decimal(spec["amount"]) * 10000,
            strategic_emerging=spec["emerging"],
            method=spec["method"],
        )
        for to, at in sorted(spec["moves"], key=lambda m: m[1]):
            if at > spec["registered"]:
                reassign(p, units[to], at)
                if spec["funds_on_moves"]:
                    add_funds(project=p, received_on=at.date(), amount=Decimal(1))
        if fate == "voided":
            void_agreement(p, signed_on + dt.timedelta(days=1))
        elif fate == "dropped":
            drop(p, signed_on + dt.timedelta(days=1))
        elif fate == "on_hold":
            hold(p, signed_on + dt.timedelta(days=1))
        for on, cents, currency, source in spec["funds"]:
            add_funds(
                project=p,
                received_on=on,
                amount=Decimal(cents) / 100,
                currency=currency,
                source=source,
            )


# --- The plain computation -------------------------------------------------------------
def plain(year, month):
    rates = {(r.year, r.month, r.currency): r.rate for r in ExchangeRate.objects.all()}
    history = defaultdict(list)
    for c in OwnerChange.objects.order_by("at", "id"):
        history[c.project_id].append(c)

    def owner_on(project, day):
        rows = history[project.pk]
        if not rows:
            return project.department_id
        unit = rows[0].to_department_id
        for c in rows:
            if c.at.astimezone(SH).date() <= day:
                unit = c.to_department_id
        return unit

    def stands(project, stages):
        return project.stage in stages or (
            project.stage == "on_hold" and project.stage_before_hold in stages
        )

    signed_stages = ["signed", "landed", "construction", "operating"]
    landed_stages = ["landed", "construction", "operating"]
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    spans = {
        "month": [(year, month)],
        "ytd": [(year, m) for m in range(1, month + 1)],
        "prev": [prev],
        "ly_month": [(year - 1, month)],
        "ly_ytd": [(year - 1, m) for m in range(1, month + 1)],
    }
    out = {}  # (code, period, unit or None) -> value
    missing = set()
    for period, months in spans.items():
        for unit in [
            None,
            *Project.objects.values_list("department_id", flat=True).distinct(),
            *UNIT_IDS,
        ]:
            counts = defaultdict(lambda: Decimal(0))
            for p in Project.objects.all():
                if (
                    p.signed_on
                    and stands(p, signed_stages)
                    and (p.signed_on.year, p.signed_on.month) in months
                    and (unit is None or owner_on(p, p.signed_on) == unit)
                ):
                    counts["signed_projects"] += 1
                    counts["agreed_investment"] += p.agreed_investment
                    counts["major_projects"] += 1 if p.major_level else 0
                    counts["emerging_projects"] += 1 if p.strategic_emerging else 0
                if (
                    p.registered_on
                    and stands(p, landed_stages)
                    and (p.registered_on.year, p.registered_on.month) in months
                    and (unit is None or owner_on(p, p.registered_on) == unit)
                ):
                    counts["landed_projects"] += 1
            for f in FundsEntry.objects.select_related("project"):
                ym = (f.received_on.year, f.received_on.month)
                if f.project.stage == "dropped" or ym not in months:
                    continue
                if unit is not None and owner_on(f.project, f.received_on) != unit:
                    continue
                rate = Decimal(1) if f.currency == "CNY" else rates.get((*ym, f.currency))
                if rate is None:
                    missing.add((*ym, f.currency))
                    continue
                cny = f.amount * rate
                if f.source == "domestic":
                    counts["funds_domestic"] += cny
                else:
                    counts["funds_foreign"] += cny
                    usd = f.amount if f.currency == "USD" else cny / rates[(*ym, "USD")]
                    counts["foreign_investment_usd"] += usd
            for code, value in counts.items():
                out[(code, period, unit)] = value
    return out, spans


UNIT_IDS = []


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(project_spec, max_size=8), month=st.sampled_from([1, 5, 6, 10, 12]))
def test_every_figure_matches_a_plain_computation(units, enterprise, specs, month):
    Project.objects.all().delete()
    FundsMonth.objects.all().delete()  # the sums of the entries just deleted
    ExchangeRate.objects.all().delete()
    for y in (2025, 2026):
        for m in range(1, 13):
            ExchangeRate.objects.create(year=y, month=m, currency="USD", rate=Decimal("7.1") + m)
            if m % 2:
                ExchangeRate.objects.create(year=y, month=m, currency="EUR", rate=Decimal("7.9"))
    chosen = [units[n] for n in ("科技局", "金融局", "陈塘科技商务区")]
    UNIT_IDS[:] = [u.pk for u in chosen]
    build_dataset(specs, enterprise, chosen)
    # The sums kept write by write (reassignments and drops after funds arrived) equal
    # the sums recomputed from the entries.
    assert funds_month_drift() == []

    report = monthly_report(2026, month, today=dt.date(2027, 1, 5))
    expected, spans = plain(2026, month)

    def want(code, period, unit=None):
        value = expected.get((code, period, unit), Decimal(0))
        if code in (
            "agreed_investment",
            "funds_domestic",
            "funds_foreign",
            "foreign_investment_usd",
        ):
            return Decimal(value).quantize(CENT)
        return int(value)

    for i in report["indicators"]:
        if i["code"] == "head_enterprise_projects":
            continue  # no rankings in this dataset; covered in test_rules
        for period in spans:
            assert i[period] == want(i["code"], period), (i["code"], period)
    for row in report["units"]:
        for code, cell in row["cells"].items():
            if code == "head_enterprise_projects":
                continue
            assert cell["done"] == want(code, "ytd", row["unit_id"]), (row["name"], code)
    # 6. Signed and landed this month: exactly the projects counted.
    assert len(report["signed_this_month"]) == want("signed_projects", "month")
    assert len(report["landed_this_month"]) == want("landed_projects", "month")
    # 7. Call-in: the chosen units with no signing this year.
    call_in = {c["unit_id"] for c in report["call_in"]}
    for u in chosen:
        assert (u.pk in call_in) == (want("signed_projects", "ytd", u.pk) == 0)
    # 4. By method: the rows add up to the year's signings.
    assert sum(r["ytd"] for r in report["breakdowns"]["method"]) == want("signed_projects", "ytd")
    # The dashboards' per-unit sums (UnitFacts) give the same figures as the report's.
    start, end = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
    full, per_unit = rules.Facts(start, end), rules.UnitFacts(start, end)
    months = {(y, m) for y in (2025, 2026) for m in range(1, 13)}
    # A unit's dashboard sums that unit alone (UnitFacts(unit=...)): the same figures.
    own = {u: rules.UnitFacts(start, end, unit=u) for u in UNIT_IDS}
    for code, _, _ in INDICATORS:
        for unit in [None, *UNIT_IDS]:
            for span in ({ym} for ym in sorted(months)):
                value = figure(full, code, span, unit)
                assert figure(per_unit, code, span, unit) == value, (code, unit, span)
                if unit is not None:
                    assert figure(own[unit], code, span, unit) == value, (code, unit, span)

"""Every score of a result against a plain computation over the raw rows, on random
signings (across the year's edges) and random schemes: each method, weights, caps,
steps, per-case points, target rules and groups, for a month, a quarter and the year.

The oracle below is written apart from ``engine``/``scoring``: exact fractions, its own
rounding, its own ranking and its own reading of the projects table."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from zhaoshang.assessment import engine
from zhaoshang.assessment.models import Scheme, Target
from zhaoshang.org.models import Department
from zhaoshang.pipeline.models import Project

pytestmark = pytest.mark.django_db

YEAR = 2026
UNIT_NAMES = ["区科技局", "区金融局", "友谊路街道", "越秀路街道", "陈塘科技商务区"]
CODES = ["signed_projects", "agreed_investment", "major_projects", "emerging_projects"]
KINDS = ["department", "street", "zone"]

signing = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNIT_NAMES),
        "on": st.sampled_from(
            [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 31)]
            + [dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 12, 31)]
            + [dt.date(2027, 1, 1)]
        )
        | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        "amount": st.sampled_from([1, 9999, 10000, 20000]) | st.integers(1, 50000),
        "emerging": st.booleans(),
    }
)
item = st.fixed_dictionaries(
    {
        "code": st.sampled_from(CODES),
        "weight": st.integers(0, 40).map(str),
        "method": st.sampled_from(["rate", "rank", "yesno", "deduct", "bonus"]),
        "target": st.sampled_from(["target", "fixed", "none"]),
        "target_value": st.integers(0, 5).map(str),
        "cap": st.sampled_from(["1", "1.2", "1.5"]),
        "step": st.sampled_from(["0", "0.5", "2"]),
        "per_case": st.sampled_from(["0", "0.25", "1"]),
        "groups": st.lists(st.sampled_from(KINDS), max_size=2, unique=True),
    }
)
targets = st.dictionaries(
    st.sampled_from(UNIT_NAMES),
    st.tuples(st.integers(0, 4), st.integers(0, 60000), st.integers(0, 2), st.integers(0, 2)),
)
period = st.sampled_from([("year", 0), ("quarter", 1), ("quarter", 3), ("month", 5)])


def q2(x):
    return Decimal(x.numerator) / Decimal(x.denominator)


def pts(x):
    """Round a Fraction to cents, half up."""
    return q2(Fraction(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def oracle(units, rows, target_rows, items, kind, period_no, major):
    months = {"year": 12, "quarter": 3 * period_no, "month": period_no}[kind]
    start = dt.date(YEAR, 1, 1)
    counted = [
        r for r in rows if start <= r["on"] and (r["on"].year, r["on"].month) <= (YEAR, months)
    ]

    def fig(code, unit):
        mine = [r for r in counted if r["unit"] == unit]
        if code == "signed_projects":
            return Fraction(len(mine))
        if code == "agreed_investment":
            return Fraction(sum(r["amount"] for r in mine) * 10000)
        if code == "major_projects":
            return Fraction(sum(1 for r in mine if r["amount"] * 10000 >= major))
        return Fraction(sum(1 for r in mine if r["emerging"]))

    field = {
        "signed_projects": 0,
        "agreed_investment": 1,
        "major_projects": 2,
        "emerging_projects": 3,
    }
    totals = {u: Fraction(0) for u in units}
    scores = {}
    for it in items:
        code, weight = it["code"], Fraction(it["weight"])
        applies = [u for u in units if not it["groups"] or units[u] in it["groups"]]
        for u in applies:
            f = fig(code, u)
            if it["target"] == "fixed":
                annual = Fraction(it["target_value"])
            elif it["target"] == "target":
                t = target_rows.get(u)
                annual = Fraction(0) if t is None else Fraction(t[field[code]])
                if code == "agreed_investment":
                    annual *= 10000
            else:
                annual = None
            target = None if annual is None else annual * months / 12
            m = it["method"]
            if m == "rate":
                s = (
                    Fraction(0)
                    if not target
                    else min(f / target, Fraction(Decimal(it["cap"]))) * weight
                )
            elif m == "rank":
                group = [v for v in applies if units[v] == units[u]]
                better = sum(1 for v in group if fig(code, v) > f)
                s = max(weight - better * Fraction(Decimal(it["step"])), Fraction(0))
            elif m == "yesno":
                s = weight if f >= (target or 0) else Fraction(0)
            elif m == "deduct":
                s = -min(f * Fraction(Decimal(it["per_case"])), weight)
            else:
                s = min(f * Fraction(Decimal(it["per_case"])), weight)
            scores[(u, code)] = pts(s)
            totals[u] += Fraction(pts(s))
    no_signing = {u for u in units if fig("signed_projects", u) == 0}
    return scores, {u: pts(t) for u, t in totals.items()}, no_signing


@settings(
    # Shrinking a failure of this database-backed test took minutes on the shared machine:
    # the failing example is reported as generated.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(signing, max_size=10),
    items=st.lists(item, min_size=1, max_size=4, unique_by=lambda i: i["code"]),
    target_rows=targets,
    when=period,
)
def test_every_score_matches_a_plain_computation(units, build, rows, items, target_rows, when):
    from zhaoshang.pipeline.models import PipelineConfig

    Project.objects.all().delete()
    Target.objects.all().delete()
    Scheme.objects.all().delete()
    # Major: the agreed investment reaches the configured threshold (重大项目标准).
    threshold = PipelineConfig.current().major_threshold
    for r in rows:
        build(
            units[r["unit"]],
            signed_on=r["on"],
            amount=r["amount"],
            strategic_emerging=r["emerging"],
        )
    for name, (n, amount, major, emerging) in target_rows.items():
        Target.objects.create(
            year=YEAR,
            department=units[name],
            signed_projects=n,
            agreed_investment=amount * 10000,
            major_projects=major,
            emerging_projects=emerging,
        )
    target_rows = {
        units[name].pk: (n, amount, major, emerging)
        for name, (n, amount, major, emerging) in target_rows.items()
    }
    for r in rows:
        r["unit"] = units[r["unit"]].pk
    scheme = Scheme.objects.create(year=YEAR, version=1, title="测试", items=items)
    kind, period_no = when
    data = engine.compute(scheme, kind, period_no)

    assessed = {d.pk: d.kind for d in Department.objects.filter(is_active=True, kind__in=KINDS)}
    scores, totals, no_signing = oracle(
        assessed, rows, target_rows, items, kind, period_no, threshold
    )
    assert set(data["units"]) == {str(pk) for pk in assessed}
    for (u, code), want in scores.items():
        cell = data["units"][str(u)]["cells"][code]
        assert Decimal(cell["score"]) == want, (u, code, cell, rows, items, target_rows, when)
    for u, want in totals.items():
        assert Decimal(data["units"][str(u)]["total"]) == want
    # Places: 1 + the number of the group's units with a higher total.
    for u, kind_of in assessed.items():
        better = sum(1 for v, k in assessed.items() if k == kind_of and totals[v] > totals[u])
        assert data["units"][str(u)]["place"] == better + 1
    assert {c["unit"] for c in data["call_in"]} == no_signing

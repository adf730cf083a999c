"""The calculation: each kind of clause, caps, conditions, missing data, and a
property-based check against an independent computation in whole fen (integers)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhaoshang.agreements.calculation import Data, MissingData, compute
from zhaoshang.agreements.models import IncentiveClause

K = IncentiveClause.Kind
YEAR = 2025


def clause(pk, kind, params, *, first=YEAR, last=YEAR, cap=None, metric="", minimum=None):
    return SimpleNamespace(
        pk=pk,
        kind=kind,
        title=f"第{pk}条",
        first_year=first,
        last_year=last,
        params=params,
        cap=cap,
        condition_metric=metric,
        condition_min=minimum,
        policy_article="《若干措施》第三条",
    )


def months(metric, values, source="tax", start_id=1):
    return [
        {"id": start_id + i, "year": YEAR, "month": i + 1, "source": source, metric: str(v)}
        for i, v in enumerate(values)
    ]


def test_tax_share_uses_the_rate_of_the_year_and_names_its_rows():
    c = clause(
        1, K.TAX_SHARE, {"rates": [[2023, 2024, "1"], [2025, 2027, "0.5"]]}, first=2023, last=2027
    )
    rows = months("tax_district", [Decimal("100000.01")] * 12)
    lines, total = compute(YEAR, [c], {}, Data(YEAR, rows))
    # 1,200,000.12 × 50% = 600,000.06
    assert total == Decimal("600000.06")
    line = lines[0]
    assert line["rate"] == "50%"
    assert line["base"]["value"] == "1200000.12"
    assert [s["id"] for s in line["base"]["sources"]] == list(range(1, 13))


def test_cap_then_rounding_half_up_to_the_fen():
    c = clause(1, K.TAX_SHARE, {"rates": [[YEAR, YEAR, "0.333"]]}, cap=Decimal("1000.00"))
    rows = [{"id": 1, "year": YEAR, "month": 0, "source": "tax", "tax_district": "1500.00"}]
    lines, total = compute(YEAR, [c], {}, Data(YEAR, rows))
    assert lines[0]["raw"] == "499.50000"
    assert total == Decimal("499.50")
    rows[0]["tax_district"] = "3003.01"  # 1000.00233 → capped at 1000.00
    lines, total = compute(YEAR, [c], {}, Data(YEAR, rows))
    assert lines[0]["capped"] is True and total == Decimal("1000.00")
    c.cap = None
    rows[0]["tax_district"] = "1.5"  # 0.4995 → 0.50 (half up)
    assert compute(YEAR, [c], {}, Data(YEAR, rows))[1] == Decimal("0.50")


def test_a_failed_condition_pays_nothing_and_says_which_figures():
    c = clause(1, K.TAX_SHARE, {"rates": [[YEAR, YEAR, "1"]]}, metric="tax_district")
    rows = [{"id": 9, "year": YEAR, "month": 0, "source": "tax", "tax_district": "4999999.99"}]
    lines, total = compute(
        YEAR, [c], {("tax_district", YEAR): Decimal("5000000")}, Data(YEAR, rows)
    )
    assert total == 0
    cond = lines[0]["conditions"][0]
    assert cond["met"] is False
    assert cond["value"] == "4999999.99" and cond["threshold"] == "5000000"
    assert "承诺值" in cond["text"]
    c.condition_min = Decimal("4000000")
    lines, total = compute(YEAR, [c], {}, Data(YEAR, rows))
    assert lines[0]["conditions"][0]["met"] is True and total == Decimal("4999999.99")


def test_missing_months_and_missing_figures_stop_the_calculation_naming_them():
    share = clause(1, K.TAX_SHARE, {"rates": [[YEAR, YEAR, "1"]]})
    equip = clause(2, K.EQUIPMENT_SUBSIDY, {"rate": "0.1"})
    rows = months("tax_district", [100] * 12)
    del rows[2], rows[6]  # March and August's rows missing
    with pytest.raises(MissingData) as info:
        compute(YEAR, [share, equip], {}, Data(YEAR, rows))
    text = "；".join(info.value.missing)
    assert "缺 3、8 月" in text
    assert "第2条" in text and "设备投资（发票金额）" in text


def test_rent_days_in_the_year_landing_award_tiers_talent_and_tailored():
    rent = clause(
        1,
        K.RENT_SUBSIDY,
        {"per_m2_day": "1.5", "area": "100", "start": "2024-07-01", "end": "2025-03-31"},
        first=2024,
    )
    award = clause(2, K.LANDING_AWARD, {"tiers": [["10000000", "500000"], ["50000000", "2000000"]]})
    talent = clause(3, K.TALENT_SUBSIDY, {"people": "3", "per_person": "20000"})
    tailored = clause(4, K.TAILORED, {"amount": "880000", "meeting": "第12次常务会议"})
    rows = [
        {"id": 1, "year": YEAR, "month": 6, "source": "enterprise", "paid_in_capital": "40000000"},
        {"id": 2, "year": YEAR, "month": 11, "source": "enterprise", "paid_in_capital": "60000000"},
    ]
    lines, total = compute(YEAR, [rent, award, talent, tailored], {}, Data(YEAR, rows))
    by = {line["clause_id"]: Decimal(line["result"]) for line in lines}
    assert by[1] == Decimal("1.5") * 100 * 90  # 1 January – 31 March 2025: 90 days
    assert by[2] == Decimal("2000000")  # the latest month's paid-in capital: 60 million
    assert by[3] == Decimal("60000")
    assert by[4] == Decimal("880000")
    assert total == sum(by.values())
    # A landing award is one-time: nothing in a later year of the clause.
    award.last_year = YEAR + 1
    assert all(
        line["clause_id"] != 2 for line in compute(YEAR + 1, [award], {}, Data(YEAR + 1, []))[0]
    )


def test_the_same_inputs_give_the_same_result():
    c = clause(1, K.TAX_SHARE, {"rates": [[YEAR, YEAR, "0.7"]]}, cap=Decimal("90000"))
    rows = months("tax_district", [Decimal("12345.67")] * 12)
    first = compute(YEAR, [c], {}, Data(YEAR, list(rows)))
    again = compute(YEAR, [c], {}, Data(YEAR, list(reversed(rows))))
    assert first == again


# --- Property: against an independent computation in whole fen --------------------------
fen = st.integers(min_value=0, max_value=10**11)  # up to a billion yuan a month
percent = st.integers(min_value=0, max_value=100)


@st.composite
def agreements(draw):
    tax = draw(st.lists(fen, min_size=12, max_size=12))
    equip = draw(st.lists(fen, min_size=12, max_size=12))
    annual_tax = draw(st.booleans())
    spec = []
    for pk, kind in enumerate(
        draw(
            st.lists(
                st.sampled_from(
                    [K.TAX_SHARE, K.EQUIPMENT_SUBSIDY, K.TALENT_SUBSIDY, K.RENT_SUBSIDY, K.TAILORED]
                ),
                min_size=1,
                max_size=6,
                unique=True,
            )
        ),
        start=1,
    ):
        item = {
            "pk": pk,
            "kind": kind,
            "pct": draw(percent),
            "cap": draw(st.none() | fen),
            "cond": draw(st.sampled_from(["none", "min", "commitment"])),
            "threshold": draw(fen.map(lambda x: x * 12)),
            "people": draw(st.integers(1, 200)),
            "per": draw(st.integers(0, 10**8)),
            "area": draw(st.integers(1, 20000)),
            "start": draw(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31))),
            "days": draw(st.integers(0, 800)),
        }
        spec.append(item)
    return tax, equip, annual_tax, spec


def _yuan(fen_amount):
    return Decimal(fen_amount) / 100


def _build(tax, equip, annual_tax, spec):
    rows = []
    if annual_tax:
        rows.append(
            {
                "id": 1,
                "year": YEAR,
                "month": 0,
                "source": "tax",
                "tax_district": str(_yuan(sum(tax))),
            }
        )
    else:
        rows += [
            {
                "id": 1 + m,
                "year": YEAR,
                "month": m + 1,
                "source": "tax",
                "tax_district": str(_yuan(v)),
            }
            for m, v in enumerate(tax)
        ]
    rows += [
        {
            "id": 100 + m,
            "year": YEAR,
            "month": m + 1,
            "source": "enterprise",
            "equipment_invoiced": str(_yuan(v)),
        }
        for m, v in enumerate(equip)
    ]
    clauses, commitments = [], {}
    for s in spec:
        params = {
            K.TAX_SHARE: {"rates": [[YEAR, YEAR, str(Decimal(s["pct"]) / 100)]]},
            K.EQUIPMENT_SUBSIDY: {"rate": str(Decimal(s["pct"]) / 100)},
            K.TALENT_SUBSIDY: {"people": str(s["people"]), "per_person": str(_yuan(s["per"]))},
            K.RENT_SUBSIDY: {
                "per_m2_day": str(_yuan(s["per"] % 10000)),
                "area": str(s["area"]),
                "start": s["start"].isoformat(),
                "end": (s["start"] + dt.timedelta(days=s["days"])).isoformat(),
            },
            K.TAILORED: {"amount": str(_yuan(s["per"])), "meeting": "第3次常务会议"},
        }[s["kind"]]
        c = clause(
            s["pk"],
            s["kind"],
            params,
            first=2024,
            last=2027,
            cap=_yuan(s["cap"]) if s["cap"] is not None else None,
        )
        if s["cond"] != "none":
            c.condition_metric = "tax_district"
            if s["cond"] == "min":
                c.condition_min = _yuan(s["threshold"])
            else:
                commitments[("tax_district", YEAR)] = _yuan(s["threshold"])
        clauses.append(c)
    return rows, clauses, commitments


def _independent(tax, equip, spec, commitments):
    """The same rules in integers: amounts in fen, rates in whole percent; a result in
    fen×100 is rounded half up by (x + 50) // 100."""
    tax_year, equip_year = sum(tax), sum(equip)
    total = 0
    for s in spec:
        if s["kind"] == K.TAX_SHARE:
            raw = tax_year * s["pct"]  # fen × 100
        elif s["kind"] == K.EQUIPMENT_SUBSIDY:
            raw = equip_year * s["pct"]
        elif s["kind"] == K.TALENT_SUBSIDY:
            raw = s["people"] * s["per"] * 100
        elif s["kind"] == K.TAILORED:
            raw = s["per"] * 100
        else:
            start, end = s["start"], s["start"] + dt.timedelta(days=s["days"])
            a, b = max(start, dt.date(YEAR, 1, 1)), min(end, dt.date(YEAR, 12, 31))
            days = max((b - a).days + 1, 0)
            raw = (s["per"] % 10000) * s["area"] * days * 100
        if s["cap"] is not None:
            raw = min(raw, s["cap"] * 100)
        if s["cond"] != "none":
            threshold = s["threshold"]
            if s["cond"] == "commitment":
                threshold = int(commitments[("tax_district", YEAR)] * 100)
            if tax_year < threshold:
                raw = 0
        total += (raw + 50) // 100
    return total


@settings(max_examples=300, deadline=None)
@given(agreements())
def test_calculation_agrees_with_an_independent_computation(case):
    tax, equip, annual_tax, spec = case
    rows, clauses, commitments = _build(tax, equip, annual_tax, spec)
    lines, total = compute(YEAR, clauses, commitments, Data(YEAR, rows))
    assert total * 100 == _independent(tax, equip, spec, commitments)
    assert len(lines) == len(spec)
    # Deterministic: the same inputs in another order give the same answer.
    again = compute(YEAR, list(reversed(clauses)), commitments, Data(YEAR, list(reversed(rows))))
    assert again == (lines, total)

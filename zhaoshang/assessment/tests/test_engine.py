"""The assessment as the office runs it: a scheme, a computation in the worker, each
unit's score sheet, rankings per group, and the call-in list with its reasons."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.assessment import services
from zhaoshang.assessment.models import Result
from zhaoshang.assessment.tests.factories import TargetFactory, wan

pytestmark = pytest.mark.django_db

D = dt.date


def item(code, weight, method="rate", target="target", **kw):
    return {"code": code, "weight": weight, "method": method, "target": target, **kw}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(office, kind=..., period=...) → the result as the worker left it."""

    def go(office, year=2026, kind="year", period=0, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.result_request(
                actor=office, year=year, kind=kind, period=period, reason=reason
            )
        result.refresh_from_db()
        return result

    return go


def test_a_year_result_scores_completion_ranks_groups_and_calls_in_units_without_signings(
    demo, units, build, run
):
    office = demo["office_staff"]
    kejiju, jinrong = units["区科技局"], units["区金融局"]
    TargetFactory(year=2026, department=kejiju, signed_projects=4, agreed_investment=wan(1000))
    TargetFactory(year=2026, department=jinrong, signed_projects=2)
    for day in (D(2026, 1, 1), D(2026, 6, 30), D(2026, 12, 31)):
        build(kejiju, signed_on=day, amount=500)
    build(jinrong, signed_on=D(2025, 12, 31))  # last year: not this year's signing
    services.scheme_save(
        actor=office,
        year=2026,
        items=[
            item("signed_projects", "60", cap="1.2"),
            item("agreed_investment", "40", cap="1.2"),
        ],
    )
    result = run(office)
    assert result.status == Result.Status.READY and result.progress == 100
    sheet = result.data["units"][str(kejiju.pk)]
    cells = sheet["cells"]
    # 3 of 4 signings → 0.75 × 60; 1500 of 1000 万元 capped at 1.2 × 40.
    assert cells["signed_projects"]["figure"] == "3"
    assert Decimal(cells["signed_projects"]["score"]) == Decimal("45.00")
    assert Decimal(cells["agreed_investment"]["score"]) == Decimal("48.00")
    assert Decimal(sheet["total"]) == Decimal("93.00")
    assert len(cells["signed_projects"]["ids"]) == 3
    departments = next(g for g in result.data["groups"] if g["kind"] == "department")
    assert departments["units"][0] == kejiju.pk and sheet["place"] == 1
    streets = next(g for g in result.data["groups"] if g["kind"] == "street")
    assert {units["友谊路街道"].pk, units["越秀路街道"].pk} == set(streets["units"])
    called = {c["unit"]: c["reasons"] for c in result.data["call_in"]}
    assert called[jinrong.pk] == ["2026年全年无签约项目"]
    assert kejiju.pk not in called

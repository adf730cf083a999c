"""A landed enterprise's expansion (增资扩产, recorded in aftercare) is counted by the
monthly report as such: marked with its kind in the month's signed and landed lists, the
page and the .xlsx, and summed in the summary paragraph. Fixed dates only."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.aftercare.models import Expansion
from zhaoshang.reports import exports
from zhaoshang.reports.monthly import monthly_report

pytestmark = pytest.mark.django_db


def _expansion(project, kind=Expansion.Kind.STRATEGIC):
    return Expansion.objects.create(
        enterprise_id=project.enterprise_id,
        kind=kind,
        estimated_investment=Decimal("50000000"),
        description="新建第二条生产线",
        department_id=project.department_id,
        project=project,
    )


def test_the_monthly_report_counts_an_expansion_as_such(units, build):
    new = build(units["科技局"], signed_on=dt.date(2026, 11, 3), amount=800)
    more = build(units["科技局"], signed_on=dt.date(2026, 11, 10), amount=5000)
    _expansion(more)
    report = monthly_report(2026, 11, today=dt.date(2026, 12, 7))
    kinds = {p["name"]: p["expansion"] for p in report["signed_this_month"]}
    assert kinds == {new.name: "", more.name: "战略性增资"}
    assert "11月当月新签约项目2个（其中本地企业增资扩产项目1个）" in report["summary"]

    sheets = {title: rows for title, headers, rows in exports.tables(report)}
    signed = next(rows for title, rows in sheets.items() if "签约项目" in title and "本月" in title)
    assert sorted(r[-1] for r in signed) == ["增资扩产（战略性增资）", "新引进项目"]


def test_a_month_without_expansions_says_nothing_of_them(units, build):
    build(units["科技局"], signed_on=dt.date(2026, 11, 3), amount=800)
    report = monthly_report(2026, 11, today=dt.date(2026, 12, 7))
    assert "增资扩产" not in report["summary"]

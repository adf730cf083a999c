"""The report and dashboards over JSON: the same figures as the pages, the same
permissions (a unit's clerk reads only their own unit's progress)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.org.models import Department
from zhaoshang.pipeline.tests.factories import past_project
from zhaoshang.reports import services
from zhaoshang.reports.monthly import monthly_report

pytestmark = pytest.mark.django_db


def last_month():
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def test_the_monthly_report_over_json_holds_the_pages_figures(demo, client_for):
    year, month = last_month()
    # Figures to compare: a signing of 区科技局 and one of 区金融局 in the month.
    for unit in ("区科技局", "区金融局"):
        past_project(
            Department.objects.get(name=unit), signed_on=dt.date(year, month, 3), amount=20000
        )
    body = client_for("leader").get(f"/api/reports/monthly?year={year}&month={month}").json()
    report = monthly_report(year, month)
    assert body["title"] == report["title"] and body["summary"] == report["summary"]
    for got, want in zip(body["indicators"], report["indicators"], strict=True):
        assert got["code"] == want["code"]
        assert Decimal(got["ytd"]) == want["ytd"] and Decimal(got["month"]) == want["month"]
    assert [u["unit_id"] for u in body["units"]] == [u["unit_id"] for u in report["units"]]
    assert len(body["signed_this_month"]) == len(report["signed_this_month"])
    assert set(body["breakdowns"]) == {"key_industry", "section", "area", "method"}


def test_a_month_not_yet_begun_is_refused_with_a_reason(client_for):
    today = timezone.localdate()
    nxt = today + dt.timedelta(days=40)
    r = client_for("leader").get(f"/api/reports/monthly?year={nxt.year}&month={nxt.month}")
    assert r.status_code == 400 and "不晚于本月" in r.json()["detail"]
    r = client_for("leader").get("/api/reports/monthly?year=2026&month=13")
    assert r.status_code == 400


def test_a_department_clerk_reads_their_own_unit_only(client_for, demo):
    clerk = client_for("department_staff")
    assert clerk.get("/api/reports/monthly?year=2026&month=1").status_code == 403
    assert clerk.get("/api/reports/dashboard").status_code == 403
    body = clerk.get("/api/reports/dashboard/unit").json()
    assert body["unit_id"] == demo["department_staff"].department_id
    assert "ranking" not in body


def test_issued_versions_over_json_keep_their_frozen_figures(client_for, demo):
    year, month = last_month()
    first = services.report_issue(actor=demo["office_staff"], year=year, month=month)
    c = client_for("leader")
    rows = c.get(f"/api/reports/issued?year={year}").json()
    assert [r["version"] for r in rows] == [1]
    body = c.get(f"/api/reports/issued/{first.pk}").json()
    assert body["version"] == 1 and body["changes"] == []
    assert body["report"]["summary"] == first.data["summary"]


def test_the_leaders_dashboard_over_json(client_for):
    body = client_for("leader").get("/api/reports/dashboard").json()
    today = timezone.localdate()
    assert body["year"] == today.year and len(body["trend"]) == today.month
    assert [r["rank"] for r in body["ranking"]] == list(range(1, len(body["ranking"]) + 1))


def test_the_endpoints_are_documented(client_for):
    paths = client_for("leader").get("/api/openapi.json").json()["paths"]
    for path in ("monthly", "issued", "issued/{issued_id}", "dashboard", "dashboard/unit"):
        assert f"/api/reports/{path}" in paths

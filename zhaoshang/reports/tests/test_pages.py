"""Pages: scope of dashboards and drill-down lists, pinned query counts, targets import,
exchange rates."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from zhaoshang.assessment.models import Target
from zhaoshang.pipeline.tests.factories import add_funds
from zhaoshang.reports.models import ExchangeRate

pytestmark = pytest.mark.django_db


def this_year(month=1, day=15):
    return dt.date(timezone.localdate().year, month, day)


def test_a_units_dashboard_shows_its_own_progress_only(units, build, client_for):
    keji, finance = units["科技局"], units["金融局"]
    build(keji, signed_on=this_year(), amount=100)
    build(finance, signed_on=this_year(), amount=900)
    build(finance, signed_on=this_year(), amount=900)
    Target.objects.create(year=this_year().year, department=keji, signed_projects=4)
    Target.objects.create(year=this_year().year, department=finance, signed_projects=9)
    html = client_for("department_staff").get("/reports/dashboard/unit/").content.decode()
    assert "区科技局" in html and "区金融局" not in html
    row = html.split('data-code="signed_projects"')[1].split("</tr>")[0]
    assert ">4<" in row and ">1<" in row and "25.0%" in row
    agreed = html.split('data-code="agreed_investment"')[1].split("</tr>")[0]
    assert "100.00" in agreed and "1800.00" not in agreed


def test_the_records_behind_a_figure_are_exactly_the_counted_rows_and_scoped(
    units, build, client_for
):
    keji, finance = units["科技局"], units["金融局"]
    a = build(keji, signed_on=this_year(3, 1), amount=100)
    b = build(finance, signed_on=this_year(3, 2), amount=200)
    build(finance, signed_on=None)  # not signed: not behind the figure
    url = f"/reports/records/?year={this_year().year}&month=3&ind=signed_projects&period=month"
    office = client_for("office_staff").get(url).content.decode()
    assert a.name in office and b.name in office
    assert 'id="figure-value">2<' in office
    clerk = client_for("department_staff").get(url).content.decode()
    assert a.name in clerk and b.name not in clerk
    unit_url = url + f"&unit={finance.pk}"
    assert a.name not in client_for("office_staff").get(unit_url).content.decode()


def test_funds_records_follow_the_unit_on_the_day_of_receipt(units, build, client_for):
    from zhaoshang.pipeline.tests.factories import at_local, reassign

    keji, chentang = units["科技局"], units["陈塘科技商务区"]
    p = build(keji, signed_on=this_year(1, 5))
    reassign(p, chentang, at_local(this_year(2, 1)))
    add_funds(project=p, received_on=this_year(1, 20), amount=Decimal("11"), note="交接前")
    add_funds(project=p, received_on=this_year(2, 20), amount=Decimal("22"), note="交接后")
    url = f"/reports/records/?year={this_year().year}&month=2&ind=funds_domestic&period=ytd&unit={keji.pk}"
    html = client_for("office_staff").get(url).content.decode()
    assert "交接前" in html and "交接后" not in html


def test_the_records_page_costs_the_same_queries_for_more_rows(units, build, client_for):
    c = client_for("office_staff")
    url = f"/reports/records/?year={this_year().year}&month=3&ind=signed_projects&period=ytd"
    build(units["科技局"], signed_on=this_year(2, 1))
    c.get(url)  # warm the per-process caches (session, roles)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for n in range(12):
        build(units["金融局"], signed_on=this_year(2, 1 + n))
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:300] for q in many.captured_queries)


def test_the_monthly_report_costs_the_same_queries_for_more_rows(units, build, client_for):
    c = client_for("office_staff")
    url = f"/reports/monthly/?year={this_year().year}&month=3"
    # One row of each list to begin with (an empty list costs no query at all).
    build(units["科技局"], signed_on=this_year(3, 1), amount=20000)
    c.get(url)  # warm the per-process caches (session, roles)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for n in range(10):
        p = build(units["金融局"], signed_on=this_year(3, 1 + n), amount=20000)
        add_funds(project=p, received_on=this_year(3, 2), amount=Decimal(5))
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:300] for q in many.captured_queries)


def test_a_bad_drill_down_says_what_is_wrong(client_for):
    r = client_for("office_staff").get("/reports/records/?ind=nonsense")
    assert r.status_code == 400
    assert "没有名为“nonsense”的指标" in r.content.decode()


def _sheet(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "目标.xlsx"
    return buffer


def test_targets_import_dry_run_then_commit_and_rerun_changes_nothing(
    units, client_for, job_imports
):
    c = client_for("office_staff")
    url = "/assessment/targets/import/"
    header = ["年度", "单位", "签约项目（个）", "协议投资额（万元）", "实际利用外资（万美元）"]
    bad = _sheet(
        [
            header,
            [2026, "区科技局", 3, 5000, 100],
            [2026, "不存在的局", 2, 1, 1],
            [2026, "金融局", -1, "abc", 0],
        ]
    )
    job = job_imports.run(c, url, bad)
    html = c.get(f"{url}{job.pk}/").content.decode()
    assert "第 3 行" in html and "找不到单位“不存在的局”" in html
    assert "第 4 行" in html and "“abc”不是数字" in html
    assert not Target.objects.exists()
    good = _sheet([header, [2026, "区科技局", 3, 5000, 100], [2026, "金融局", 2, 1.5, 0]])
    job = job_imports.run(c, url, good)
    assert not Target.objects.exists()  # the dry run writes nothing
    job_imports.commit(c, url, job)
    keji = Target.objects.get(year=2026, department=units["科技局"])
    assert (keji.signed_projects, keji.agreed_investment, keji.foreign_investment_usd) == (
        3,
        Decimal("50000000.00"),
        Decimal("1000000.00"),
    )
    again = job_imports.run(c, url, _sheet([header, [2026, "区科技局", 3, 5000, 100]]))
    assert again.summary == {"create": 0, "update": 0, "unchanged": 1}


def test_a_department_cannot_see_other_units_targets(units, client_for):
    Target.objects.create(year=2026, department=units["科技局"], signed_projects=5)
    Target.objects.create(year=2026, department=units["金融局"], signed_projects=7)
    html = client_for("department_staff").get("/assessment/targets/?year=2026").content.decode()
    assert "区科技局" in html and "区金融局" not in html


def test_the_office_sets_a_rate_and_bad_input_is_refused(units, client_for):
    c = client_for("office_staff")
    r = c.post("/reports/rates/", {"year": 2026, "month": 10, "currency": "usd", "rate": "-7"})
    assert "汇率应大于 0" in r.content.decode()
    assert not ExchangeRate.objects.exists()
    c.post("/reports/rates/", {"year": 2026, "month": 10, "currency": "usd", "rate": "7.12"})
    assert ExchangeRate.objects.get().rate == Decimal("7.12")
    r = client_for("leader").post(
        "/reports/rates/", {"year": 2026, "month": 11, "currency": "USD", "rate": "7"}
    )
    assert r.status_code == 403


def test_the_office_dashboard_lists_overdue_ledgers_and_problems(units, build, client_for):
    from zhaoshang.pipeline.models import Problem, Project

    p = build(units["科技局"], signed_on=this_year())
    Project.objects.filter(pk=p.pk).update(
        last_ledger_on=timezone.localdate() - dt.timedelta(days=45)
    )
    fresh = build(units["科技局"], signed_on=this_year())
    Project.objects.filter(pk=fresh.pk).update(last_ledger_on=timezone.localdate())
    Problem.objects.create(
        project=p,
        category="land",
        title="用地指标未落实",
        owner_department=units["科技局"],
        deadline_days=10,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    html = client_for("office_staff").get("/reports/dashboard/office/").content.decode()
    assert 'id="overdue-ledgers">1<' in html and p.name in html and fresh.name not in html
    assert 'id="overdue-problems">1<' in html and "用地指标未落实" in html

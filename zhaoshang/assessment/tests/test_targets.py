"""目标任务 (M17) as the office sets them and the units read them, and what the
assessment counts against them today: each unit's completion rate and rank in the
monthly report."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.assessment.models import INDICATORS, Target
from zhaoshang.assessment.services import target_save
from zhaoshang.assessment.tests.factories import TargetFactory, wan
from zhaoshang.audit.models import AuditEvent
from zhaoshang.org.models import Department

pytestmark = pytest.mark.django_db


def unit(name):
    return Department.objects.get(name=name)


def form(**values):
    """The edit form as a clerk fills it: counts, amounts in 万元 (foreign in 万美元)."""
    data = {code: 0 for code, _, _ in INDICATORS}
    data.update(values)
    return data


# --- Setting targets ------------------------------------------------------------------------
def test_the_office_sets_a_units_targets_in_wan_and_they_are_kept_in_yuan(demo, client_for):
    office = client_for("office_staff")
    kejiju = unit("区科技局")
    response = office.post(
        f"/assessment/targets/2026/{kejiju.pk}/",
        form(signed_projects=6, agreed_investment="50000.50", foreign_investment_usd="120"),
    )
    assert response.status_code == 302
    target = Target.objects.get(year=2026, department=kejiju)
    assert target.signed_projects == 6
    assert target.agreed_investment == Decimal("500005000.00")
    assert target.foreign_investment_usd == Decimal("1200000.00")
    event = AuditEvent.objects.get(action="create", object_type="assessment.target")
    assert event.username == demo["office_staff"].username
    # The list shows it back in 万元 as the form took it.
    page = office.get("/assessment/targets/", {"year": 2026}).content.decode()
    assert "区科技局" in page and "50000.50" in page


def test_a_negative_target_is_refused_on_the_form_and_nothing_is_saved(demo, client_for):
    office = client_for("office_staff")
    kejiju = unit("区科技局")
    response = office.post(f"/assessment/targets/2026/{kejiju.pk}/", form(signed_projects=-1))
    assert response.status_code == 200
    assert "0" in response.content.decode()  # the field's own message: 不小于 0
    assert not Target.objects.exists()


def test_the_service_refuses_a_bad_year_and_a_negative_amount(demo):
    kejiju = unit("区科技局")
    with pytest.raises(ValidationError) as year:
        target_save(actor=None, year=1999, department=kejiju, data={"signed_projects": 1})
    assert "年度" in str(year.value)
    with pytest.raises(ValidationError) as negative:
        target_save(actor=None, year=2026, department=kejiju, data={"agreed_investment": -1})
    assert "目标不能为负数" in str(negative.value)
    assert not Target.objects.exists()


def test_saving_the_same_values_again_changes_nothing_and_leaves_no_audit_line(demo):
    kejiju = unit("区科技局")
    TargetFactory(department=kejiju, signed_projects=6, agreed_investment=wan(50000))
    events = AuditEvent.objects.count()
    target, action = target_save(
        actor=demo["office_staff"],
        year=2026,
        department=kejiju,
        data={"signed_projects": 6, "agreed_investment": wan(50000)},
    )
    assert action == "unchanged" and AuditEvent.objects.count() == events
    _, action = target_save(
        actor=demo["office_staff"], year=2026, department=kejiju, data={"signed_projects": 7}
    )
    assert action == "update"
    assert AuditEvent.objects.filter(action="update", object_type="assessment.target").count() == 1


# --- Who reads them -------------------------------------------------------------------------
def test_a_unit_reads_its_own_targets_only_and_cannot_set_them(demo, client_for):
    TargetFactory(department=unit("区科技局"), signed_projects=6)
    TargetFactory(department=unit("区金融局"), signed_projects=9)
    clerk = client_for("department_staff")
    page = clerk.get("/assessment/targets/", {"year": 2026}).content.decode()
    assert "区科技局" in page and "区金融局" not in page
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(clerk.get("/assessment/targets/", {"year": 2026, "export": "xlsx"}).content)
        ).active.iter_rows(values_only=True)
    )
    assert [r[1] for r in rows[1:]] == ["区科技局"]
    response = clerk.get(f"/assessment/targets/2026/{unit('区科技局').pk}/")
    assert response.status_code == 403
    assert clerk.post("/assessment/targets/import/").status_code == 403


def test_the_office_lists_every_assessed_unit_with_or_without_a_target(demo, client_for):
    TargetFactory(department=unit("区科技局"), signed_projects=6)
    page = client_for("office_staff").get("/assessment/targets/", {"year": 2026}).content
    page = page.decode()
    # Departments, streets and zones are assessed; the office and finance are not.
    for name in ("区科技局", "区金融局", "友谊路街道", "陈塘科技商务区"):
        assert name in page
    assert "区财政局" not in page


# --- Import ---------------------------------------------------------------------------------
def xlsx(rows, header=("年度", "单位", "签约项目（个）", "协议投资额（万元）")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("目标任务.xlsx", out.getvalue())


def test_an_import_with_bad_rows_names_row_and_column_and_saves_nothing(
    demo, client_for, job_imports
):
    office = client_for("office_staff")
    url = "/assessment/targets/import/"
    rows = [
        [2026, "区科技局", 6, 50000],
        [2026, "区不存在局", 3, 100],
        [2026, "金融局", -2, 100],
        [2026, "科技局", 1, 1],
    ]
    job = job_imports.run(office, url, xlsx(rows))
    errors = [(row, column) for row, column, _ in job.errors]
    assert (3, "单位") in errors  # no such unit
    assert (4, "签约项目（个）") in errors  # negative count
    assert (5, "单位") in errors  # 科技局 again (by its short name)
    page = office.get(f"{url}{job.pk}/").content.decode()
    assert "找不到单位“区不存在局”" in page and "与第 2 行重复" in page
    assert 'value="commit"' not in page  # no 确认导入 button
    assert not Target.objects.exists()


def test_an_import_commits_once_and_a_rerun_changes_nothing(demo, client_for, job_imports):
    office = client_for("office_staff")
    url = "/assessment/targets/import/"
    rows = [[2026, "区科技局", 6, 50000], [2026, "友谊路街", 2, 8000]]
    job_imports.commit(office, url, job_imports.run(office, url, xlsx(rows)))
    assert Target.objects.get(department=unit("友谊路街道")).agreed_investment == wan(8000)
    events = AuditEvent.objects.count()
    again = job_imports.run(office, url, xlsx(rows))
    assert again.summary == {"create": 0, "update": 0, "unchanged": 2}
    job_imports.commit(office, url, again)
    assert Target.objects.count() == 2
    # Only the import's own summary line is added; no target changed.
    assert AuditEvent.objects.count() == events + 1


# --- What is counted against them -----------------------------------------------------------
def test_completion_rates_and_ranks_in_the_monthly_report_follow_the_targets(demo):
    from zhaoshang.pipeline.tests.factories import past_project
    from zhaoshang.reports.monthly import monthly_report

    kejiju, jinrong = unit("区科技局"), unit("区金融局")
    TargetFactory(department=kejiju, signed_projects=4, agreed_investment=wan(60000))
    TargetFactory(department=jinrong, signed_projects=1, agreed_investment=wan(10000))
    past_project(kejiju, signed_on=dt.date(2026, 2, 10), amount=30000)
    past_project(jinrong, signed_on=dt.date(2026, 3, 5), amount=10000)

    report = monthly_report(2026, 3, today=dt.date(2026, 4, 10))
    rows = {r["name"]: r for r in report["units"]}
    assert rows["区科技局"]["cells"]["agreed_investment"]["rate"] == Decimal("50.0")
    assert rows["区科技局"]["cells"]["signed_projects"]["rate"] == Decimal("25.0")
    assert rows["区金融局"]["cells"]["agreed_investment"]["rate"] == Decimal("100.0")
    # Ranked by completion of the agreed-investment target, not by the amount.
    assert rows["区金融局"]["rank"] == 1 and rows["区科技局"]["rank"] == 2
    # A unit without a target has no rate, and ranks after those with one.
    street = rows["友谊路街道"]["cells"]["agreed_investment"]
    assert street["rate"] is None and rows["友谊路街道"]["rank"] > 2
    district = {i["code"]: i for i in report["indicators"]}["agreed_investment"]
    assert district["target"] == wan(70000) and district["rate"] == Decimal("57.1")

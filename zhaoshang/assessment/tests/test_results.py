"""Results as the office and the units use them: the call-in rule at the year's edges,
provisional results against prorated targets, issued results that never drift, versions
with reasons, objections in their window, the pages and their documents."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from zhaoshang.assessment import documents, services
from zhaoshang.assessment.models import Objection, Result
from zhaoshang.assessment.tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

D = dt.date


def scheme(office, year=2026, items=None, **kw):
    return services.scheme_save(
        actor=office,
        year=year,
        items=items
        or [
            {
                "code": "signed_projects",
                "weight": "60",
                "method": "rate",
                "target": "target",
                "cap": "1.2",
            },
            {
                "code": "industry_fit",
                "weight": "40",
                "method": "rank",
                "target": "none",
                "step": "5",
            },
        ],
        **kw,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(office, year=2026, kind="year", period=0, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.result_request(
                actor=office, year=year, kind=kind, period=period, reason=reason
            )
        result.refresh_from_db()
        return result

    return go


# --- The call-in rule at the year's edges -----------------------------------------------------
def test_a_signing_on_31_december_counts_for_its_year_and_not_the_next(demo, units, build, run):
    office = demo["office_staff"]
    kejiju, jinrong = units["区科技局"], units["区金融局"]
    build(kejiju, signed_on=D(2026, 12, 31))
    build(jinrong, signed_on=D(2027, 1, 1))
    scheme(office, 2026)
    scheme(office, 2027)
    y2026 = {c["unit"]: c["reasons"] for c in run(office, 2026).data["call_in"]}
    y2027 = {c["unit"]: c["reasons"] for c in run(office, 2027).data["call_in"]}
    assert kejiju.pk not in y2026 and y2026[jinrong.pk] == ["2026年全年无签约项目"]
    assert jinrong.pk not in y2027 and y2027[kejiju.pk] == ["2027年全年无签约项目"]


def test_a_provisional_result_warns_instead_of_calling_in_and_prorates_the_target(
    demo, units, build, run
):
    office = demo["office_staff"]
    kejiju = units["区科技局"]
    TargetFactory(year=2026, department=kejiju, signed_projects=12)
    build(kejiju, signed_on=D(2026, 2, 10))
    build(kejiju, signed_on=D(2026, 4, 1))  # after the first quarter
    scheme(office)
    result = run(office, kind="quarter", period=1)
    cell = result.data["units"][str(kejiju.pk)]["cells"]["signed_projects"]
    # 1 of 12 × 3/12 = 3 → 1/3 of 60 points.
    assert cell["figure"] == "1" and cell["target"] == "3.00"
    assert Decimal(cell["score"]) == Decimal("20.00")
    warned = {c["unit"]: c["reasons"] for c in result.data["call_in"]}
    assert warned[units["区金融局"].pk] == ["截至3月底本年尚无签约项目（预警）"]


def test_a_scheme_rule_adds_a_reason_to_the_call_in_list(demo, units, build, run):
    office = demo["office_staff"]
    kejiju = units["区科技局"]
    build(kejiju, signed_on=D(2026, 5, 5), amount=100)
    scheme(office, call_in=[{"code": "agreed_investment", "below": "5000000"}])
    called = {c["unit"]: c["reasons"] for c in run(office).data["call_in"]}
    assert called[kejiju.pk] == ["协议投资额为100.00万元，低于500.00万元"]


# --- Issued results never drift; changes are versions with reasons ---------------------------
def test_an_issued_result_never_changes_and_a_new_version_lists_what_changed(
    demo, units, build, run
):
    office = demo["office_staff"]
    kejiju = units["区科技局"]
    TargetFactory(year=2026, department=kejiju, signed_projects=2)
    build(kejiju, signed_on=D(2026, 3, 1))
    scheme(office)
    first = run(office)
    services.result_issue(actor=office, result=first, lead="导语", today=D(2027, 1, 5))
    frozen = first.data
    build(kejiju, signed_on=D(2026, 9, 1))  # entered late
    first.refresh_from_db()
    assert first.data == frozen and first.status == Result.Status.ISSUED
    with pytest.raises(ValidationError, match="尚未发布的考核结果可以发布"):
        services.result_issue(actor=office, result=first)
    with pytest.raises(ValidationError, match="修订原因"):
        run(office)
    second = run(office, reason="科技局补录9月签约项目")
    assert second.version == 2 and second.previous_id == first.pk
    assert {"unit": "区科技局", "what": "签约项目完成数", "before": "1", "after": "2"} in (
        second.changes
    )
    # The Word of the issued first version still says what went out.
    body = "\n".join(
        c.text
        for t in Document(io.BytesIO(documents.result_docx(first))).tables
        for row in t.rows
        for c in row.cells
    )
    assert "30.00" in body  # 1 of 2 × 60


def test_objections_are_filed_in_the_window_and_answered_by_the_office(demo, units, build, run):
    office, clerk = demo["office_staff"], demo["department_staff"]
    kejiju = units["区科技局"]
    scheme(office)
    result = run(office)
    services.result_issue(actor=office, result=result, today=D(2027, 1, 4))
    assert result.objection_until == D(2027, 1, 11)  # 5 working days
    objection = services.objection_file(
        actor=clerk, result=result, unit=kejiju, text="漏计一个签约项目", today=D(2027, 1, 11)
    )
    with pytest.raises(ValidationError, match="异议期已于2027年1月11日截止"):
        services.objection_file(
            actor=clerk, result=result, unit=kejiju, text="再次提出", today=D(2027, 1, 12)
        )
    services.objection_answer(
        actor=office, objection=objection, answer="经核实予以采纳", accepted=True
    )
    objection.refresh_from_db()
    assert objection.accepted and objection.answered_by == office
    assert Objection.objects.count() == 1


# --- Pages ------------------------------------------------------------------------------------
def test_the_office_edits_the_scheme_on_its_page_and_each_save_is_a_version(demo, client_for):
    office = client_for("office_staff")
    page = office.get("/assessment/scheme/", {"year": 2026}).content.decode()
    assert "尚未制定" in page and "产业契合度" in page and "新动能项目" in page
    form = {
        "title": "2026年度考核办法",
        "signed_projects-on": "1",
        "signed_projects-weight": "70",
        "signed_projects-method": "rate",
        "signed_projects-target": "target",
        "signed_projects-cap": "1.2",
        "new_drivers-on": "1",
        "new_drivers-weight": "30",
        "new_drivers-method": "rank",
        "new_drivers-target": "none",
        "new_drivers-step": "2",
        "note": "首版",
    }
    assert office.post("/assessment/scheme/?year=2026", form).status_code == 302
    form["new_drivers-weight"] = "abc"
    bad = office.post("/assessment/scheme/?year=2026", form)
    assert bad.status_code == 400 and "新动能项目”的权重“abc”不是数字" in bad.content.decode()
    form["new_drivers-weight"] = "25"
    office.post("/assessment/scheme/?year=2026", form)
    from zhaoshang.assessment.models import Scheme

    assert [s.version for s in Scheme.objects.filter(year=2026)] == [2, 1]
    assert Scheme.objects.get(version=2).items[1]["weight"] == "25"
    # A unit reads the scheme but cannot change it.
    assert (
        client_for("department_staff").post("/assessment/scheme/?year=2026", form).status_code
        == 403
    )


def test_a_unit_reads_its_own_sheet_and_records_not_anothers(
    demo, units, build, run, client_for, django_assert_max_num_queries
):
    office = demo["office_staff"]
    kejiju, jinrong = units["区科技局"], units["区金融局"]
    p = build(kejiju, signed_on=D(2026, 5, 5), name="科技局签约项目")
    scheme(office)
    result = run(office)
    services.result_issue(actor=office, result=result, today=D(2027, 1, 4))
    clerk = client_for("department_staff")
    with django_assert_max_num_queries(12):
        page = clerk.get(f"/assessment/results/{result.pk}/units/{kejiju.pk}/")
    assert page.status_code == 200 and "查看记录" in page.content.decode()
    records = clerk.get(f"/assessment/results/{result.pk}/units/{kejiju.pk}/signed_projects/")
    assert p.name in records.content.decode()
    assert clerk.get(f"/assessment/results/{result.pk}/units/{jinrong.pk}/").status_code == 403
    ranking = clerk.get(f"/assessment/results/{result.pk}/").content.decode()
    assert "区金融局" in ranking and "约谈" in ranking
    office = client_for("office_staff")
    with django_assert_max_num_queries(14):
        office_page = office.get(f"/assessment/results/{result.pk}/")
    assert office_page.status_code == 200
    docx = office.get(f"/assessment/results/{result.pk}/download/docx/")
    xlsx = office.get(f"/assessment/results/{result.pk}/download/xlsx/")
    assert docx.status_code == 200 and xlsx.status_code == 200


def test_a_unit_cannot_read_an_unissued_result(demo, build, run, client_for):
    scheme(demo["office_staff"])
    result = run(demo["office_staff"])
    assert (
        client_for("department_staff").get(f"/assessment/results/{result.pk}/").status_code == 404
    )


def test_the_dispatch_pack_lists_each_units_progress_stuck_projects_and_overdue_problems(
    demo, units, build, client_for
):
    kejiju = units["区科技局"]
    TargetFactory(year=2026, department=kejiju, signed_projects=4)
    build(kejiju, signed_on=D(2026, 2, 1))
    stuck = build(kejiju, signed_on=None, name="长期在谈项目")
    from zhaoshang.pipeline.models import Project

    Project.objects.filter(pk=stuck.pk).update(created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    office = client_for("office_staff")
    page = office.get("/assessment/dispatch/", {"year": 2026, "month": 6}).content.decode()
    assert "区科技局" in page and "长期在谈项目" in page and "25.0%" in page
    word = office.get("/assessment/dispatch/", {"year": 2026, "month": 6, "format": "docx"})
    text = "\n".join(
        c.text for t in Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells
    )
    assert "长期在谈项目" in text

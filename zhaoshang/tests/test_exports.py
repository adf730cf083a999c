"""Exports: every one leaves an audit line (who, what, how many rows, which filters);
none stops short (a sheet that fills continues on the next); a large one is written by
the worker from the asking user's own scoped reads, followed by a progress bar, and
offered to that user alone."""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common import excel, exports

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# export name → (list page, who exports it, filters given)
LIST_EXPORTS = {
    "org.departments": ("org:department_list", "system_admin", {"kind": "department"}),
    "org.users": ("org:user_list", "system_admin", {"q": "区"}),
    "org.roles": ("org:role_list", "security_admin", {}),
    "org.grants": ("org:grant_list", "security_admin", {}),
    "audit.events": ("audit:event_list", "audit_admin", {"action": "login"}),
    "audit.logins": ("audit:login_list", "audit_admin", {}),
    "reference.industries": ("reference:industry_list", "office_staff", {"q": "制造"}),
    "reference.key_industries": ("reference:key_industry_list", "office_staff", {}),
    "reference.zones": ("reference:zone_list", "office_staff", {}),
    "reference.regions": ("reference:region_list", "office_staff", {"kind": "province"}),
    "reference.carriers": ("reference:carrier_list", "office_staff", {}),
    "enterprises.library": ("enterprises:enterprise_list", "office_staff", {"status": "target"}),
    "pipeline.projects": ("pipeline:project_list", "office_staff", {"stage": "signed"}),
    "pipeline.leads": ("pipeline:lead_list", "department_staff", {}),
    "pipeline.evaluations": ("pipeline:evaluation_list", "office_staff", {}),
    "pipeline.terms": ("pipeline:terms_list", "office_staff", {}),
    "assessment.targets": ("assessment:target_list", "office_staff", {"year": "2026"}),
    # Aftercare (issue 13) and complaints.
    "aftercare.tickets": ("aftercare:ticket_list", "department_staff", {"status": "open"}),
    "aftercare.dashboard": ("aftercare:dashboard", "office_staff", {"year": "2026"}),
    "aftercare.coverage": ("aftercare:coverage", "office_staff", {}),
    "aftercare.visits": ("aftercare:visit_list", "office_staff", {"status": "done"}),
    "complaints.complaints": ("complaints:complaint_list", "discipline", {}),
    "complaints.tasks": ("complaints:task_list", "department_staff", {}),
    "opportunities.library": (
        "opportunities:opportunity_list",
        "office_staff",
        {"status": "published"},
    ),
    "policies.library": ("policies:policy_list", "department_staff", {"status": "current"}),
    "agreements.agreements": ("agreements:agreement_list", "office_staff", {"kind": "investment"}),
    "agreements.fulfilment": ("agreements:fulfilment", "office_staff", {"year": "2025"}),
    "agreements.report": ("agreements:report", "office_staff", {"by": "department"}),
    # Chains (issue 15); the promotion budget and events (issue 16).
    "chains.report": ("chains:report", "office_staff", {}),
    "budget.report": ("budget:report", "finance", {"year": "2026"}),
    "budget.spendings": ("budget:spending_list", "finance", {"year": "2026"}),
    "events.events": ("events:event_list", "department_staff", {}),
    "events.quota": ("events:quota_list", "office_staff", {"year": "2026"}),
    "reports.records": (
        "reports:records",
        "office_staff",
        {"year": "2026", "month": "10", "ind": "signed_projects", "period": "ytd"},
    ),
}


def _export_lines(user, since):
    return list(AuditEvent.objects.filter(pk__gt=since, action=AuditEvent.Action.EXPORT, user=user))


def _last_id():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _data_rows(content):
    wb = load_workbook(BytesIO(content), read_only=True)
    return sum(sum(1 for _ in ws.iter_rows(min_row=2)) for ws in wb.worksheets)


def test_every_list_export_leaves_an_audit_line_with_its_rows_and_filters(demo, client_for):
    import zhaoshang.urls  # noqa: F401 - every view module, so every export registered

    reverse("org:home")
    assert set(LIST_EXPORTS) == set(exports.EXPORTS), "每个导出都应在本表中有一行"
    clients = {}  # one sign-in per role (an OTP code is accepted once)
    for name, (url_name, role, filters) in LIST_EXPORTS.items():
        if role not in clients:
            clients[role] = client_for(role)
        c, user = clients[role], demo[role]
        since = _last_id()
        response = c.get(reverse(url_name), {**filters, "export": "xlsx"})
        assert response.status_code == 200, name
        assert response["Content-Type"] == excel.XLSX, name
        lines = _export_lines(user, since)
        assert len(lines) == 1, f"{name}：应有一条导出审计记录，实际 {len(lines)} 条"
        line = lines[0]
        assert line.object_type == exports.EXPORTS[name].object_type
        assert f" {_data_rows(response.content)} 行" in line.detail, (name, line.detail)
        for key, value in filters.items():
            assert f"{key}={value}" in line.detail, (name, line.detail)


@pytest.fixture
def issued(demo):
    from zhaoshang.reports.services import report_issue

    return report_issue(actor=demo["office_staff"], year=2026, month=10, today=dt.date(2026, 11, 3))


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_monthly_report_files_leave_an_audit_line(demo, client_for, issued, kind):
    c, user = client_for("office_staff"), demo["office_staff"]
    for url in ("/reports/monthly/", f"/reports/issued/{issued.pk}/"):
        since = _last_id()
        response = c.get(url, {"year": "2026", "month": "10", "export": kind})
        assert response.status_code == 200
        assert response["Content-Type"] == (excel.XLSX if kind == "xlsx" else DOCX)
        if kind == "docx":
            Document(BytesIO(response.content))  # a real Word file
        [line] = _export_lines(user, since)
        assert "招商引资统计月报（2026年10月）" in line.detail and f".{kind}" in line.detail
        assert "month=10" in line.detail and "year=2026" in line.detail


@pytest.fixture
def projects(demo):
    """Five projects of 区科技局 and four of 友谊路街道."""
    from zhaoshang.pipeline.tests.factories import ProjectFactory

    for who, n in (("department_staff", 5), ("street_staff", 4)):
        for _ in range(n):
            ProjectFactory(actor=demo[who])


def test_a_full_sheet_continues_on_the_next_with_its_header(
    demo, projects, client_for, monkeypatch
):
    """No row is dropped at the sheet's limit: a lower limit proves the spill on few rows."""
    from zhaoshang.pipeline.models import Project

    monkeypatch.setattr(excel, "SHEET_ROWS", 4)  # a header and three rows per sheet
    names = set(Project.objects.values_list("name", flat=True))
    assert len(names) > 7
    response = client_for("office_staff").get("/pipeline/projects/", {"export": "xlsx"})
    wb = load_workbook(BytesIO(response.content), read_only=True)
    sheets = -(-len(names) // 3)
    assert wb.sheetnames == ["项目"] + [f"项目续表{n}" for n in range(1, sheets)]
    seen = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][:3] == ("项目名称", "投资企业", "阶段")
        assert 1 <= len(rows) - 1 <= 3
        seen += [r[0] for r in rows[1:]]
    assert len(seen) == Project.objects.count() and set(seen) == names


def test_a_large_export_runs_in_the_worker_for_the_asking_user_alone(
    demo, projects, client_for, settings, django_capture_on_commit_callbacks
):
    from zhaoshang.pipeline.models import Project

    settings.ZS_EXPORT_BACKGROUND_ROWS = 2
    clerk, c = demo["department_staff"], client_for("department_staff")
    mine = Project.objects.for_user(clerk)
    assert 2 < mine.count() < Project.objects.count()
    since = _last_id()

    # Asked: the page follows the job; the poll says it is background work.
    response = c.get("/pipeline/projects/", {"export": "xlsx", "q": ""})
    assert response.status_code == 302
    token = re.fullmatch(r"/exports/([0-9a-f]{32})/", response["Location"]).group(1)
    page = c.get(response["Location"]).content.decode()
    assert "生成中" in page or "排队中" in page
    assert 'hx-headers=\'{"X-ZS-Background": "1"}\'' in page
    assert 'role="progressbar"' in page
    assert not _export_lines(clerk, since)  # nothing written yet

    # The worker runs it (the task is queued after the request's transaction).
    with django_capture_on_commit_callbacks(execute=True):
        response = c.get("/pipeline/projects/", {"export": "xlsx"})
    token = re.fullmatch(r"/exports/([0-9a-f]{32})/", response["Location"]).group(1)
    poll = c.get(f"/exports/{token}/?poll=1", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = c.get(f"/exports/{token}/").content.decode()
    assert "文件已生成" in page and f"/exports/{token}/download/" in page

    download = c.get(f"/exports/{token}/download/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    wb = load_workbook(BytesIO(content), read_only=True)
    rows = list(wb["项目"].iter_rows(min_row=2, values_only=True))
    # Built from the clerk's own scoped reads: every project of theirs, none of others'.
    assert sorted(r[0] for r in rows) == sorted(mine.values_list("name", flat=True))
    [line] = _export_lines(clerk, since)
    assert f"导出项目清单 {len(rows)} 行" in line.detail

    # Nobody else may see or fetch it, not even the office.
    office = client_for("office_staff")
    assert office.get(f"/exports/{token}/").status_code == 404
    assert office.get(f"/exports/{token}/download/").status_code == 404


def test_the_worker_reads_the_users_scope_when_it_runs(demo, projects, settings):
    """Only the user's id and the filters travel to the worker, never rows chosen by the
    web process: the file holds what the user may read when it is written."""
    from zhaoshang.pipeline.models import Project
    from zhaoshang.pipeline.projects import views  # noqa: F401 - registers the export

    clerk = demo["department_staff"]
    spec = exports.EXPORTS["pipeline.projects"]
    token = exports.export_start(user=clerk, spec=spec, params={}, table=spec.build(clerk, {}))
    job = exports.job(token)
    assert set(job) >= {"user_id", "name", "params"} and job["params"] == {}
    assert job["user_id"] == clerk.pk and "ids" not in job
    exports.export_run(token)
    from pathlib import Path

    path = Path(settings.MEDIA_ROOT) / "exports" / f"{token}.xlsx"
    wb = load_workbook(path, read_only=True)
    units = {r[3] for r in wb["项目"].iter_rows(min_row=2, values_only=True)}
    assert units == {clerk.department.name}
    assert exports.job(token)["rows"] == Project.objects.for_user(clerk).count()

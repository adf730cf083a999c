"""Complaints: the discipline office accepts within the time limit, assigns, concludes,
takes the rating, escalates when overdue; the department complained about never learns
who complained (page, export, search, API, notifications); typical cases are published
anonymised; the portal's two entry points."""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common.tasks import escalate_overdue
from zhaoshang.complaints import queries, services
from zhaoshang.complaints.models import Complaint
from zhaoshang.notifications.models import Notification, WebhookDelivery

# These tests stand on the demo district: its ticket types, units, key enterprises and
# the landed enterprises its aftercare loader adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]

NAME, PHONE, FIRM = "欧阳保密", "13912345678", "天津隐名保密科技有限公司"
CONTENT = "区科技局某科员办理补贴时暗示需要好处费"
SECRETS = (NAME, PHONE, FIRM, CONTENT, "好处费")


def _assigned(demo, today=dt.date(2026, 11, 2)):
    complaint = services.complaint_submit(
        actor=None,
        complainant_name=NAME,
        contact=PHONE,
        enterprise_name=FIRM,
        content=CONTENT,
        source="portal",
        today=today,
    )
    jiwei = demo["discipline"]
    services.complaint_accept(actor=jiwei, complaint=complaint, today=today)
    complaint.refresh_from_db()
    task = services.complaint_assign(
        actor=jiwei,
        complaint=complaint,
        department=demo["department_staff"].department,
        brief="请核查本年度科技型企业补贴的受理与审核情况，报送受理台账。",
        today=today,
    )
    return complaint, task


def _clean(text):
    return [s for s in SECRETS if s in text]


def test_the_department_complained_about_never_learns_who_complained(demo, client_for):
    complaint, task = _assigned(demo)
    clerk = demo["department_staff"]
    c = client_for("department_staff")
    # Pages: the complaint is not theirs to open; the task is, without the complainant.
    assert c.get("/complaints/").status_code == 403
    assert c.get(f"/complaints/{complaint.pk}/").status_code == 403
    for url in (
        "/complaints/tasks/",
        f"/complaints/tasks/{task.pk}/",
        "/",
        "/notifications/",
        f"/complaints/tasks/?q={NAME}",  # search by the name: nothing, and nothing shown
        f"/complaints/tasks/?q={PHONE}",
        f"/aftercare/tickets/?q={NAME}",
        f"/enterprises/?q={FIRM[:6]}",
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        # The search box and the export link show back what the clerk typed; nothing
        # else may name it.
        html = response.content.decode()
        typed = url.partition("?q=")[2]
        if typed:
            html = html.replace(f'value="{typed}"', "").replace(f"q={typed}", "")
        assert not _clean(html), url
    assert task.reference in c.get("/complaints/tasks/").content.decode()
    assert "没有交办事项" in c.get(f"/complaints/tasks/?q={NAME}").content.decode()
    # The export.
    response = c.get("/complaints/tasks/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert task.reference in cells and not _clean(cells)
    # The API, by session and the complaints themselves refused.
    answer = c.get("/api/complaints/tasks")
    assert answer.status_code == 200 and answer.json()[0]["reference"] == task.reference
    assert not _clean(json.dumps(answer.json(), ensure_ascii=False))
    assert c.get("/api/complaints/").status_code == 403
    # Reporting back, and the discipline office's conclusion, tell them nothing more.
    services.task_report(actor=clerk, task=task, findings="经核查，受理台账完整，已报送。")
    services.complaint_conclude(
        actor=demo["discipline"], complaint=complaint, result="已责成区科技局整改。"
    )
    # Notifications: inbox rows and group-robot messages of the unit.
    unit = clerk.department
    for n in Notification.objects.filter(recipient__department=unit):
        assert not _clean(f"{n.title} {n.body} {n.url}"), n.title
    assert Notification.objects.filter(recipient=clerk, kind="complaint_task").exists()
    for d in WebhookDelivery.objects.filter(webhook__department=unit):
        assert not _clean(json.dumps(d.content, ensure_ascii=False))
    # The audit trail names the record, not the complainant or the content.
    for event in AuditEvent.objects.filter(object_type__startswith="complaints."):
        assert not _clean(f"{event.object_repr} {event.detail} {event.changes}"), event.detail


def test_the_discipline_office_and_leaders_read_the_complaint_and_the_read_is_logged(
    demo, client_for
):
    complaint, _ = _assigned(demo)
    for role in ("discipline", "leader"):
        page = client_for(role).get(f"/complaints/{complaint.pk}/").content.decode()
        assert NAME in page and CONTENT in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(complaint.pk), user=demo["leader"]
    ).exists()
    for role in ("office_staff", "supervision", "department_head"):
        assert client_for(role).get(f"/complaints/{complaint.pk}/").status_code == 403
    assert not queries.complaints(demo["office_staff"]).exists()


def test_a_brief_naming_the_complainant_is_refused(demo):
    complaint, _ = _assigned(demo)
    with pytest.raises(ValidationError, match="交办事项中不能出现投诉人姓名"):
        services.complaint_assign(
            actor=demo["discipline"],
            complaint=complaint,
            department=demo["department_head"].department,
            brief=f"{NAME}反映的问题请核查",
        )
    with pytest.raises(ValidationError, match="只有纪检监察部门"):
        services.complaint_assign(
            actor=demo["office_staff"], complaint=complaint, department=None, brief="核查"
        )


def test_accepting_has_a_time_limit_and_an_overdue_complaint_escalates(demo):
    # Received Friday 25 September 2026: 3 working days to accept, across 国庆 (1–7
    # October): 28, 29, 30 September.
    complaint = services.complaint_submit_public(
        complainant_name="李先生", contact="13800001111", enterprise_name="", content="审批拖延"
    )
    assert complaint.number == f"TS{complaint.received_on.year}{complaint.pk:06d}"
    late = services.complaint_submit(
        actor=None,
        complainant_name="赵女士",
        contact="13800002222",
        enterprise_name="",
        content="审批拖延",
        source="portal",
        today=dt.date(2026, 9, 25),
    )
    assert late.due_on == dt.date(2026, 9, 30)
    escalate_overdue(today=dt.date(2026, 10, 8))
    late.refresh_from_db()
    assert late.level == Complaint.Level.SUPERVISOR
    assert late.due_on == dt.date(2026, 10, 12)  # 9, 10 (an adjusted Saturday), 12
    assert late.steps.filter(label="超期自动升级督办").exists()
    # Accepting starts the 15-working-day clock to conclude, at the handler level again.
    services.complaint_accept(actor=demo["discipline"], complaint=late, today=dt.date(2026, 10, 9))
    late.refresh_from_db()
    assert (late.status, late.level) == ("accepted", "handler")
    assert late.due_on == dt.date(2026, 10, 29)
    services.complaint_conclude(
        actor=demo["discipline"], complaint=late, result="已督促办结", today=dt.date(2026, 10, 20)
    )
    late.refresh_from_db()
    assert late.on_time is True
    with pytest.raises(ValidationError, match="请选择投诉人评价"):
        services.complaint_rate(actor=demo["discipline"], complaint=late, rating=None)
    services.complaint_rate(actor=demo["discipline"], complaint=late, rating=3)
    late.refresh_from_db()
    assert late.status == "closed"
    with pytest.raises(ValidationError, match="受理"):
        services.complaint_accept(actor=demo["office_staff"], complaint=complaint)


def test_a_typical_case_is_anonymised_and_only_published_cases_reach_the_portal(demo):
    complaint, _ = _assigned(demo)
    jiwei = demo["discipline"]
    with pytest.raises(ValidationError, match="只有已办结的投诉"):
        services.typical_case_save(
            actor=jiwei, complaint=complaint, title="案例", summary="案情", handling="处理"
        )
    services.complaint_conclude(actor=jiwei, complaint=complaint, result="已处理")
    complaint.refresh_from_db()
    services.complaint_rate(actor=jiwei, complaint=complaint, rating=2)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError, match="典型案例须隐去投诉人所在企业名称"):
        services.typical_case_save(
            actor=jiwei,
            complaint=complaint,
            title="补贴受理拖延",
            summary=f"{FIRM}反映补贴受理拖延。",
            handling="责令整改",
        )
    case = services.typical_case_save(
        actor=jiwei,
        complaint=complaint,
        title="补贴受理拖延被责令整改",
        summary="某科技企业反映补贴申报受理拖延。",
        handling="责令整改，对经办人员批评教育。",
    )
    assert "补贴受理拖延被责令整改" not in [c["title"] for c in queries.published_cases()]
    services.typical_case_publish(actor=jiwei, case=case, today=dt.date(2026, 11, 30))
    published = [c for c in queries.published_cases() if c["pk"] == case.pk]
    assert published == [
        {
            "pk": case.pk,
            "title": "补贴受理拖延被责令整改",
            "summary": "某科技企业反映补贴申报受理拖延。",
            "handling": "责令整改，对经办人员批评教育。",
            "published_on": dt.date(2026, 11, 30),
        }
    ]


def test_bad_input_is_named_and_changes_nothing(demo):
    before = Complaint.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.complaint_submit_public(
            complainant_name=" ", contact="", enterprise_name="", content="有内容"
        )
    assert caught.value.message_dict == {
        "complainant_name": ["请填写投诉人姓名。"],
        "contact": ["请填写联系方式。"],
    }
    assert Complaint.objects.count() == before

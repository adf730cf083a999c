"""Supervision items: deadlines in working days (a holiday, an adjusted Saturday, 2027 not
yet entered), the workflow 已交办 → 办理中 → 已办结待审核 → 已办结 / 退回重办, escalation
to the department head and then to the supervision office and the responsible leader,
who sees what, the bad-input messages, the home card and the progress notice. Fixed dates
only."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.common import deadlines
from zhaoshang.common.tasks import escalate_overdue
from zhaoshang.common.workflow import MoveConflict, MoveRefused
from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline.tests.factories import ProjectFactory
from zhaoshang.supervision import notice, services
from zhaoshang.supervision.models import Accountability, Item
from zhaoshang.supervision.tasks import remind_overdue
from zhaoshang.supervision.workflow import ITEM_CLOCK

from .factories import raise_item, unit_head

pytestmark = pytest.mark.django_db
S = Item.Status


# --- Deadlines -----------------------------------------------------------------------------
def test_a_deadline_skips_the_national_day_holiday_and_counts_the_adjusted_saturday(demo):
    # 28 September + 5 working days: 29, 30 September, then 1–7 October are holidays,
    # 8, 9 and Saturday 10 October (an adjusted working day).
    item = raise_item(demo, today=dt.date(2026, 9, 28), days=5)
    assert (item.deadline_started_on, item.due_on) == (dt.date(2026, 9, 28), dt.date(2026, 10, 10))
    assert item.number == f"DB2026{item.pk:06d}"
    assert item.department == demo["department_staff"].department


def test_a_deadline_date_is_kept_as_working_days(demo):
    item = raise_item(demo, today=dt.date(2026, 9, 28), days=None, due_on=dt.date(2026, 10, 12))
    # 29, 30 September, 8, 9, 10 (adjusted Saturday), 12 October.
    assert (item.deadline_days, item.due_on) == (6, dt.date(2026, 10, 12))


def test_a_deadline_in_the_past_or_on_a_holiday_is_refused_and_nothing_is_raised(demo):
    with pytest.raises(ValidationError, match="办结期限（2026年11月1日）不能早于或等于交办日期"):
        raise_item(demo, today=dt.date(2026, 11, 2), days=None, due_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="2026年10月5日）是休息日或法定节假日"):
        raise_item(demo, today=dt.date(2026, 9, 28), days=None, due_on=dt.date(2026, 10, 5))
    with pytest.raises(ValidationError, match="请填写办理时限"):
        raise_item(demo, days=None)
    with pytest.raises(ValidationError, match="办理时限应为 1 至"):
        raise_item(demo, days=999)
    assert not Item.objects.exists()


def test_a_deadline_into_2027_counts_monday_to_friday_and_says_so(demo, client_for):
    # 2027 is neither in the library nor entered: Friday 1 January counts as working.
    item = raise_item(demo, today=dt.date(2026, 12, 24), days=10)
    assert item.due_on == dt.date(2027, 1, 7)
    page = client_for("department_staff").get(reverse("supervision:item_detail", args=[item.pk]))
    assert "2027 年节假日安排尚未录入，期限暂按周一至周五计算" in page.content.decode()


# --- The workflow ----------------------------------------------------------------------------
def test_report_submit_return_and_close_each_leave_a_history_row(demo):
    clerk, office, head = demo["department_staff"], demo["supervision"], unit_head(demo)
    item = raise_item(demo)
    on = dt.date(2026, 11, 4)
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf")
    report = services.progress_report(
        actor=clerk, item=item, text="已清理 12 件", files=[upload], today=on
    )
    assert item.status == S.IN_PROGRESS
    assert report.files.get().name == "台账.pdf"
    # A clerk reports; only the head signs the result off.
    with pytest.raises(MoveRefused, match="没有权限"):
        services.item_submit(actor=clerk, item=item, result="已办结")
    with pytest.raises(MoveRefused, match="请填写办理结果"):
        services.item_submit(actor=head, item=item, result=" ")
    services.item_submit(actor=head, item=item, result="全部清理完毕", today=on)
    assert (item.status, item.result, item.on_time) == (S.SUBMITTED, "全部清理完毕", True)
    # The office returns it with its reason; the department reports again.
    with pytest.raises(MoveRefused, match="请填写退回理由"):
        services.item_return(actor=office, item=item, reason="")
    services.item_return(actor=office, item=item, reason="台账缺受理意见")
    assert item.status == S.RETURNED
    services.progress_report(actor=clerk, item=item, text="补齐受理意见", today=on)
    assert item.status == S.IN_PROGRESS
    services.item_submit(actor=head, item=item, result="已补齐", today=dt.date(2026, 11, 30))
    assert item.on_time is False  # due 16 November
    services.item_close(actor=office, item=item, today=dt.date(2026, 12, 1))
    assert (item.status, item.closed_on) == (S.CLOSED, dt.date(2026, 12, 1))
    moves = list(item.steps.exclude(to_status="").values_list("label", "from_status", "to_status"))
    assert moves == [
        ("交办", "", "assigned"),
        ("开始办理", "assigned", "in_progress"),
        ("报请办结", "in_progress", "submitted"),
        ("退回重办", "submitted", "returned"),
        ("重新办理", "returned", "in_progress"),
        ("报请办结", "in_progress", "submitted"),
        ("审核办结", "submitted", "closed"),
    ]
    # A closed item takes no more reports, and says why.
    with pytest.raises(ValidationError, match="该督办事项已办结，不能再报送进展"):
        services.progress_report(actor=clerk, item=item, text="补充")


def test_only_the_responsible_unit_reports_and_only_the_office_closes(demo):
    item = raise_item(demo)
    with pytest.raises(ValidationError, match="只有承办单位（区科技局）可以报送办理进展"):
        services.progress_report(actor=demo["street_staff"], item=item, text="越权")
    with pytest.raises(MoveRefused, match="只有承办单位（区科技局）可以报请办结"):
        services.item_submit(actor=demo["zone_head"], item=item, result="越权")
    services.item_submit(actor=unit_head(demo), item=item, result="已办")
    with pytest.raises(MoveRefused, match="没有权限"):
        services.item_close(actor=unit_head(demo), item=item)
    with pytest.raises(ValidationError, match="已办结待审核，不能再报送进展"):
        services.progress_report(actor=demo["department_staff"], item=item, text="补充")
    with pytest.raises(ValidationError, match="只有督查室可以交办"):
        services.item_raise(
            actor=demo["leader"],
            title="x",
            requirement="y",
            subject="department",
            record=item.department,
            deadline_days=5,
        )


def test_two_reviewers_cannot_both_move_one_item(demo):
    item = raise_item(demo)
    services.item_submit(actor=unit_head(demo), item=item, result="已办")
    stale = Item.objects.get(pk=item.pk)
    services.item_close(actor=demo["supervision"], item=item)
    with pytest.raises(MoveConflict, match="已被他人从“已办结待审核”转为“已办结”"):
        services.item_return(actor=demo["supervision"], item=stale, reason="再看看")


# --- Escalation -------------------------------------------------------------------------------
def test_overdue_items_escalate_to_the_head_then_the_office_and_the_leader(demo):
    head = unit_head(demo)
    item = raise_item(demo, today=dt.date(2026, 12, 17), days=5, leader=demo["leader"])
    assert item.due_on == dt.date(2026, 12, 24)
    submitted = raise_item(demo, today=dt.date(2026, 12, 17), days=5)
    services.item_submit(actor=head, item=submitted, result="已办", today=dt.date(2026, 12, 23))
    escalate_overdue(today=dt.date(2026, 12, 24))  # the deadline day is not late
    item.refresh_from_db()
    assert item.level == Item.Level.UNIT
    assert escalate_overdue(today=dt.date(2026, 12, 26)) == {}  # a Saturday
    done = escalate_overdue(today=dt.date(2026, 12, 28))
    assert done["supervision.item"] == 1  # the submitted item is the office's turn
    item.refresh_from_db()
    # A new clock from 28 December across the year end, 2027 Monday to Friday.
    assert (item.level, item.deadline_started_on) == (Item.Level.HEAD, dt.date(2026, 12, 28))
    assert item.due_on == dt.date(2027, 1, 4)
    told = Notification.objects.filter(title__contains=f"{item.number} 已升级为单位负责人督办")
    assert set(told.values_list("recipient__username", flat=True)) == {head.username}
    escalate_overdue(today=dt.date(2027, 1, 5))
    item.refresh_from_db()
    assert item.level == Item.Level.LEADER and item.due_on == dt.date(2027, 1, 12)
    told = Notification.objects.filter(
        title__contains=f"{item.number} 已升级为督查室及责任领导督办"
    )
    assert set(told.values_list("recipient", flat=True)) == {
        demo["supervision"].pk,
        demo["leader"].pk,
    }
    escalate_overdue(today=dt.date(2027, 1, 13))  # the top of the chain
    item.refresh_from_db()
    assert item.level == Item.Level.LEADER
    steps = list(item.steps.exclude(from_level="").values_list("label", "from_level", "to_level"))
    assert steps == [
        ("超期自动升级督办", "unit", "head"),
        ("超期自动升级督办", "head", "leader"),
    ]
    assert "2026年12月24日" in item.steps.filter(to_level="head").get().note


def test_the_office_escalates_by_hand_and_a_department_may_not(demo):
    item = raise_item(demo)
    with pytest.raises(ValidationError, match="只有督查室可以升级督办"):
        services.item_escalate(actor=demo["department_staff"], item=item, note="自己升级")
    services.item_escalate(
        actor=demo["supervision"], item=item, note="进展缓慢", today=dt.date(2026, 11, 9)
    )
    assert item.level == Item.Level.HEAD and item.due_on == dt.date(2026, 11, 23)


def test_the_morning_reminder_tells_each_unit_of_its_overdue_items_on_working_days(demo):
    item = raise_item(demo, today=dt.date(2026, 11, 2), days=5)
    assert remind_overdue(today=dt.date(2026, 11, 14)) == 0  # Saturday
    assert remind_overdue(today=dt.date(2026, 11, 10)) == 1
    message = Notification.objects.get(kind="supervision_overdue")
    assert message.recipient == demo["department_staff"]
    assert item.number in message.body


def test_supervision_items_run_on_the_shared_deadline_engine():
    assert deadlines.CLOCKS["supervision.item"] is ITEM_CLOCK


# --- Scope and pages ---------------------------------------------------------------------------
def test_a_department_sees_its_own_items_the_office_and_leaders_see_all(demo, client_for):
    own = raise_item(demo)
    other = raise_item(demo, unit=demo["street_staff"].department, title="街道招商走访")
    for role, visible in (
        ("department_staff", {own.number}),
        ("supervision", {own.number, other.number}),
        ("leader", {own.number, other.number}),
    ):
        page = client_for(role).get(reverse("supervision:item_list")).content.decode()
        assert {n for n in (own.number, other.number) if n in page} == visible, role
    clerk = client_for("department_staff")
    assert clerk.get(reverse("supervision:item_detail", args=[other.pk])).status_code == 404
    assert clerk.get(reverse("supervision:item_detail", args=[own.pk])).status_code == 200
    assert client_for("finance").get(reverse("supervision:item_list")).status_code == 403
    # The notice lists only what the reader may see.
    data = notice.notice_data(
        demo["department_staff"], today=dt.date(2026, 11, 20), since=dt.date(2026, 11, 1)
    )
    assert [name for name, _, _ in data["units"]] == ["区科技局"]


def test_the_item_list_pins_its_query_count(demo, client_for, django_assert_max_num_queries):
    for n in range(30):
        raise_item(demo, title=f"督办{n}")
    c = client_for("supervision")
    c.get(reverse("supervision:item_list"))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("supervision:item_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(reverse("supervision:item_list") + "?status=open&overdue=1").status_code == 200


def test_raising_with_a_past_deadline_on_the_page_says_so_and_changes_nothing(demo, client_for):
    project = ProjectFactory(actor=demo["department_staff"])
    c = client_for("supervision")
    url = reverse("supervision:item_create") + f"?project={project.pk}"
    page = c.get(url).content.decode()
    assert project.name in page and "责任单位：区科技局" in page
    response = c.post(
        url,
        {
            "project": project.pk,
            "title": "推动落地",
            "requirement": "本月完成注册",
            "due_on": "2020-01-06",
        },
    )
    assert response.status_code == 200
    assert "办结期限（2020年1月6日）不能早于或等于交办日期" in response.content.decode()
    assert not Item.objects.exists()
    response = c.post(
        url,
        {
            "project": project.pk,
            "title": "推动落地",
            "requirement": "本月完成注册",
            "deadline_days": 10,
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302 and (item.project, item.subject) == (project, "project")
    assert item.department == project.department
    # A department may not raise items.
    assert client_for("department_staff").get(url).status_code == 403


def test_a_report_on_a_closed_item_is_refused_on_the_page(demo, client_for):
    item = raise_item(demo)
    services.item_submit(actor=unit_head(demo), item=item, result="已办")
    services.item_close(actor=demo["supervision"], item=item)
    response = client_for("department_staff").post(
        reverse("supervision:item_report", args=[item.pk]), {"text": "补充"}, follow=True
    )
    assert "该督办事项已办结，不能再报送进展" in response.content.decode()
    assert not item.reports.exists()


def test_accountability_is_recorded_with_its_decision(demo, client_for):
    item = raise_item(demo)
    c = client_for("supervision")
    url = reverse("supervision:accountability_add", args=[item.pk])
    form = {
        "person": "张某（科长）",
        "department": item.department_id,
        "failure": "超期未办结",
        "measure": "talk",
        "decision_number": "河西督查〔2026〕5号",
        "decided_on": "2026-11-20",
    }
    c.post(url, {**form, "decided_on": "2099-01-01"})
    assert not Accountability.objects.exists()
    c.post(url, {**form, "decision_file": SimpleUploadedFile("决定.pdf", b"%PDF-1.4 d")})
    record = Accountability.objects.get()
    assert (record.person, record.get_measure_display()) == ("张某（科长）", "约谈提醒")
    assert item.steps.filter(label="问责").exists()
    download = c.get(reverse("supervision:decision_file", args=[item.pk, record.pk]))
    assert download.status_code == 200
    # A department reads the record but may not add one.
    assert client_for("department_staff").post(url, form).status_code == 403


def test_the_home_card_shows_a_department_its_items(demo, client_for):
    raise_item(demo, title="补贴申报积压清理")
    page = client_for("department_staff").get("/").content.decode()
    assert "本单位督办事项" in page and "补贴申报积压清理" in page
    page = client_for("supervision").get("/").content.decode()
    assert "全区督办事项" in page


def test_the_progress_notice_downloads_as_word_by_department_with_overdue_flags(demo, client_for):
    from docx import Document

    late = raise_item(demo, today=dt.date(2026, 1, 5), days=5, title="超期事项")
    raise_item(demo, unit=demo["street_staff"].department, title="街道事项", days=200)
    response = client_for("supervision").get(reverse("supervision:notice_download"))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办事项进展通报" in text and "区科技局：1件，超期未办结1件" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert late.number in cells and "已超期" in cells and "街道事项" in cells

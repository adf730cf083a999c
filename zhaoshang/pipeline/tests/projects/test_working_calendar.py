"""Problem deadlines and the daily reminder on the working calendar, past the years
chinesecalendar knows. Every test names its own "today"."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline.models import Problem, Project
from zhaoshang.pipeline.projects import services, tasks
from zhaoshang.pipeline.tests.factories import ProjectFactory
from zhaoshang.reference import services as reference_services

pytestmark = pytest.mark.django_db

NOTICE = "2027 年节假日安排尚未录入，期限暂按周一至周五计算"


def _raise(demo, today, days=10, title="用地指标未落实"):
    clerk = demo["department_staff"]
    project = Project.objects.filter(department=clerk.department).order_by(
        "pk"
    ).first() or ProjectFactory(actor=clerk)
    return services.problem_raise(
        actor=clerk,
        project=project,
        category="land",
        title=title,
        owner_department=clerk.department,
        deadline_days=days,
        today=today,
    )


def test_a_deadline_into_2027_is_computed_and_marked_provisional(demo, client_for):
    # Thursday 24 December 2026 + 10 working days, 2027 counted Monday to Friday.
    problem = _raise(demo, dt.date(2026, 12, 24))
    assert problem.due_on == dt.date(2027, 1, 7)
    c = client_for("department_staff")
    assert NOTICE in c.get("/pipeline/problems/").content.decode()
    assert NOTICE in c.get(f"/pipeline/projects/{problem.project_id}/").content.decode()
    api = c.get(f"/api/pipeline/projects/{problem.project_id}/problems").json()
    assert {p["id"]: p["deadline_notice"] for p in api}[problem.pk] == NOTICE


def test_once_2027_is_entered_deadlines_skip_its_holidays_and_lose_the_notice(demo, client_for):
    office = demo["office_staff"]
    reference_services.calendar_day_set(
        actor=office,
        date=dt.date(2027, 1, 1),
        kind="holiday",
        note="元旦",
        notice="国务院办公厅关于2027年部分节假日安排的通知",
    )
    problem = _raise(demo, dt.date(2026, 12, 24))
    assert problem.due_on == dt.date(2027, 1, 8)
    page = client_for("department_staff").get("/pipeline/problems/").content.decode()
    assert problem.title in page and NOTICE not in page


def test_a_2030_deadline_counts_monday_to_friday(demo):
    # Friday 20 December 2030 + 5: 23, 24, 25, 26, 27 December.
    problem = _raise(demo, dt.date(2030, 12, 20), days=5)
    assert problem.due_on == dt.date(2030, 12, 27)


# --- "Every working morning": the overdue reminder -----------------------------------------
def _overdue_problem(demo):
    # Due long before any of the days below, so every one of them finds it overdue.
    return _raise(demo, dt.date(2026, 9, 1), days=2, title="配套资金未拨付")


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 11, 28),  # a Saturday
        dt.date(2026, 10, 1),  # National Day, from the library
        dt.date(2027, 1, 1),  # a Friday the office entered as 元旦
        dt.date(2030, 6, 1),  # a Saturday of a year nobody entered
    ],
)
def test_the_overdue_reminder_does_not_run_on_a_day_off(demo, day):
    _overdue_problem(demo)
    reference_services.calendar_day_set(
        actor=demo["office_staff"], date=dt.date(2027, 1, 1), kind="holiday", notice="通知"
    )
    assert tasks.remind_overdue(day) == 0
    assert not Notification.objects.filter(kind="pipeline_overdue").exists()


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 10, 10),  # a Saturday worked in lieu (library)
        dt.date(2027, 2, 6),  # a Saturday the office entered as 调休上班
        dt.date(2030, 6, 3),  # a Monday of a year nobody entered
    ],
)
def test_the_overdue_reminder_runs_on_a_working_day(demo, day):
    _overdue_problem(demo)
    reference_services.calendar_day_set(
        actor=demo["office_staff"], date=dt.date(2027, 2, 6), kind="workday", notice="通知"
    )
    assert tasks.remind_overdue(day) > 0
    message = Notification.objects.filter(
        recipient=demo["department_staff"], kind="pipeline_overdue"
    ).get()
    assert "配套资金未拨付" in message.body


# --- The demo loader on any day --------------------------------------------------------------
@pytest.mark.parametrize("today", [dt.date(2027, 1, 11), dt.date(2030, 3, 4)])
def test_the_demo_district_loads_on_a_day_of_an_unentered_year(db, monkeypatch, today):
    """``make run`` on a new database: the demo raises and escalates problems dated
    today, which failed with NotImplementedError past the library's last year."""
    from django.core.management import call_command

    from zhaoshang.reference.national import load_national_data

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    load_national_data()
    call_command("load_demo", stdout=io.StringIO())
    assert Problem.objects.filter(due_on__year=today.year).exists()

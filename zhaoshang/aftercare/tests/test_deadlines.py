"""The deadline engine (common/deadlines.py) as service tickets and project problems use
it: deadlines in working days across a holiday and a year end, recounted from their
stored clock start when the office enters a year's holidays; escalation 责任单位 →
区招商办 → 联席会议 by hand and automatically when overdue, a new deadline each time,
every step recorded. Fixed dates only (2026 is in chinese-calendar; 2027 is not, so it
counts Monday to Friday until the office enters it)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.aftercare import services
from zhaoshang.aftercare.models import Ticket, TicketStep, TicketType
from zhaoshang.common import deadlines
from zhaoshang.common.deadlines import EscalationConflict
from zhaoshang.common.tasks import escalate_overdue
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.pipeline.models import Problem, Project
from zhaoshang.pipeline.projects import services as project_services
from zhaoshang.reference.services import calendar_day_set

# These tests stand on the demo district: its ticket types, units, key enterprises and
# the landed enterprises its aftercare loader adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def _ticket(demo, raised_on, days=None, kind="人才住房"):
    return services.ticket_raise(
        actor=demo["department_staff"],
        enterprise=Enterprise.objects.get(name="天津河西数智科技有限公司"),
        ticket_type=TicketType.objects.get(name=kind),
        title="人才公寓申请",
        deadline_days=days,
        today=raised_on,
    )


def test_a_deadline_skips_the_national_day_holiday_and_counts_the_adjusted_saturday(demo):
    # 9月28日 + 5 working days: 29, 30 September, then 1–7 October are 国庆 holidays, 8,
    # 9 and Saturday 10 October (an adjusted working day).
    ticket = _ticket(demo, dt.date(2026, 9, 28), days=5)
    assert ticket.deadline_started_on == dt.date(2026, 9, 28)
    assert ticket.due_on == dt.date(2026, 10, 10)


def test_a_type_gives_its_default_unit_and_time_limit(demo):
    ticket = _ticket(demo, dt.date(2026, 11, 2))
    kind = TicketType.objects.get(name="人才住房")
    assert ticket.department == kind.default_department
    assert ticket.deadline_days == kind.deadline_days == 15
    assert ticket.due_on == dt.date(2026, 11, 23)
    assert ticket.number == f"FW2026{ticket.pk:07d}"


def test_a_year_end_deadline_is_recounted_when_the_office_enters_next_years_holidays(
    demo, django_capture_on_commit_callbacks
):
    # 2027 is neither in the library nor entered: Friday 1 January counts as a working
    # day, so 10 working days from 24 December 2026 end on Thursday 7 January 2027.
    ticket = _ticket(demo, dt.date(2026, 12, 24), days=10)
    project = Project.objects.filter(department=demo["department_staff"].department).first()
    problem = project_services.problem_raise(
        actor=demo["department_staff"],
        project=project,
        category="approval",
        title="施工许可",
        owner_department=demo["department_staff"].department,
        deadline_days=10,
        today=dt.date(2026, 12, 24),
    )
    assert ticket.due_on == problem.due_on == dt.date(2027, 1, 7)
    closed = _ticket(demo, dt.date(2026, 12, 24), days=10)
    services.ticket_answer(
        actor=demo["office_staff"], ticket=closed, answer="已办", today=dt.date(2026, 12, 28)
    )
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            actor=demo["office_staff"],
            date=dt.date(2027, 1, 1),
            kind="holiday",
            note="元旦",
            notice=NOTICE,
        )
    ticket.refresh_from_db()
    problem.refresh_from_db()
    closed.refresh_from_db()
    # Counted again from the stored start (24 December), not from today: one day later.
    assert ticket.due_on == problem.due_on == dt.date(2027, 1, 8)
    assert ticket.deadline_started_on == dt.date(2026, 12, 24)
    # An answered ticket's deadline is history: it is not moved.
    assert closed.due_on == dt.date(2027, 1, 7)
    # An adjusted working Sunday moves it back.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            actor=demo["office_staff"],
            date=dt.date(2027, 1, 3),
            kind="workday",
            note="元旦调休",
            notice=NOTICE,
        )
    ticket.refresh_from_db()
    assert ticket.due_on == dt.date(2027, 1, 7)


def test_escalation_by_hand_goes_unit_office_joint_meeting_with_a_new_deadline_each(demo):
    clerk, office = demo["department_staff"], demo["office_staff"]
    ticket = _ticket(demo, dt.date(2026, 11, 2), days=5)
    assert ticket.level == "unit"
    with pytest.raises(ValidationError, match="请说明升级原因"):
        services.ticket_escalate(actor=clerk, ticket=ticket, note=" ")
    services.ticket_escalate(
        actor=clerk, ticket=ticket, note="需多部门协调", today=dt.date(2026, 11, 9)
    )
    assert ticket.level == "office"
    assert ticket.deadline_started_on == dt.date(2026, 11, 9)
    assert ticket.due_on == dt.date(2026, 11, 16)
    on = dt.date(2026, 11, 16)
    with pytest.raises(ValidationError, match="只有区招商办可以将诉求提交联席会议"):
        services.ticket_escalate(actor=clerk, ticket=ticket, note="再升级", today=on)
    services.ticket_escalate(actor=office, ticket=ticket, note="提交联席会议", today=on)
    assert ticket.level == "joint_meeting"
    assert ticket.due_on == dt.date(2026, 11, 23)
    with pytest.raises(ValidationError, match="不能再升级"):
        services.ticket_escalate(actor=office, ticket=ticket, note="再升级", today=on)
    steps = list(ticket.steps.values_list("kind", "from_level", "to_level", "note"))
    assert steps[1:] == [
        ("escalate", "unit", "office", "需多部门协调"),
        ("escalate", "office", "joint_meeting", "提交联席会议"),
    ]


def test_two_escalations_of_one_ticket_cannot_both_happen(demo):
    ticket = _ticket(demo, dt.date(2026, 11, 2), days=5)
    stale = Ticket.objects.get(pk=ticket.pk)
    services.ticket_escalate(actor=demo["department_staff"], ticket=ticket, note="第一人")
    with pytest.raises(EscalationConflict, match="已被他人升级"):
        services.ticket_escalate(actor=demo["office_staff"], ticket=stale, note="第二人")
    assert ticket.steps.filter(kind="escalate").count() == 1


def test_overdue_tickets_and_problems_escalate_automatically_across_the_year_end(demo):
    ticket = _ticket(demo, dt.date(2026, 12, 17), days=5)  # due Thursday 24 December
    project = Project.objects.filter(department=demo["department_staff"].department).first()
    problem = project_services.problem_raise(
        actor=demo["department_staff"],
        project=project,
        category="approval",
        title="施工许可",
        owner_department=demo["department_staff"].department,
        deadline_days=5,
        today=dt.date(2026, 12, 17),
    )
    on_time = _ticket(demo, dt.date(2026, 12, 28), days=5)
    assert ticket.due_on == problem.due_on == dt.date(2026, 12, 24)
    # The deadline day itself is not late.
    escalate_overdue(today=dt.date(2026, 12, 24))
    ticket.refresh_from_db()
    assert ticket.level == "unit"
    # A Saturday: nobody is at work, nothing escalates.
    assert escalate_overdue(today=dt.date(2026, 12, 26)) == {}
    done = escalate_overdue(today=dt.date(2026, 12, 28))
    assert done["aftercare.ticket"] >= 1 and done["pipeline.problem"] >= 1
    ticket.refresh_from_db()
    problem.refresh_from_db()
    on_time.refresh_from_db()
    assert (ticket.level, problem.level, on_time.level) == ("office", "office", "unit")
    # A new deadline from 28 December over the year end, 2027 counted Monday to Friday.
    assert ticket.deadline_started_on == dt.date(2026, 12, 28)
    assert ticket.due_on == problem.due_on == dt.date(2027, 1, 4)
    step = ticket.steps.get(kind=TicketStep.Kind.AUTO_ESCALATE)
    assert step.actor is None and "2026年12月24日" in step.note
    assert problem.steps.filter(kind="escalate", to_level="office").exists()
    # Overdue again at the office: to the joint meeting, then no further.
    escalate_overdue(today=dt.date(2027, 1, 5))
    ticket.refresh_from_db()
    assert ticket.level == "joint_meeting" and ticket.due_on == dt.date(2027, 1, 12)
    escalate_overdue(today=dt.date(2027, 1, 13))
    ticket.refresh_from_db()
    assert ticket.level == "joint_meeting"
    assert ticket.steps.filter(kind=TicketStep.Kind.AUTO_ESCALATE).count() == 2
    # The responsible unit and the office were told.
    from zhaoshang.notifications.models import Notification

    assert Notification.objects.filter(
        recipient=demo["office_staff"], title__contains=f"{ticket.number} 已升级至联席会议"
    ).exists()


def test_an_answered_ticket_does_not_escalate(demo):
    ticket = _ticket(demo, dt.date(2026, 12, 17), days=5)
    services.ticket_answer(
        actor=demo["office_staff"], ticket=ticket, answer="已办", today=dt.date(2026, 12, 30)
    )
    escalate_overdue(today=dt.date(2027, 1, 4))
    ticket.refresh_from_db()
    assert ticket.level == "unit"
    assert ticket.on_time is False and ticket.handling_days == 9
    with pytest.raises(EscalationConflict, match="已答复或办结"):
        services.ticket_escalate(actor=demo["office_staff"], ticket=ticket, note="迟了")


def test_problems_and_tickets_run_on_one_engine():
    from zhaoshang.aftercare.workflow import TICKET_CLOCK
    from zhaoshang.complaints.workflow import COMPLAINT_CLOCK
    from zhaoshang.pipeline.projects.problem_workflow import PROBLEM_CLOCK
    from zhaoshang.supervision.workflow import ITEM_CLOCK

    assert deadlines.CLOCKS == {
        "pipeline.problem": PROBLEM_CLOCK,
        "aftercare.ticket": TICKET_CLOCK,
        "complaints.complaint": COMPLAINT_CLOCK,
        "supervision.item": ITEM_CLOCK,
    }
    assert PROBLEM_CLOCK.model is Problem and TICKET_CLOCK.model is Ticket

"""Events and quotas: an event ending before it starts is refused; the quota is 2 by
default, 4 for a named zone, and can be set per unit and year; met or not counts the
events held by a date; a lead names one event and its page shows it; an event's cost
goes to the organiser's budget line; units below quota are reminded on the first
working day of the third and fourth quarter only. Fixed dates only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.budget.services import spending_for
from zhaoshang.budget.tests.factories import line
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.events import queries, services, tasks
from zhaoshang.events.models import Event
from zhaoshang.notifications.models import Notification
from zhaoshang.org.models import Department
from zhaoshang.reference.models import Zone

pytestmark = pytest.mark.django_db


def _unit(name):
    return Department.objects.get(name=name)


def _event(demo, unit="区科技局", starts=dt.date(2026, 5, 16), days=1, **extra):
    data = {
        "title": f"{unit}推介会{starts:%m%d}",
        "event_type": "conference",
        "organiser": _unit(unit),
        "starts_on": starts,
        "ends_on": starts + dt.timedelta(days=days - 1),
        "city": "北京",
    } | extra
    return services.event_create(actor=demo["department_staff"], data=data)


def _row(user, name, year=2026, as_of=None):
    return next(r for r in queries.quota_rows(user, year, as_of) if r["name"] == name)


def test_an_event_ending_before_it_starts_is_refused(demo):
    with pytest.raises(ValidationError) as refused:
        _event(demo, ends_on=dt.date(2026, 5, 15))
    assert refused.value.message_dict["ends_on"] == [
        "结束日期（2026年5月15日）早于开始日期（2026年5月16日），请核对。"
    ]
    assert not Event.objects.exists()
    with pytest.raises(ValidationError, match="已是主办单位，不必再列为协办单位"):
        _event(demo, partners=[_unit("区科技局")])


def test_the_default_quota_is_two_and_met_counts_events_held_by_the_date(demo):
    _event(demo, starts=dt.date(2026, 3, 1))
    _event(demo, starts=dt.date(2026, 10, 20))
    _event(demo, starts=dt.date(2025, 11, 1))  # last year's does not count
    mid_year = _row(None, "区科技局", as_of=dt.date(2026, 6, 30))
    assert (mid_year["quota"], mid_year["held"], mid_year["planned"], mid_year["met"]) == (
        2,
        1,
        1,
        False,
    )
    assert mid_year["missing"] == 1 and mid_year["source"] == "默认"
    assert _row(None, "区科技局", as_of=dt.date(2026, 12, 31))["met"] is True


def test_a_named_zone_has_four_and_a_year_can_be_set_for_one_unit(demo):
    chentang = _unit("陈塘科技商务区")
    zone = Zone.objects.create(name="陈塘科技商务区", positioning="科技服务", department=chentang)
    assert _row(None, "陈塘科技商务区")["quota"] == 2
    services.zone_quota_set(actor=demo["office_staff"], zone=zone, quota=4)
    for month in (3, 5, 7):
        _event(demo, unit="陈塘科技商务区", starts=dt.date(2026, month, 1))
    row = _row(None, "陈塘科技商务区")
    assert (row["quota"], row["source"], row["held"], row["met"]) == (4, "功能区指标", 3, False)
    # The office sets one year differently; other years keep the zone's figure.
    services.quota_set(
        actor=demo["office_staff"], department=chentang, year=2026, quota=3, reason="年中调整"
    )
    assert _row(None, "陈塘科技商务区")["met"] is True
    assert _row(None, "陈塘科技商务区", year=2027)["quota"] == 4
    services.quota_set(actor=demo["office_staff"], department=chentang, year=2026, quota=5)
    assert _row(None, "陈塘科技商务区")["quota"] == 5  # replaced, not added
    with pytest.raises(ValidationError, match="活动指标应为 0 至 50 场"):
        services.quota_set(actor=demo["office_staff"], department=chentang, year=2026, quota=-1)


def test_a_unit_sees_its_own_and_partner_events_leaders_see_all(demo):
    own = _event(demo)
    shared = _event(demo, unit="区商务局", partners=[_unit("区科技局")])
    _event(demo, unit="区商务局", starts=dt.date(2026, 6, 1))
    assert set(queries.events(demo["department_staff"])) == {own, shared}
    assert queries.events(demo["leader"]).count() == 3
    assert queries.events(demo["supervision"]).count() == 3
    assert queries.events(demo["street_staff"]).count() == 0
    # The quota table of a unit: its own row only.
    assert [r["name"] for r in queries.quota_rows(demo["department_staff"], 2026)] == ["区科技局"]


def test_a_lead_from_an_event_names_it(demo, client_for):
    event = _event(demo)
    firm = enterprise_create(actor=None, data={"name": "北京活动接洽科技有限公司"})
    lead = services.lead_register_from_event(
        actor=demo["department_staff"], event=event, enterprise=firm, name="智能传感器研发中心"
    )
    assert (lead.method, lead.department.name) == ("event", "区科技局")
    assert queries.event_of_lead(lead) == event
    other = _event(demo, starts=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="已记为活动“区科技局推介会0516”的成果"):
        services.lead_link(actor=demo["department_staff"], event=other, lead=lead)
    clerk = client_for("department_staff")
    page = clerk.get(f"/pipeline/projects/{lead.pk}/").content.decode()
    assert "该线索来自招商推介活动" in page and event.title in page
    page = clerk.get(f"/pipeline/leads/{lead.pk}/").content.decode()
    assert "来源活动" in page and event.title in page


def test_an_event_cost_goes_to_the_organisers_line(demo):
    budget = line(unit="区科技局", approved="50000.00")
    event = _event(demo)
    services.cost_post(
        actor=demo["department_staff"],
        event=event,
        category="publicity",
        amount=Decimal("12000"),
        occurred_on=dt.date(2026, 5, 16),
        summary="场地费",
    )
    budget.refresh_from_db()
    assert budget.spent == Decimal("12000.00")
    [entry] = spending_for(event)
    assert entry.summary == "区科技局推介会0516：场地费"
    with pytest.raises(
        ValidationError, match="超出经费余额：科目余额 3.80 万元，本次支出 4.00 万元"
    ):
        services.cost_post(
            actor=demo["department_staff"],
            event=event,
            category="publicity",
            amount=Decimal("40000"),
            occurred_on=dt.date(2026, 5, 16),
            summary="会务费",
        )


def test_units_below_quota_are_reminded_on_the_first_working_day_of_q3_and_q4(demo):
    _event(demo, unit="区商务局", starts=dt.date(2026, 3, 1))
    _event(demo, unit="区商务局", starts=dt.date(2026, 4, 1))
    # 2026-07-01 is a Wednesday (a working day); 1-7 October is the National Day holiday
    # (the working calendar), so the fourth quarter's reminder goes on the 8th.
    assert tasks.is_reminder_day(dt.date(2026, 7, 1))
    assert not tasks.is_reminder_day(dt.date(2026, 7, 2))
    assert not tasks.is_reminder_day(dt.date(2026, 4, 1))  # second quarter: no reminder
    assert tasks.first_working_day(2026, 10) == dt.date(2026, 10, 8)
    assert tasks.remind_below_quota(today=dt.date(2026, 7, 2)) == 0
    tasks.remind_below_quota(today=dt.date(2026, 7, 1))
    told = Notification.objects.filter(kind="event_quota")
    units = set(told.values_list("recipient__department__name", flat=True))
    assert "区科技局" in units and "区商务局" not in units  # 商务局 has met its two
    message = told.filter(recipient=demo["department_staff"]).get()
    assert message.title == "推介活动指标提醒：2026年已办 0 场，指标 2 场"
    assert "尚差 2 场，已进入第三季度" in message.body


def test_the_work_bulletin_counts_the_periods_events(demo):
    from zhaoshang.events.bulletin import events_section

    _event(demo, starts=dt.date(2026, 5, 16))
    _event(demo, unit="区商务局", starts=dt.date(2026, 5, 20), event_type="outbound")
    _event(demo, starts=dt.date(2026, 7, 1))  # another month
    section = events_section(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert section["paragraphs"] == [
        "2个单位共举办招商推介活动2场（招商推介会1场、外出考察1场），活动中接洽形成线索0条。"
    ]
    assert events_section(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) is None

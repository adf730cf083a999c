"""The assessment's events indicator: the share of the year's quota held by a date,
0 for a unit that held none. Fixed dates only."""

import datetime as dt

import pytest

from zhaoshang.assessment import registry
from zhaoshang.events import services
from zhaoshang.events.indicators import event_records, events_against_quota
from zhaoshang.org.models import Department

pytestmark = pytest.mark.django_db


def _event(demo, starts):
    return services.event_create(
        actor=demo["department_staff"],
        data={
            "title": f"推介会{starts:%m%d}",
            "event_type": "conference",
            "organiser": demo["department_staff"].department,
            "starts_on": starts,
            "ends_on": starts,
            "city": "北京",
        },
    )


def test_the_figure_is_the_share_of_the_quota_held_by_the_periods_end(demo):
    spring, autumn = _event(demo, dt.date(2026, 3, 1)), _event(demo, dt.date(2026, 10, 20))
    _event(demo, dt.date(2025, 11, 1))  # last year's counts for last year
    unit = demo["department_staff"].department_id
    mid = events_against_quota(registry.Period(2026, dt.date(2026, 6, 30)))
    assert (mid[unit].value, mid[unit].ids) == (50, [spring.pk])
    year = events_against_quota(registry.Period(2026, dt.date(2026, 12, 31)))
    assert year[unit].value == 100 and sorted(year[unit].ids) == sorted([spring.pk, autumn.pk])
    # A promotion unit that held none owes its quota all the same: 0, not left out.
    other = Department.objects.get(name="区商务局").pk
    assert year[other].value == 0 and year[other].ids == []
    assert registry.get("events_quota") is not None


def test_the_records_are_the_events_the_reader_may_see(demo):
    spring = _event(demo, dt.date(2026, 3, 1))
    headers, rows, links = event_records(demo["leader"], [spring.pk])
    assert headers[0] == "活动名称" and rows[0][0] == "推介会0301"
    assert rows[0][3] == "2026年3月1日" and links[0].endswith(f"/{spring.pk}/")
    assert event_records(demo["zone_head"], [spring.pk])[1] == []

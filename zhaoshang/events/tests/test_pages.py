"""The event pages as units and the office use them: registering an event (refused when
it ends before it starts), the list and the quota table with their query counts pinned,
the quota table's workbook, the office setting a unit's quota for a year."""

import datetime as dt
import io

import openpyxl
import pytest

from zhaoshang.events import services
from zhaoshang.events.models import Event, EventQuota
from zhaoshang.org.models import Department

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "title": "京津冀协同发展专题招商会",
        "event_type": "themed",
        "organiser": Department.objects.get(name="区科技局").pk,
        "starts_on": "2026-09-10",
        "ends_on": "2026-09-11",
        "city": "北京",
    } | extra


def test_a_clerk_registers_an_event_of_its_own_unit(demo, client_for):
    clerk = client_for("department_staff")
    refused = clerk.post("/events/new/", _form(ends_on="2026-09-09"))
    assert (
        "结束日期（2026年9月9日）早于开始日期（2026年9月10日），请核对。"
        in refused.content.decode()
    )
    # Another unit as organiser is not offered to a unit's clerk.
    other = clerk.post("/events/new/", _form(organiser=Department.objects.get(name="区商务局").pk))
    assert "选择一个有效的选项" in other.content.decode()
    assert not Event.objects.exists()
    done = clerk.post("/events/new/", _form())
    event = Event.objects.get()
    assert done.status_code == 302 and (event.year, event.organiser.name) == (2026, "区科技局")


def test_the_office_sets_a_units_quota_for_a_year(demo, client_for):
    office = client_for("office_staff")
    unit = Department.objects.get(name="区科技局")
    office.post("/events/quota/set/", {"department": unit.pk, "year": 2026, "quota": 3})
    assert EventQuota.objects.get(department=unit, year=2026).quota == 3
    page = office.get("/events/quota/?year=2026").content.decode()
    assert "年度设定" in page
    # A unit's clerk may not.
    assert client_for("department_staff").post("/events/quota/set/", {}).status_code == 403


def test_lists_read_a_fixed_number_of_queries_and_the_quota_workbook(
    demo, client_for, django_assert_max_num_queries, monkeypatch
):
    # "Today" for the quota table (events held by then): fixed.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 7, 15))
    for i in range(30):
        services.event_create(
            actor=demo["office_staff"],
            data={
                "title": f"推介活动{i}",
                "event_type": "conference",
                "organiser": Department.objects.get(name="区科技局" if i % 2 else "区商务局"),
                "starts_on": dt.date(2026, 1 + i % 12, 1),
                "ends_on": dt.date(2026, 1 + i % 12, 2),
                "city": "上海",
            },
        )
    office = client_for("office_staff")
    office.get("/events/")  # warm the session and the menu
    with django_assert_max_num_queries(12):
        assert office.get("/events/?year=2026").content.decode().count("推介活动") >= 30
    with django_assert_max_num_queries(14):
        office.get("/events/quota/?year=2026")
    book = openpyxl.load_workbook(
        io.BytesIO(office.get("/events/quota/?year=2026&export=xlsx").content)
    )
    rows = {r[0]: r for r in book.active.iter_rows(values_only=True) if r and r[0]}
    # 区科技局: odd i, months 2, 4 … 12 (held by 15 July: Feb, Apr, Jun — 3 each month).
    assert rows["区科技局"][1:5] == (2, "默认", 9, 6)
    assert rows["区科技局"][5] == "已完成"
    assert "区财政局" not in rows

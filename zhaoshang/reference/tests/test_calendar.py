"""The working calendar (工作日历): the library's years, years the office enters, the
Monday-to-Friday fallback and its notice, the page, the .xlsx import and the November
reminder. No test reads today's date: each names the day it is about."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.audit.models import AuditEvent
from zhaoshang.reference import calendar, services
from zhaoshang.reference.models import CalendarDay

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY


def enter(actor, day, kind, note=""):
    return services.calendar_day_set(
        actor=actor, date=dt.date.fromisoformat(day), kind=kind, note=note, notice=NOTICE_2027
    )


# --- Computing working days ----------------------------------------------------------------
def test_the_library_years_keep_holidays_and_adjusted_working_days(db):
    # 10月1日–7日 are 国庆 holidays; Saturday 10月10日 is worked in lieu.
    assert calendar.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert calendar.is_working_day(dt.date(2026, 10, 10))
    assert calendar.is_working_day(dt.date(2026, 10, 8))  # Thursday, back at work
    assert calendar.year_covered(2026)


def test_a_year_nobody_entered_counts_monday_to_friday_and_says_so(db):
    # chinesecalendar 1.11 raises NotImplementedError for 2027: a deadline crossing the
    # new year must still be computed.
    assert calendar.add_working_days(dt.date(2026, 12, 30), 3) == dt.date(2027, 1, 4)
    assert not calendar.year_covered(2027)
    assert calendar.is_working_day(dt.date(2027, 1, 1))  # Friday, counted as working
    assert not calendar.is_working_day(dt.date(2027, 1, 2))  # Saturday
    assert calendar.fallback_notice(dt.date(2027, 1, 4)) == (
        "2027 年节假日安排尚未录入，期限暂按周一至周五计算"
    )
    assert calendar.fallback_notice(dt.date(2026, 12, 31)) == ""


def test_2030_is_counted_monday_to_friday(db):
    # Friday 27 December 2030 + 2 working days: Monday 30th, Tuesday 31st.
    assert calendar.add_working_days(dt.date(2030, 12, 27), 2) == dt.date(2030, 12, 31)
    assert calendar.add_working_days(dt.date(2030, 12, 31), -2) == dt.date(2030, 12, 27)
    assert not calendar.is_working_day(dt.date(2030, 12, 28))
    assert calendar.fallback_notice(dt.date(2030, 12, 31)).startswith("2030 年")


def test_an_entered_2027_holiday_and_adjusted_saturday_are_counted(demo):
    office = demo["office_staff"]
    # Read (and cache) 2027 before the notice is entered: the entry must replace it.
    assert calendar.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)
    enter(office, "2027-01-01", HOLIDAY, "元旦")
    assert not calendar.is_working_day(dt.date(2027, 1, 1))
    assert calendar.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert calendar.year_covered(2027)
    assert calendar.fallback_notice(dt.date(2027, 1, 4)) == ""
    # Spring Festival: Friday 5 February off, Saturday 6 February worked (调休).
    enter(office, "2027-02-05", HOLIDAY, "春节")
    enter(office, "2027-02-06", WORKDAY, "春节调休")
    assert calendar.is_working_day(dt.date(2027, 2, 6))
    assert calendar.add_working_days(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 6)
    assert calendar.add_working_days(dt.date(2027, 2, 4), 2) == dt.date(2027, 2, 8)
    # Removing the entry gives the date back to Monday–Friday at once.
    services.calendar_day_delete(actor=office, day=CalendarDay.objects.get(date="2027-02-06"))
    assert not calendar.is_working_day(dt.date(2027, 2, 6))


def test_a_deadline_reads_each_year_once_and_then_the_cache(db, django_assert_num_queries):
    with django_assert_num_queries(2):  # 2027 and 2028, not one query per day
        due = calendar.add_working_days(dt.date(2027, 12, 1), 40)
    assert due == dt.date(2028, 1, 26)
    with django_assert_num_queries(0):
        assert calendar.add_working_days(dt.date(2027, 12, 1), 40) == due
        assert calendar.is_working_day(dt.date(2028, 1, 3))


def test_a_weekday_cannot_be_entered_as_an_adjusted_working_day(demo):
    with pytest.raises(ValidationError, match="2027年3月3日是星期三，本就是工作日"):
        enter(demo["office_staff"], "2027-03-03", WORKDAY)
    with pytest.raises(ValidationError, match="请填写依据的通知"):
        services.calendar_day_set(
            actor=demo["office_staff"], date=dt.date(2027, 1, 1), kind=HOLIDAY, notice=" "
        )
    assert not CalendarDay.objects.exists()


def test_entering_a_date_again_corrects_it_instead_of_adding_one(demo):
    office = demo["office_staff"]
    _, first = enter(office, "2027-01-01", HOLIDAY, "元旦")
    _, again = enter(office, "2027-01-01", HOLIDAY, "元旦")
    _, changed = enter(office, "2027-01-01", HOLIDAY, "元旦节")
    assert (first, again, changed) == ("create", "unchanged", "update")
    assert CalendarDay.objects.get().note == "元旦节"


# --- The page --------------------------------------------------------------------------------
def test_the_office_enters_and_removes_a_day_on_the_page(demo, client_for):
    c = client_for("office_staff")
    page = c.get("/reference/calendar/?year=2027")
    assert "2027 年节假日安排尚未录入，期限暂按周一至周五计算" in page.content.decode()
    response = c.post(
        "/reference/calendar/?year=2027",
        {"date": "2027-02-06", "kind": "workday", "note": "春节调休", "notice": NOTICE_2027},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.date, day.kind, day.created_by) == (
        dt.date(2027, 2, 6),
        "workday",
        demo["office_staff"],
    )
    page = c.get("/reference/calendar/?year=2027").content.decode()
    assert "春节调休" in page and 'id="calendar-notice"' not in page
    # A weekday as 上班 is refused on the form, naming the date; nothing is saved.
    bad = c.post(
        "/reference/calendar/?year=2027",
        {"date": "2027-03-03", "kind": "workday", "notice": NOTICE_2027},
    )
    assert bad.status_code == 200 and "本就是工作日" in bad.content.decode()
    assert CalendarDay.objects.count() == 1
    assert c.post(f"/reference/calendar/{day.pk}/delete/").status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(object_type="reference.calendarday").count() == 2


def test_an_odd_year_in_the_address_shows_next_year_instead_of_failing(demo, client_for):
    c = client_for("office_staff")
    for year in ("abc", "99999", "-5"):
        assert c.get(f"/reference/calendar/?year={year}").status_code == 200


def test_a_department_clerk_may_not_edit_the_calendar(demo, client_for):
    c = client_for("department_staff")
    assert c.get("/reference/calendar/").status_code == 403
    assert (
        c.post(
            "/reference/calendar/",
            {"date": "2027-01-01", "kind": "holiday", "notice": NOTICE_2027},
        ).status_code
        == 403
    )
    assert not CalendarDay.objects.exists()


# --- Importing a year's notice ------------------------------------------------------------
def notice_file(rows, header=("日期", "类型", "说明")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("2027年放假安排.xlsx", buffer.getvalue())


GOOD_2027 = [
    (dt.datetime(2027, 1, 1), "放假", "元旦"),
    ("2027-02-05", "放假", "春节"),
    ("2027年2月6日", "上班", "春节调休"),
]


def _import(c, upload, notice=NOTICE_2027):
    dry = c.post("/reference/calendar/import/", {"notice": notice, "file": upload})
    assert dry.status_code == 200
    token = dry.context.get("token")
    return dry, token


def test_importing_a_notice_twice_enters_each_day_once(demo, client_for):
    c = client_for("office_staff")
    dry, token = _import(c, notice_file(GOOD_2027))
    assert [a for _, a, _, _ in dry.context["plan"]] == ["create"] * 3
    done = c.post("/reference/calendar/import/", {"token": token, "notice": NOTICE_2027})
    assert done.status_code == 302
    assert list(CalendarDay.objects.values_list("date", "kind", "note", "notice")) == [
        (dt.date(2027, 1, 1), "holiday", "元旦", NOTICE_2027),
        (dt.date(2027, 2, 5), "holiday", "春节", NOTICE_2027),
        (dt.date(2027, 2, 6), "workday", "春节调休", NOTICE_2027),
    ]
    assert calendar.add_working_days(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 6)
    dry, token = _import(c, notice_file(GOOD_2027))
    assert [a for _, a, _, _ in dry.context["plan"]] == ["unchanged"] * 3
    c.post("/reference/calendar/import/", {"token": token, "notice": NOTICE_2027})
    assert CalendarDay.objects.count() == 3
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.IMPORT, object_type="reference.calendarday"
    ).exists()


def test_an_import_with_bad_rows_names_row_and_column_and_saves_nothing(demo, client_for):
    c = client_for("office_staff")
    rows = [
        *GOOD_2027,
        ("2027-02-30", "放假", "春节"),  # row 5: no such date
        ("2027-02-07", "补休", ""),  # row 6: unknown kind
        ("2027-03-03", "上班", ""),  # row 7: a Wednesday is already a working day
        ("2027-02-05", "放假", "春节"),  # row 8: row 3's date again
        (None, "放假", "国庆"),  # row 9: no date
    ]
    dry, token = _import(c, notice_file(rows))
    errors = [(e.row, e.column, e.message) for e in dry.context["result"].errors]
    assert errors == [
        (5, "日期", "日期“2027-02-30”无效，请按 2027-01-01 或 2027年1月1日 的格式填写"),
        (6, "类型", "类型“补休”无效，应为 放假 或 上班"),
        (7, "类型", "2027年3月3日是星期三，本就是工作日；调休上班只能录入星期六或星期日。"),
        (8, "日期", "2027-02-05 与第 3 行重复"),
        (9, "日期", "“日期”不能为空"),
    ]
    assert "第 5 行" in dry.content.decode()
    # Confirming anyway (a forged or replayed form) writes nothing either.
    c.post("/reference/calendar/import/", {"token": token, "notice": NOTICE_2027})
    assert not CalendarDay.objects.exists()


def test_an_import_without_the_type_column_or_notice_is_refused(demo, client_for):
    c = client_for("office_staff")
    dry, _ = _import(c, notice_file([("2027-01-01", "元旦")], header=("日期", "说明")))
    assert dry.context["result"].missing_columns == ["类型"]
    dry, _ = _import(c, notice_file(GOOD_2027), notice="")
    assert "依据通知" in dry.content.decode() and not dry.context.get("plan")
    assert not CalendarDay.objects.exists()


# --- The November reminder ----------------------------------------------------------------
def test_from_november_the_administrators_are_reminded_once(demo):
    sysadmin = demo["system_admin"]
    from zhaoshang.notifications.models import Notification
    from zhaoshang.reference.tasks import remind_calendar_entry

    assert remind_calendar_entry(dt.date(2026, 10, 31)) == 0
    assert remind_calendar_entry(dt.date(2026, 11, 1)) == 1
    assert remind_calendar_entry(dt.date(2026, 11, 2)) == 0  # not a daily duplicate
    message = Notification.objects.get(recipient=sysadmin)
    assert message.title == "请录入2027年节假日安排"
    assert message.url == "/reference/calendar/?year=2027"
    # Only the system administrator: not the office clerk, not the department clerk.
    assert Notification.objects.count() == 1
    # Once 2027 is entered, nobody is reminded about it; 2028 starts again next November.
    enter(demo["office_staff"], "2027-01-01", HOLIDAY, "元旦")
    second = services.calendar_reminder_send(today=dt.date(2026, 12, 1))
    assert second == []
    assert remind_calendar_entry(dt.date(2027, 11, 1)) == 1
    # A year the library ships is never asked for.
    assert remind_calendar_entry(dt.date(2025, 11, 3)) == 0

"""The working calendar (工作日历): the one place that says whether a date is a working day.

Every working-day computation in the system (problem deadlines now, service tickets and
complaints later, the jobs that run "every working morning") asks this module, and this
module is the only code that calls chinese-calendar.

Where a date's answer comes from, first match wins:
1. a day the office entered from the State Council's notice (``CalendarDay``): a holiday
   or a weekend day made a working day (调休);
2. chinese-calendar, for the years it ships data for (1.11: 2004–2026). It raises
   NotImplementedError for any other year, so it is never asked about one;
3. Monday to Friday, for a year nobody entered and the library does not know. Pages say
   so beside every deadline computed that way (``fallback_notice``).

A year's entered days are read from the database once and kept in the cache (shared by
the web processes and the worker), so a 10-working-day deadline costs one cache read per
year it spans, not one query per day. Every write of ``CalendarDay`` goes through
``reference.services``, which drops the year from the cache (again after commit, so a
process that read the year meanwhile does not keep the old days).
"""

import datetime as dt

import chinese_calendar
from django.core.cache import cache
from django.db import transaction

# The years chinese-calendar has data for; outside them it raises NotImplementedError.
LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
# A time limit (办理时限) is 1 to 250 working days (a year's working days): the one rule
# for problems now and service tickets and complaints later; forms, API and services ask
# ``time_limit_error``.
MAX_TIME_LIMIT = 250
# Far enough to cover any deadline, short enough that a bad argument cannot spin for long.
MAX_DAYS = 3660


def _key(year):
    return f"zs:workcal:{year}"


def _load(year):
    from .models import CalendarDay

    return {
        day: kind == CalendarDay.Kind.WORKDAY
        for day, kind in CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    }


def entered_days(year):
    """{date: is a working day} of the days the office entered for ``year`` (cached)."""
    days = cache.get(_key(year))
    if days is None:
        days = _load(year)
        cache.set(_key(year), days, None)
    return days


def invalidate(year):
    """Forget the cached days of ``year``: now, and once the writer's transaction commits
    (another process may read the old rows before then and cache them again)."""
    cache.delete(_key(year))
    transaction.on_commit(lambda: cache.delete(_key(year)))


def library_knows(year):
    return year in LIBRARY_YEARS


def year_covered(year):
    """True when ``year``'s holidays are known: the library ships them or the office
    entered the year's notice. An uncovered year counts Monday to Friday."""
    return library_knows(year) or bool(entered_days(year))


def _as_date(day):
    return day.date() if isinstance(day, dt.datetime) else day


def _is_working(day, entered):
    if day in entered:
        return entered[day]
    if library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_working_day(day):
    day = _as_date(day)
    return _is_working(day, entered_days(day.year))


def time_limit_error(days):
    """The Chinese message when ``days`` is not a time limit one may set, else ""."""
    if days is None or not 1 <= days <= MAX_TIME_LIMIT:
        return f"办理时限应为 1 至 {MAX_TIME_LIMIT} 个工作日。"
    return ""


def add_working_days(start, days):
    """The date ``days`` working days after ``start`` (``start`` itself not counted),
    or before it for a negative ``days``. Zero gives ``start`` when it is a working
    day, else the next working day."""
    day = _as_date(start)
    if abs(days) > MAX_DAYS:
        raise ValueError(f"工作日数 {days} 超出范围（至多 {MAX_DAYS} 个工作日）。")
    years = {}

    def working(d):
        if d.year not in years:
            years[d.year] = entered_days(d.year)
        return _is_working(d, years[d.year])

    if days == 0:
        while not working(day):
            day += dt.timedelta(days=1)
        return day
    step = dt.timedelta(days=1 if days > 0 else -1)
    left = abs(days)
    while left:
        day += step
        if working(day):
            left -= 1
    return day


def uncovered_years(*days):
    """The years, among those of ``days`` and the years between them, whose holidays
    nobody entered and the library does not know."""
    years = [_as_date(d).year for d in days if d is not None]
    if not years:
        return []
    return [y for y in range(min(years), max(years) + 1) if not year_covered(y)]


def fallback_notice(*days):
    """The sentence shown beside a deadline computed as Monday to Friday, or ""."""
    years = uncovered_years(*days)
    if not years:
        return ""
    return f"{'、'.join(str(y) for y in years)} 年节假日安排尚未录入，期限暂按周一至周五计算"


def library_days(year):
    """The library's holidays and adjusted working days of ``year`` as (date, is a
    working day, name), for the calendar page; empty for a year it does not know."""
    if not library_knows(year):
        return []
    days = [(d, False, n) for d, n in chinese_calendar.holidays.items() if d.year == year]
    days += [(d, True, n) for d, n in chinese_calendar.workdays.items() if d.year == year]
    return sorted(days)

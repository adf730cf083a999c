"""Amounts and dates as a Chinese office prints them, in one place.

Every page, export, message and report writes an amount in 万元 and a date as
2026年12月7日 through these functions, so that one figure never reads two ways on two
pages. Amounts are stored in yuan (Decimal); they are divided by 10,000 and rounded
half up to two places (the way a clerk rounds, not Python's banker's rounding), and
printed with thousands separators as Chinese statistical tables do: 1,170,800.00.
Dates: a datetime is stored in UTC and is turned into Asia/Shanghai before its day is
read, so a record made at 01:00 Beijing time is not dated the day before."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")
EMPTY = "—"
# The unit of each kind of figure in reports and targets.
KIND_UNIT = {"count": "个", "cny": "万元", "usd": "万美元"}


def _decimal(value):
    """``value`` (Decimal, int, float or text with separators) as a Decimal, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    # str() first: a float goes in as it prints (0.1, not 0.1000000000000000055…).
    return Decimal(str(value).replace(",", ""))


def wan(amount):
    """Yuan (or dollars) → 万 as a Decimal of two places, rounded half up; None stays
    None. For spreadsheet cells and charts, which want the number, not its text."""
    value = _decimal(amount)
    if value is None:
        return None
    return (value / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value, places=2):
    """A Decimal with thousands separators and ``places`` decimals, rounded half up:
    1170800 → "1,170,800.00"; "—" when unknown."""
    value = _decimal(value)
    if value is None:
        return EMPTY
    exponent = Decimal(1).scaleb(-places)
    return f"{value.quantize(exponent, rounding=ROUND_HALF_UP):,.{places}f}"


def wan_number(amount):
    """Yuan → "1,170,800.00" (万), for a column whose header already says 万元."""
    return number(wan(amount))


def wan_text(amount, unit="万元"):
    """Yuan → "1,170,800.00万元", for a sentence or a field shown without a header."""
    value = wan(amount)
    return EMPTY if value is None else f"{number(value)}{unit}"


def wan_exact(amount):
    """Yuan → "1234.5678万元" with every digit kept and no separators: the value put back
    into a form's amount field, so that saving the form unchanged changes nothing."""
    value = _decimal(amount)
    if value is None:
        return ""
    return f"{(value / TEN_THOUSAND).normalize():f}万元"


def figure(value, kind):
    """A report figure as the tables write it: a count as an integer, an amount (yuan or
    dollars) in 万 with two places (a Decimal, so a spreadsheet keeps it a number); "—"
    when unknown."""
    value = _decimal(value)
    if value is None:
        return EMPTY
    return int(value) if kind == "count" else wan(value)


def figure_text(value, kind):
    """``figure`` as a page prints it: "12", "1,234.50"; "—" when unknown."""
    shown = figure(value, kind)
    return number(shown) if isinstance(shown, Decimal) else str(shown)


def percent(value):
    return EMPTY if value is None or value == "" else f"{value}%"


class Rate:
    """A rate in a report table (85.3 meaning 85.3%): printed "85.3%" on a page and in
    Word, written to a spreadsheet as the number 0.853 formatted 0.00% (a number the
    reader can sort and compute with, never the text "85.3%"). Unknown: "—"."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = _decimal(value)

    def __str__(self):
        return percent(self.value)

    def __repr__(self):
        return f"Rate({self.value!r})"

    def __eq__(self, other):
        return isinstance(other, Rate) and other.value == self.value

    def __hash__(self):
        return hash(("rate", self.value))

    def fraction(self):
        """The rate as a fraction for a spreadsheet cell (0.853), None when unknown."""
        return None if self.value is None else self.value / 100


def cn_date(value):
    """A date (or datetime, or ISO text) as 2026年12月7日; "—" when unknown. A datetime is
    read in local time (Asia/Shanghai) first; a naive one is taken as local already."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        # A snapshot keeps dates as ISO text: "2026-12-07", or a datetime's full form.
        value = (
            dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
        )
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value):
    """A moment as 2026年12月7日 14:05, read in local time (Asia/Shanghai); "—" when
    unknown. For the times a message names (a key revoked, a job finished)."""
    if value is None or value == "":
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"

"""The one formatter of amounts (万元) and dates (2026年12月7日): rounding, signs,
unknown values, large amounts, and a datetime read in Beijing time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from zhaoshang.common import formats

UTC = dt.UTC


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [
        # .005 万 rounds half up (banker's rounding would give 0.00 and 0.02).
        (Decimal("50"), Decimal("0.01")),
        (Decimal("150"), Decimal("0.02")),
        (Decimal("249.99"), Decimal("0.02")),
        (Decimal("-50"), Decimal("-0.01")),
        (Decimal("0"), Decimal("0.00")),
        (12345678, Decimal("1234.57")),
        ("1,000,000", Decimal("100.00")),
    ],
)
def test_wan_rounds_half_up_to_two_places(yuan, expected):
    assert formats.wan(yuan) == expected
    assert formats.wan(yuan).as_tuple().exponent == -2


def test_large_amounts_print_with_thousands_separators():
    assert formats.wan_number(Decimal("11708000000000")) == "1,170,800,000.00"
    assert formats.wan_text(Decimal("11708000000")) == "1,170,800.00万元"
    assert formats.wan_text(Decimal("10050"), "万美元") == "1.01万美元"
    assert formats.number(Decimal("1234567.005")) == "1,234,567.01"


def test_negative_amounts_keep_their_sign_before_the_digits():
    assert formats.wan_number(Decimal("-12345678")) == "-1,234.57"
    assert formats.wan_text(Decimal("-50")) == "-0.01万元"


def test_unknown_values_print_a_dash_and_stay_none_for_cells():
    assert formats.wan(None) is None
    assert formats.wan("") is None
    assert formats.wan_number(None) == "—"
    assert formats.wan_text(None) == "—"
    assert formats.cn_date(None) == "—"
    assert formats.figure(None, "cny") == "—"
    assert formats.wan_exact(None) == ""


def test_form_value_keeps_every_digit_so_an_unchanged_form_changes_nothing():
    assert formats.wan_exact(Decimal("12345.67")) == "1.234567万元"
    assert formats.wan_exact(Decimal("100000000.00")) == "10000万元"


def test_report_figures_count_as_integers_amounts_in_wan():
    assert formats.figure(Decimal("3"), "count") == 3
    assert formats.figure(Decimal("134456700"), "cny") == Decimal("13445.67")
    assert formats.figure_text(Decimal("134456700"), "usd") == "13,445.67"
    assert formats.figure_text(Decimal("12"), "count") == "12"


def test_dates_in_chinese_without_leading_zeros():
    assert formats.cn_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert formats.cn_date("2026-12-07") == "2026年12月7日"


def test_aware_datetime_is_read_in_beijing_time_near_midnight():
    # 16:30 UTC on 6 December is 00:30 on 7 December in Beijing (UTC+8).
    late = dt.datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    assert formats.cn_date(late) == "2026年12月7日"
    assert formats.cn_date(late.isoformat()) == "2026年12月7日"
    # 15:59 UTC is still 6 December in Beijing.
    assert formats.cn_date(dt.datetime(2026, 12, 6, 15, 59, tzinfo=UTC)) == "2026年12月6日"


def test_a_moment_prints_its_beijing_day_and_time():
    # 16:30 UTC on 6 December is 00:30 on 7 December in Beijing.
    assert formats.cn_datetime(dt.datetime(2026, 12, 6, 16, 30, tzinfo=UTC)) == (
        "2026年12月7日 00:30"
    )
    assert formats.cn_datetime(None) == "—"


def test_naive_datetime_is_taken_as_local_already():
    assert formats.cn_date(dt.datetime(2026, 12, 6, 23, 59)) == "2026年12月6日"
    assert formats.cn_date(dt.datetime(2026, 12, 7, 0, 30)) == "2026年12月7日"


def test_template_filters_print_what_the_formatter_prints():
    out = Template(
        "{% load zs_format %}{{ a|wan }}|{{ a|wan_text }}|{{ d|cndate }}|{{ n|wan }}|"
        "{{ c|shown:'count' }}|{{ a|shown:'cny' }}"
    ).render(
        Context(
            {
                "a": Decimal("11708000000"),
                "d": dt.datetime(2026, 12, 6, 16, 30, tzinfo=UTC),
                "n": None,
                "c": Decimal("7"),
            }
        )
    )
    assert out == "1,170,800.00|1,170,800.00万元|2026年12月7日|—|7|1,170,800.00"


def test_exported_amounts_stay_numbers_with_separators(tmp_path):
    from openpyxl import load_workbook

    from zhaoshang.common.excel import write_workbook

    path = tmp_path / "t.xlsx"
    with path.open("wb") as out:
        write_workbook(out, [("表", ["金额（万元）"], [[formats.wan(Decimal("11708000000"))]])])
    cell = load_workbook(path).active["A2"]
    assert cell.value == 1170800
    assert cell.number_format == "#,##0.00"

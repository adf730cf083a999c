"""The parsers of values as offices write them, and name normalisation, tested on
properties over generated inputs and on real-world variants."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.enterprises.parsing import normalize_name, parse_amount, parse_date

# Cores without the characters of legal forms: "一一有限" + "公司" is ambiguous by nature.
CJK = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=12
).filter(lambda core: not any(ch in core for ch in "有限公司集团股份责任"))
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "集团", ""]
REGIONS = ["", "（北京）", "(深圳)", "【上海】", "（中国）"]


@given(CJK, st.sampled_from(SUFFIXES), st.sampled_from(REGIONS), st.sampled_from(SUFFIXES))
def test_legal_form_and_bracketed_region_do_not_matter(core, suffix, region, other_suffix):
    assert normalize_name(core + region + suffix) == normalize_name(core + other_suffix)


@given(CJK)
def test_full_width_and_spaces_do_not_matter(core):
    full = core.replace("", " ") + "ＡＢＣ有限公司"
    assert normalize_name(full) == normalize_name(core + "abc有限公司")


@given(CJK)
def test_normalisation_is_idempotent(core):
    once = normalize_name(core + "有限公司")
    assert normalize_name(once) == once


REAL_VARIANTS = [
    ("华为技术有限公司", "华为技术（深圳）有限公司"),
    ("中国平安保险（集团）股份有限公司", "中国平安保险集团股份有限公司"),
    ("腾讯科技(深圳)有限公司", "腾讯科技（深圳）有限公司"),
    ("ＴＣＬ科技集团股份有限公司", "TCL科技集团股份有限公司"),
    ("京东方科技集团股份有限公司", "京东方科技集团"),
    ("天津 渤海银行 股份有限公司", "天津渤海银行股份有限公司"),
]


@pytest.mark.parametrize("a, b", REAL_VARIANTS)
def test_real_world_variants_normalise_alike(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_different_companies_stay_different():
    assert normalize_name("华为技术有限公司") != normalize_name("华为终端有限公司")
    assert normalize_name("中国银行股份有限公司") != normalize_name("中国建设银行股份有限公司")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_in_wan_and_yi(amount):
    assert parse_amount(f"{amount}万元") == ((amount * 10000).quantize(Decimal("0.01")), "CNY")
    assert parse_amount(f"{amount}亿元") == ((amount * 100000000).quantize(Decimal("0.01")), "CNY")
    assert parse_amount(f"{amount}万美元") == ((amount * 10000).quantize(Decimal("0.01")), "USD")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5000万元", (Decimal("50000000.00"), "CNY")),
        ("1.2亿元", (Decimal("120000000.00"), "CNY")),
        ("500万美元", (Decimal("5000000.00"), "USD")),
        ("1,000万人民币", (Decimal("10000000.00"), "CNY")),
        ("３００万港币", (Decimal("3000000.00"), "HKD")),
        (1500, (Decimal("1500.00"), "CNY")),
        ("", None),
    ],
)
def test_amounts_as_offices_write_them(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["-5万元", "五千万", "12万卢布", "abc"])
def test_bad_amounts_say_why(text):
    with pytest.raises(ValueError) as exc:
        parse_amount(text)
    assert "金额" in str(exc.value)


@given(st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_dates_in_every_office_format(day):
    for text in [
        f"{day:%Y-%m-%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
        f"{day.year}.{day.month}.{day.day}",
    ]:
        assert parse_date(text) == day, text
    serial = (day - datetime.date(1899, 12, 30)).days
    assert parse_date(serial) == day


@pytest.mark.parametrize("text", ["2021-02-30", "2021年13月1日", "去年", "2021-1"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError) as exc:
        parse_date(text)
    assert "日期" in str(exc.value)


def _initials_as_pypinyin_reads_the_whole_name(name):
    import re

    from pypinyin import Style, lazy_pinyin

    from zhaoshang.enterprises.search import search_key

    parts = lazy_pinyin(search_key(name), style=Style.FIRST_LETTER, errors="default")
    return re.sub(r"[^0-9a-z]", "", "".join(parts).lower())[:200]


def test_initials_read_words_not_characters():
    from zhaoshang.enterprises.search import initials_of

    assert initials_of("重庆长安汽车股份有限公司") == "cqcaqcgfyxgs"
    assert initials_of("长沙银行") == "csyh"
    assert initials_of("ＡＢＣ科技（北京）有限公司") == "abckjbjyxgs"


@given(
    st.text(
        alphabet=st.sampled_from(
            list("重庆长沙银行行长都会乐山华为技术有限公司天津数智科技传媒调度单于")
            + list("ab12（）()-·　 ＡＢ〇㐀𠀁")
        ),
        max_size=24,
    )
)
def test_initials_as_pypinyin_reads_the_whole_name(name):
    from zhaoshang.enterprises.search import initials_of

    assert initials_of(name) == _initials_as_pypinyin_reads_the_whole_name(name)

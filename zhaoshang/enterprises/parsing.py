"""Values as offices write them in Excel: amounts ("5000万元", "1.2亿元", "500万美元"),
dates ("2021-01-11", "2021/1/11", "2021年1月11日", Excel serials) and company names.

Each parser returns the value or raises ``ValueError`` with a Chinese message that an
import shows beside the row and column."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

CURRENCIES = {
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
    "新加坡元": "SGD",
    "新台币": "TWD",
    "澳门元": "MOP",
    "韩元": "KRW",
}
MULTIPLIERS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}
_AMOUNT = re.compile(
    r"^(?P<num>[+-]?\d+(?:\.\d+)?)\s*(?P<mult>亿|万|千)?\s*(?P<cur>"
    + "|".join(sorted(CURRENCIES, key=len, reverse=True))
    + r")?(?:元)?$"
)


def parse_amount(value, *, default_multiplier=Decimal(1), default_currency="CNY"):
    """``(amount in whole currency units, ISO currency)``; None for an empty cell.

    ``default_multiplier`` applies to a bare number (a column headed "（万元）" passes
    10000). Amounts keep two decimal places, never a float."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("金额不能是是/否")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        amount, currency = number * default_multiplier, default_currency
    else:
        text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace(" ", "")
        text = text.replace("人民币元", "人民币").replace("元人民币", "人民币")
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"无法识别的金额“{value}”（应如 5000万元、1.2亿元、500万美元）")
        try:
            number = Decimal(match["num"])
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise ValueError(f"无法识别的金额“{value}”") from exc
        mult = MULTIPLIERS[match["mult"]] if match["mult"] else default_multiplier
        currency = CURRENCIES[match["cur"]] if match["cur"] else default_currency
        amount = number * mult
    if amount < 0:
        raise ValueError(f"金额不能为负数（“{value}”）")
    return amount.quantize(Decimal("0.01")), currency


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug)


def parse_date(value):
    """A ``date``; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(f"无效的日期“{value}”")
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().split(" ")[0]
    if text.isdigit() and len(text) <= 5:
        return parse_date(int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"不存在的日期“{value}”") from exc
    raise ValueError(f"无法识别的日期“{value}”（应如 2021-01-11、2021/1/11 或 2021年1月11日）")


# --- Names ------------------------------------------------------------------------------
LEGAL_FORMS = [
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
]
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_BRACKETED = re.compile(r"\(([^()]*)\)")


def _region_words():
    from .regions import REGION_WORDS

    return REGION_WORDS


def normalize_name(name):
    """The comparable form of a company name: full/half width folded, spaces and
    punctuation dropped, bracketed region parts such as "（北京）" removed, and the
    legal-form suffix (有限公司, 股份有限公司, 集团 …) cut. Two names that differ
    only in these ways normalise to the same string."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS).lower()
    text = re.sub(r"\s+", "", text)
    regions = _region_words()

    def drop_region(match):
        inner = match.group(1)
        return "" if inner in regions or not inner else f"({inner})"

    text = _BRACKETED.sub(drop_region, text)
    text = re.sub(r"[()·.,，、\-_&'\"“”]", "", text)  # "（集团）" then reads as 集团
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_FORMS:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
    return text

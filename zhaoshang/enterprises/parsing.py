"""Values as offices write them in Excel: amounts ("5000万元", "1.2亿元", "500万美元"),
dates ("2021-01-11", "2021/1/11", "2021年1月11日", Excel serials) and company names.

Each parser returns the value or raises ``ValueError`` with a Chinese message that an
import shows beside the row and column."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

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
# Two forms of a name. ``normalize_name`` gives the core (stored as ``dedupe_key``): what
# remains once everything that varies in how people write one company's name is gone,
# so that every variant finds the record through one index. ``exact_name`` keeps what
# tells two companies apart (a bracketed place, 集团 or 股份, a branch): only names whose
# exact forms agree are "名称相同"; other names with the same or a similar core are
# offered as candidates for the user to judge.

# Plain forms say nothing about which entity it is (有限责任公司 and 有限公司 are written
# for one another); 集团 and 股份 mark a group company or a joint-stock company, which
# is another entity than the plain company of the same name.
_PLAIN_FORMS = ("有限责任公司", "有限公司", "公司")
_MARKED_FORMS = (
    ("集团股份有限公司", "集团股份"),
    ("集团有限责任公司", "集团"),
    ("集团有限公司", "集团"),
    ("股份有限公司", "股份"),
    ("集团公司", "集团"),
    ("股份公司", "股份"),
    ("集团", "集团"),
)
LEGAL_FORMS = [form for form, _ in _MARKED_FORMS] + list(_PLAIN_FORMS)
# A branch is its own entity; its name ends with the parent's name and one of these, and
# the 公司 of 分公司 is no legal form to cut.
_BRANCH = re.compile(r"(分公司|分行|支行|分店|分厂|分所|营业部|办事处|代表处|分理处|经营部)$")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_BRACKETED = re.compile(r"\(([^()]*)\)")
_PUNCTUATION = re.compile(r"[()·.,，、\-_&'\"“”]")
_INNER_FORMS = re.compile("|".join(sorted(LEGAL_FORMS, key=len, reverse=True)))
# A leading place is cut from the core only when this much name is left: "深圳市腾讯计算机
# 系统" is 腾讯计算机系统, but 北京银行 and 上海银行 must not both become 银行.
_MIN_CORE_AFTER_PLACE = 3


@lru_cache(maxsize=1)
def _t2s():
    # OpenCC's own phrase tables (華為→华为, 臺灣→台湾, 乾坤 stays): a kept library, not a
    # hand table of characters, which gets one-to-many characters wrong.
    import opencc

    return opencc.OpenCC("t2s")


def fold_text(text):
    """Width folded (NFKC), traditional characters made simplified, lower case, no spaces:
    the form search keys and names are compared in."""
    text = _t2s().convert(unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\s+", "", text).lower()


@lru_cache(maxsize=1)
def _places():
    """{place word: its short form}, and one pattern of all of them, longest first."""
    from .regions import LEADING_PLACES, REGION_WORDS, short_form

    canon = {w: short_form(w) for w in REGION_WORDS}
    leading = re.compile("|".join(sorted(LEADING_PLACES, key=len, reverse=True)))
    trailing = re.compile("(" + "|".join(sorted(canon, key=len, reverse=True)) + ")$")
    return canon, leading, trailing


def _split(name):
    """(leading places, body, bracketed places, 集团/股份 marker) of a name,
    folded; the body keeps a non-place bracket's words and any branch part."""
    canon, leading_places, trailing_place = _places()
    text = fold_text(name).translate(_BRACKETS)
    bracketed = []

    def bracket(match):
        inner = match.group(1)
        if inner in canon:
            bracketed.append(canon[inner])
            return ""
        return inner

    text = _BRACKETED.sub(bracket, text)
    text = _PUNCTUATION.sub("", text)
    group = share = False
    if not _BRANCH.search(text):
        changed = True
        while changed:
            changed = False
            for form, marker in _MARKED_FORMS:
                if text.endswith(form) and len(text) > len(form) + 1:
                    text, changed = text[: -len(form)], True
                    group, share = group or "集团" in marker, share or "股份" in marker
                    break
            else:
                for form in _PLAIN_FORMS:
                    if text.endswith(form) and len(text) > len(form) + 1:
                        text, changed = text[: -len(form)], True
                        break
        # "联想（北京）有限公司" written without its brackets: the place before the legal
        # form is the bracketed one.
        match = trailing_place.search(text)
        if match and len(text) - len(match.group(1)) >= 2:
            bracketed.append(canon[match.group(1)])
            text = text[: match.start()]
    leading = []
    while match := leading_places.match(text):
        if len(text) - match.end() < _MIN_CORE_AFTER_PLACE:
            break
        leading.append(canon[match.group(0)])
        text = text[match.end() :]
    return leading, text, bracketed, ("集团" if group else "") + ("股份" if share else "")


def normalize_name(name):
    """The core of a company name, stored as ``dedupe_key``: folded (width, traditional
    characters, case, spaces, punctuation), leading places cut (深圳市…, 广东省深圳市…),
    bracketed places cut whether the brackets were written or not, legal forms cut
    wherever they are (有限公司, 股份有限公司, 集团 …). Every way of writing one
    company's name gives the same core; different companies may share one, and
    ``exact_name`` tells them apart."""
    body = _split(name)[1]
    branch = _BRANCH.search(body)
    if branch:
        # "…股份有限公司北京分行" is often written "…北京分行": the parent's form goes.
        return _INNER_FORMS.sub("", body[: branch.start()]) + branch.group(1)
    return body


def exact_name(name):
    """What must agree for two names to be "名称相同": the places written (leading ones
    by their short form, 深圳市 = 深圳; a bracketed one with or without its brackets),
    the name, a branch part, and the 集团/股份 marker; plain legal forms
    (有限公司/有限责任公司/公司) and how the name is written (width, traditional
    characters, spaces, brackets) do not count."""
    leading, body, bracketed, marker = _split(name)
    body = body.replace("有限责任公司", "有限公司")
    return "".join(leading) + body + "".join(bracketed) + marker

"""Incentive clauses as typed rules: what parameters each kind takes, and the checks a
clause passes before it is kept. Messages name the field that is wrong.

Parameters are kept as JSON with amounts and rates as strings (never floats), read back
with ``Decimal``. A rate is a fraction (0.5 = 50%)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .models import IncentiveClause

K = IncentiveClause.Kind

# kind -> {param: (label, type)}; type: "rate", "money", "number", "date", "rates", "tiers", "text"
PARAMS = {
    K.TAX_SHARE: {"rates": ("分年度奖励比例", "rates")},
    K.LANDING_AWARD: {"tiers": ("实缴注册资本分档及奖励额", "tiers")},
    K.RENT_SUBSIDY: {
        "per_m2_day": ("补贴标准（元/平方米·天）", "money"),
        "area": ("补贴面积（平方米）", "number"),
        "start": ("补贴起始日", "date"),
        "end": ("补贴截止日", "date"),
    },
    K.TALENT_SUBSIDY: {
        "people": ("补贴人数", "number"),
        "per_person": ("每人每年补贴（元）", "money"),
    },
    K.EQUIPMENT_SUBSIDY: {"rate": ("补贴比例", "rate")},
    K.TAILORED: {
        "amount": ("每年奖励金额（元）", "money"),
        "meeting": ("审定会议", "text"),
    },
}

# How each kind is described to the clerk on the clause form.
HELP = {
    K.TAX_SHARE: "按企业当年区级留成税收乘以该年度比例计算，如 前三年 100%、后两年 50%。",
    K.LANDING_AWARD: "一次性奖励，在起始年度按当年实缴注册资本所达最高档次计算。",
    K.RENT_SUBSIDY: "补贴标准 × 面积 × 补贴期内落在该年度的天数。",
    K.TALENT_SUBSIDY: "人数 × 每人每年补贴。",
    K.EQUIPMENT_SUBSIDY: "当年设备投资发票金额 × 补贴比例。",
    K.TAILORED: "常务会议一事一议确定的每年奖励金额。",
}


def decimal(value, label, *, allow_zero=True):
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"“{label}”应为数字，现为“{value}”。") from exc
    if not number.is_finite():
        raise ValidationError(f"“{label}”应为数字，现为“{value}”。")
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationError(f"“{label}”不能为负数{'或零' if not allow_zero else ''}。")
    return number


def _date(value, label):
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"“{label}”应为日期（如 2026-01-01），现为“{value}”。") from exc


def _rate(value, label):
    rate = decimal(value, label)
    if rate > 1:
        raise ValidationError(f"“{label}”应在 0 到 100% 之间，现为 {rate * 100:g}%。")
    return rate


def _rates(value, label, first_year, last_year):
    """[[first year, last year, rate], …]: periods inside the clause's years, not
    overlapping, together covering every year of the clause."""
    if not isinstance(value, list) or not value:
        raise ValidationError(f"“{label}”至少填写一个年度区间。")
    periods, seen = [], {}
    for n, item in enumerate(value, start=1):
        try:
            a, b, rate = int(item[0]), int(item[1]), _rate(item[2], f"{label}第 {n} 段比例")
        except (TypeError, ValueError, IndexError) as exc:
            raise ValidationError(f"“{label}”第 {n} 段应为 起始年、截止年、比例。") from exc
        if b < a:
            raise ValidationError(f"“{label}”第 {n} 段截止年 {b} 早于起始年 {a}。")
        if a < first_year or b > last_year:
            raise ValidationError(
                f"“{label}”第 {n} 段（{a}—{b}年）超出条款年度 {first_year}—{last_year}年。"
            )
        for year in range(a, b + 1):
            if year in seen:
                raise ValidationError(
                    f"“{label}”第 {n} 段与第 {seen[year]} 段年度重叠（{year}年）。"
                )
            seen[year] = n
        periods.append([a, b, str(rate)])
    missing = [y for y in range(first_year, last_year + 1) if y not in seen]
    if missing:
        raise ValidationError(
            f"“{label}”未覆盖 {'、'.join(str(y) for y in missing)}年，请为每个年度给出比例。"
        )
    return sorted(periods)


def _tiers(value, label):
    """[[paid-in capital at least, award], …] by rising threshold."""
    if not isinstance(value, list) or not value:
        raise ValidationError(f"“{label}”至少填写一档。")
    tiers = []
    for n, item in enumerate(value, start=1):
        try:
            floor = decimal(item[0], f"{label}第 {n} 档门槛")
            award = decimal(item[1], f"{label}第 {n} 档奖励")
        except (TypeError, IndexError) as exc:
            raise ValidationError(f"“{label}”第 {n} 档应为 门槛、奖励额。") from exc
        tiers.append((floor, award))
    tiers.sort()
    for (a, _), (b, _) in zip(tiers, tiers[1:], strict=False):
        if a == b:
            raise ValidationError(f"“{label}”有两档门槛相同（{a} 元）。")
    return [[str(f), str(a)] for f, a in tiers]


def clean_params(kind, params, first_year, last_year):
    """The parameters of a clause of ``kind``, checked and normalised; ValidationError
    naming the parameter otherwise."""
    if kind not in PARAMS:
        raise ValidationError(f"未知的奖励类型“{kind}”。")
    params = params or {}
    out = {}
    for key, (label, kind_of) in PARAMS[kind].items():
        value = params.get(key)
        if value in (None, "", []):
            raise ValidationError({key: f"请填写“{label}”。"})
        try:
            if kind_of == "rate":
                out[key] = str(_rate(value, label))
            elif kind_of == "money":
                out[key] = str(decimal(value, label))
            elif kind_of == "number":
                out[key] = str(decimal(value, label, allow_zero=False))
            elif kind_of == "date":
                out[key] = _date(value, label).isoformat()
            elif kind_of == "rates":
                out[key] = _rates(value, label, first_year, last_year)
            elif kind_of == "tiers":
                out[key] = _tiers(value, label)
            else:
                out[key] = str(value).strip()[:100]
        except ValidationError as exc:
            raise ValidationError({key: exc.messages}) from exc
    if kind == K.RENT_SUBSIDY:
        start, end = dt.date.fromisoformat(out["start"]), dt.date.fromisoformat(out["end"])
        if end < start:
            raise ValidationError({"end": "“补贴截止日”早于“补贴起始日”。"})
        if start.year < first_year or end.year > last_year:
            raise ValidationError(
                {"end": f"补贴期 {start}—{end} 超出条款年度 {first_year}—{last_year}年。"}
            )
    return out


def overlapping(agreement, kind, first_year, last_year, *, exclude=None):
    """The clause in force of the same kind on the agreement whose years meet these."""
    qs = IncentiveClause.objects.in_force().filter(
        agreement=agreement, kind=kind, first_year__lte=last_year, last_year__gte=first_year
    )
    if exclude is not None:
        qs = qs.exclude(pk__in=exclude if isinstance(exclude, list | tuple) else [exclude])
    return qs.order_by("first_year").first()


def check_clause(*, agreement, data, exclude=None):
    """Every rule a clause must meet before it is kept; returns the cleaned data."""
    first, last = data["first_year"], data["last_year"]
    if last < first:
        raise ValidationError({"last_year": f"截止年度 {last} 早于起始年度 {first}。"})
    if first < agreement.term_start.year or last > agreement.term_end.year:
        raise ValidationError(
            {
                "last_year": f"条款年度 {first}—{last}年超出协议期限"
                f"（{agreement.term_start.year}—{agreement.term_end.year}年）。"
            }
        )
    other = overlapping(agreement, data["kind"], first, last, exclude=exclude)
    if other is not None:
        raise ValidationError(
            {
                "first_year": f"与已有条款“{other.title}”（{other.first_year}—{other.last_year}年）"
                f"年度重叠：同一类奖励同一年度只能有一条条款，请调整年度或以补充协议修改原条款。"
            }
        )
    data = dict(data)
    data["params"] = clean_params(data["kind"], data.get("params"), first, last)
    if data.get("cap") is not None and data["cap"] < 0:
        raise ValidationError({"cap": "“每年上限”不能为负数。"})
    if data.get("condition_min") is not None and not data.get("condition_metric"):
        raise ValidationError({"condition_metric": "填写了条件下限，请选择条件指标。"})
    if not (data.get("policy_article") or "").strip():
        raise ValidationError({"policy_article": "请填写所依据的政策条款。"})
    return data


def describe(clause):
    """The clause's parameters as a sentence a clerk reads."""
    from .calculation import pct

    p = clause.params or {}
    if clause.kind == K.TAX_SHARE:
        return "；".join(
            f"{a}{'—' + str(b) if b != a else ''}年按区级留成税收的 {pct(r)}"
            for a, b, r in p["rates"]
        )
    if clause.kind == K.LANDING_AWARD:
        return "；".join(
            f"实缴注册资本达 {Decimal(f):,.0f} 元奖励 {Decimal(a):,.0f} 元" for f, a in p["tiers"]
        )
    if clause.kind == K.RENT_SUBSIDY:
        return f"{p['start']} 至 {p['end']}，{p['area']} 平方米，每平方米每天 {p['per_m2_day']} 元"
    if clause.kind == K.TALENT_SUBSIDY:
        return f"{p['people']} 人，每人每年 {p['per_person']} 元"
    if clause.kind == K.EQUIPMENT_SUBSIDY:
        return f"按当年设备投资发票金额的 {pct(p['rate'])}"
    if clause.kind == K.TAILORED:
        return f"{p['meeting']}审定，每年 {p['amount']} 元"
    return ""

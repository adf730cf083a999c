"""Targets from Excel: one row per unit, the columns offices use (amounts in 万元, foreign
investment in 万美元 as the assessment documents write them), dry run, then commit."""

from decimal import Decimal, InvalidOperation

from zhaoshang.common.imports import Column, JobImport, RowError, register
from zhaoshang.org.models import Department

from . import services
from .models import INDICATORS, Target

TEN_THOUSAND = Decimal(10_000)
UNIT_LABEL = {"count": "个", "cny": "万元", "usd": "万美元"}


def _year(value):
    try:
        year = int(str(value).replace("年", "").strip())
    except ValueError as exc:
        raise ValueError(f"年度“{value}”应为四位数字，如 2026") from exc
    if not 2000 <= year <= 2100:
        raise ValueError(f"年度“{value}”不正确")
    return year


def _unit(value):
    text = str(value).strip()
    unit = (
        Department.objects.filter(name=text).first()
        or Department.objects.filter(short_name=text).first()
    )
    if unit is None:
        raise ValueError(f"找不到单位“{text}”（请填写单位全称或简称）")
    return unit


def _count(value):
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"“{value}”不是数字") from exc
    if number < 0 or number != number.to_integral_value():
        raise ValueError(f"“{value}”应为不小于 0 的整数")
    return int(number)


def _wan(value):
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"“{value}”不是数字") from exc
    if number < 0:
        raise ValueError(f"“{value}”不能为负数")
    return (number * TEN_THOUSAND).quantize(Decimal("0.01"))


def header(code, label, kind):
    return f"{label}（{UNIT_LABEL[kind]}）"


COLUMNS = [
    Column("year", "年度", required=True, parse=_year),
    Column("department", "单位", aliases=("责任单位", "单位名称"), required=True, parse=_unit),
    *[
        Column(
            code,
            header(code, label, kind),
            aliases=(label,),
            parse=_count if kind == "count" else _wan,
        )
        for code, label, kind in INDICATORS
    ],
]


def _plan(result):
    """For each good row whether it creates, updates or changes nothing; a unit's year
    twice in the file is an error on its second row."""
    seen, plan = {}, []
    for number, row in result.rows:
        key = (row["year"], row["department"].pk)
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    "单位",
                    f"{row['department']}{row['year']}年的目标与第 {seen[key]} 行重复",
                )
            )
            continue
        seen[key] = number
        values = {k: v for k, v in row.items() if k not in ("year", "department") and v is not None}
        existing = Target.objects.filter(year=row["year"], department=row["department"]).first()
        if existing is None:
            action = "create"
        elif any(Decimal(getattr(existing, k)) != Decimal(v) for k, v in values.items()):
            action = "update"
        else:
            action = "unchanged"
        plan.append((number, action, row["year"], row["department"], values))
    return plan


def _apply(entry, actor):
    _, _, year, department, values = entry
    _, action = services.target_save(
        actor=actor, year=year, department=department, data=values, detail="Excel 导入"
    )
    return action


TARGETS = register(
    JobImport(
        model="assessment.TargetImport",
        columns=COLUMNS,
        plan=_plan,
        apply=_apply,
        validate_row=lambda row, number: [],
        object_type="assessment.target",
        what="目标任务",
        unit="个单位",
        list_url="assessment:target_import",
        detail_url="assessment:target_import_detail",
        done_url="assessment:target_list",
        done_label="查看目标任务",
        hint="以“年度+单位”识别同一目标，金额以万元、实际利用外资以万美元填写，"
        "重复导入同一文件不会产生重复记录。",
    )
)

"""Carriers and the working calendar from Excel: the columns offices use, their parsing,
and the commit."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from zhaoshang.common.imports import Column, JobImport, RowError, commit_plan, dry_run, register

from . import services
from .models import CalendarDay, Carrier, KeyIndustry, Zone

KINDS = {label: value for value, label in Carrier.Kind.choices} | {
    "楼宇载体": "building",
    "地块": "land",
}
YES = {"是", "Y", "y", "yes", "1", "√", "✓"}
NO = {"否", "N", "n", "no", "0", ""}


def _kind(value):
    kind = KINDS.get(str(value))
    if kind is None:
        raise ValueError(f"未知的载体类型“{value}”（应为 楼宇、园区 或 土地）")
    return kind


def _area(value):
    try:
        number = Decimal(
            str(value).replace(",", "").replace("㎡", "").replace("平方米", "").replace("亩", "")
        )
    except InvalidOperation as exc:
        raise ValueError(f"面积“{value}”不是数字") from exc
    if number < 0:
        raise ValueError(f"面积不能为负数（{value}）")
    return number.quantize(Decimal("0.01"))


def _flag(value):
    text = str(value).strip()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{value}”应填 是 或 否")


def _zone(value):
    zone = Zone.objects.filter(name=str(value)).first()
    if zone is None:
        raise ValueError(f"功能区“{value}”不存在（请先在“功能区”中新增）")
    return zone


def _industries(value):
    names = [n for n in re.split(r"[、,，;；/\s]+", str(value)) if n]
    found = {k.name: k for k in KeyIndustry.objects.filter(name__in=names)}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ValueError(f"重点产业“{'、'.join(unknown)}”不存在")
    return [found[n] for n in names]


COLUMNS = [
    Column("name", "载体名称", ("名称",), required=True, parse=str),
    Column("kind", "载体类型", ("类型",), required=True, parse=_kind),
    Column("address", "地址", parse=str),
    Column("zone", "所属功能区", ("功能区",), parse=_zone),
    Column("total_area", "总面积", ("总面积平方米/亩",), required=True, parse=_area),
    Column("vacant_area", "空置面积", ("可用面积",), parse=_area),
    Column("leading_industries", "主导产业", parse=_industries),
    Column("operator", "运营单位", ("运营方",), parse=str),
    Column("contact_name", "联系人", parse=str),
    Column("contact_phone", "联系电话", ("电话",), parse=str),
    Column("idle_reserve", "闲置储备", ("闲置/储备土地",), parse=_flag),
    Column("reserved_for_major", "重大项目储备", ("留作重大项目",), parse=_flag),
]
DEFAULTS = {
    "address": "",
    "zone": None,
    "vacant_area": Decimal("0.00"),
    "leading_industries": [],
    "operator": "",
    "contact_name": "",
    "contact_phone": "",
    "idle_reserve": False,
    "reserved_for_major": False,
}


def _validate(row, number):
    problems = []
    total, vacant = row.get("total_area"), row.get("vacant_area") or Decimal(0)
    if total is not None and vacant > total:
        problems.append(("空置面积", f"空置面积（{vacant}）大于总面积（{total}）"))
    if row.get("kind") != "land" and (row.get("idle_reserve") or row.get("reserved_for_major")):
        problems.append(("闲置储备", "只有土地类载体可标记闲置储备或重大项目储备"))
    return problems


def _values(row):
    """The row's values, an empty cell meaning the field's empty value. Columns the file
    does not have are left out, so an update never blanks what the file did not carry."""
    return {k: (DEFAULTS.get(k) if v is None else v) for k, v in row.items()}


def _differs(existing, key, value):
    if key == "leading_industries":
        return sorted(o.pk for o in existing.leading_industries.all()) != sorted(
            o.pk for o in value
        )
    return getattr(existing, key) != value


def _plan(result):
    """For each good row whether it creates, updates or changes nothing; a carrier twice
    in the file is an error on its second row."""
    seen, plan = {}, []
    for number, row in result.rows:
        key = (row["kind"], row["name"])
        if key in seen:
            result.errors.append(RowError(number, "载体名称", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = number
        data = _values(row)
        existing = Carrier.objects.filter(kind=row["kind"], name=row["name"]).first()
        if existing is None:
            action, data = "create", {**DEFAULTS, **data}
        else:
            action = (
                "update" if any(_differs(existing, k, v) for k, v in data.items()) else "unchanged"
            )
        plan.append((number, action, data, existing))
    return plan


def _apply(entry, actor):
    _, action, data, existing = entry
    if action == "create":
        services.carrier_create(actor=actor, data=data, detail="Excel 导入")
    elif action == "update":
        services.carrier_update(actor=actor, carrier=existing, data=data, version=existing.version)
    return action


CARRIERS = register(
    JobImport(
        model="reference.CarrierImport",
        columns=COLUMNS,
        plan=_plan,
        apply=_apply,
        validate_row=_validate,
        object_type="reference.carrier",
        what="载体",
        unit="个",
        list_url="reference:carrier_import",
        detail_url="reference:carrier_import_detail",
        done_url="reference:carrier_list",
        done_label="查看载体",
        hint="以“载体类型+载体名称”识别同一载体，重复导入同一文件不会产生重复记录；"
        "面积以平方米或亩填写，主导产业以顿号分隔。",
    )
)


# --- The working calendar: a year's State Council notice from a small .xlsx -------------
CALENDAR_KINDS = {
    "放假": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "节假日": CalendarDay.Kind.HOLIDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "补班": CalendarDay.Kind.WORKDAY,
}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _calendar_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_TEXT.match(str(value).strip())
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise ValueError(f"日期“{value}”无效，请按 2027-01-01 或 2027年1月1日 的格式填写")


def _calendar_kind(value):
    kind = CALENDAR_KINDS.get(str(value).strip())
    if kind is None:
        raise ValueError(f"类型“{value}”无效，应为 放假 或 上班")
    return kind


CALENDAR_COLUMNS = [
    Column("date", "日期", required=True, parse=_calendar_date),
    Column("kind", "类型", ("放假/上班",), required=True, parse=_calendar_kind),
    Column("note", "说明", ("节日", "备注"), parse=str),
]
KIND_LABEL = {"date": "日期", "kind": "类型", "notice": "依据通知"}


def _calendar_row(row, number):
    problems = services.calendar_day_problems(date=row["date"], kind=row["kind"], notice="-")
    return [(KIND_LABEL[field], message) for field, message in problems]


def calendar_dry_run(token):
    """Every row checked; for each good row whether it creates, updates or changes
    nothing. A date twice in the file is an error on its second row."""
    result = dry_run(token, CALENDAR_COLUMNS, _calendar_row)
    seen, plan = {}, []
    existing = {
        d.date: d
        for d in CalendarDay.objects.filter(date__in=[row["date"] for _, row in result.rows])
    }
    for number, row in result.rows:
        if row["date"] in seen:
            result.errors.append(
                RowError(number, "日期", f"{row['date']:%Y-%m-%d} 与第 {seen[row['date']]} 行重复")
            )
            continue
        seen[row["date"]] = number
        row["note"] = row.get("note") or ""
        old = existing.get(row["date"])
        if old is None:
            action = "create"
        elif old.kind == row["kind"] and old.note == row["note"]:
            action = "unchanged"
        else:
            action = "update"
        plan.append((number, action, row, old))
    result.errors.sort(key=lambda e: e.row)  # duplicates are found after the cells
    return result, plan


def calendar_import_commit(token, *, actor, notice):
    """Enter the file's days under ``notice``; changes nothing when any row is rejected.
    A date already entered is updated in place, so importing the same file twice never
    duplicates."""
    if not (notice or "").strip():
        raise ValidationError({"notice": "请填写依据的通知名称或文号。"})

    def save(entry):
        _, _, row, _ = entry
        _, action = services.calendar_day_set(
            actor=actor,
            date=row["date"],
            kind=row["kind"],
            note=row["note"],
            notice=notice,
            detail="Excel 导入",
        )
        return action

    def what(plan):
        years = sorted({row["date"].year for _, _, row, _ in plan})
        return f"工作日历（{'、'.join(map(str, years))} 年，{notice.strip()}）"

    return commit_plan(
        lambda: calendar_dry_run(token),
        save,
        actor=actor,
        object_type="reference.calendarday",
        what=what,
    )

"""Writes to reference data: key industries, zones, carriers (and their Excel import),
and the working calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.common import formats
from zhaoshang.common.records import record_create, record_delete, record_update

from . import calendar
from .models import CalendarDay, Carrier, Industry, KeyIndustry, Zone

if TYPE_CHECKING:
    from zhaoshang.notifications.models import Notification
    from zhaoshang.org.models import Department, User


def key_industry_create(*, actor: User | None, data: dict[str, Any]) -> KeyIndustry:
    return record_create(KeyIndustry, actor=actor, data=data)


def key_industry_update(
    *, actor: User, key_industry: KeyIndustry, data: dict[str, Any], version: int
) -> KeyIndustry:
    return record_update(key_industry, actor=actor, data=data, version=version)


def zone_create(*, actor: User | None, data: dict[str, Any]) -> Zone:
    return record_create(Zone, actor=actor, data=data)


def zone_update(*, actor: User, zone: Zone, data: dict[str, Any], version: int) -> Zone:
    return record_update(zone, actor=actor, data=data, version=version)


def carrier_create(*, actor: User | None, data: dict[str, Any], detail: str = "") -> Carrier:
    return record_create(Carrier, actor=actor, data=data, detail=detail)


def carrier_update(*, actor: User, carrier: Carrier, data: dict[str, Any], version: int) -> Carrier:
    return record_update(carrier, actor=actor, data=data, version=version)


# --- The working calendar ---------------------------------------------------------------
WEEKDAYS = "一二三四五六日"


def calendar_day_problems(*, date: dt.date, kind: str, notice: str) -> list[tuple[str, str]]:
    """What is wrong with entering ``date`` as ``kind``: a list of (field, message) in
    Chinese, empty when it may be entered. Shared by the page and the import."""
    problems = []
    if kind not in CalendarDay.Kind.values:
        problems.append(("kind", f"类型“{kind}”无效，应为 放假 或 上班。"))
    elif kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        # A typo guard: a notice only ever turns a Saturday or Sunday into a working day.
        problems.append(
            (
                "kind",
                f"{formats.cn_date(date)}是星期{WEEKDAYS[date.weekday()]}，本就是工作日；"
                "调休上班只能录入星期六或星期日。",
            )
        )
    if not (notice or "").strip():
        problems.append(
            ("notice", "请填写依据的通知（如《国务院办公厅关于2027年部分节假日安排的通知》）。")
        )
    return problems


@transaction.atomic
def calendar_day_set(
    *, actor: User, date: dt.date, kind: str, notice: str, note: str = "", detail: str = ""
) -> tuple[CalendarDay, str]:
    """Enter ``date`` as a holiday or an adjusted working day, or change its entry (a
    date has one). Returns (day, "create" | "update" | "unchanged")."""
    if not isinstance(date, dt.date):
        raise ValidationError({"date": "请填写日期。"})
    problems = calendar_day_problems(date=date, kind=kind, notice=notice)
    if problems:
        raise ValidationError({f: [m for g, m in problems if g == f] for f, _ in problems})
    data = {"kind": kind, "note": (note or "").strip(), "notice": notice.strip()}
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    if existing is None:
        day = record_create(
            CalendarDay,
            actor=actor,
            data={"date": date, **data, "created_by": _user(actor)},
            detail=detail,
        )
        action = "create"
    elif all(getattr(existing, k) == v for k, v in data.items()):
        return existing, "unchanged"
    else:
        day = record_update(existing, actor=actor, data=data, detail=detail)
        action = "update"
    calendar.invalidate(date.year)
    return day, action


@transaction.atomic
def calendar_day_delete(*, actor: User, day: CalendarDay) -> None:
    """Remove an entered day: the date falls back to the library or to Monday–Friday."""
    year = day.date.year
    record_delete(day, actor=actor, detail="删除工作日历日期")
    calendar.invalidate(year)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# The month from which administrators are reminded: the State Council publishes next
# year's notice in November or December.
REMINDER_MONTH = 11


def calendar_reminder_send(*, today: dt.date, actor: User | None = None) -> list[Notification]:
    """From 1 November, while next year's holidays are neither entered nor known to the
    library, tell each active system administrator once. Their notification of kind
    ``calendar_entry:<year>`` is the record that they were told, so the daily job does
    not repeat itself, and an administrator appointed in December is still told."""
    from zhaoshang.notifications.services import notify
    from zhaoshang.org.models import Role, User

    year = today.year + 1
    if today.month < REMINDER_MONTH or calendar.year_covered(year):
        return []
    kind = f"calendar_entry:{year}"
    admins = (
        User.objects.filter(is_active=True, grants__role__kind=Role.Kind.SYSTEM_ADMIN)
        .exclude(notifications__kind=kind)
        .distinct()
    )
    return notify(
        recipients=list(admins),
        title=f"请录入{year}年节假日安排",
        body=(
            f"工作日历尚无{year}年的节假日安排。国务院办公厅发布{year}年部分节假日安排的通知后，"
            "请在“基础数据—工作日历”中录入或导入放假日期和调休上班日期；录入前，"
            f"{year}年的问题办结期限等暂按周一至周五计算。"
        ),
        url=f"/reference/calendar/?year={year}",
        kind=kind,
        actor=actor,
        # The administrators' own task: not for the office's group chat.
        units=[],
    )


# --- Demo data --------------------------------------------------------------------------
DEMO_KEY_INDUSTRIES = [
    # name, national divisions, strategic emerging, owner, positioning
    (
        "科技金融",
        ["66", "67", "68", "69", "75"],
        False,
        "区金融局",
        "金融与科技融合，服务科技型企业",
    ),
    ("数字经济", ["63", "64", "65"], True, "区工业和信息化局", "软件、互联网、数据服务"),
    ("生物医药", ["27", "35", "73"], True, "区卫生健康委", "创新药、医疗器械、研发服务"),
    ("航运物流", ["55", "58", "59", "60"], False, "区交通运输局", "航运服务、供应链管理"),
    ("设计", ["74"], True, "区科技局", "工业设计、工程设计、创意设计"),
    ("商务商贸", ["51", "52", "72"], False, "区商务局", "商贸流通、商务服务"),
    ("文旅融合", ["86", "87", "88", "61", "62"], False, "区文化和旅游局", "文化创意、旅游、会展"),
    ("总部经济", ["72"], False, "区发展改革委", "企业总部、地区总部、功能性总部"),
]
DEMO_ZONES = [
    ("泛友谊路小白楼金融圈", "金融、总部经济集聚区", ["科技金融", "总部经济"]),
    ("新八大里数字经济聚集区", "数字经济主题园区", ["数字经济"]),
    ("陈塘科技商务区", "科技服务、设计创意、生物医药研发", ["设计", "生物医药"]),
]
DEMO_CARRIERS = [
    # kind, name, address, zone, total, vacant, leading, operator, idle, major
    (
        "building",
        "小白楼国际金融中心",
        "河西区友谊路32号",
        "泛友谊路小白楼金融圈",
        86000,
        9200,
        ["科技金融"],
        "天津小白楼置业有限公司",
        False,
        False,
    ),
    (
        "building",
        "友谊路金融广场",
        "河西区友谊路41号",
        "泛友谊路小白楼金融圈",
        52000,
        3100,
        ["科技金融", "总部经济"],
        "天津友谊资产运营有限公司",
        False,
        False,
    ),
    (
        "building",
        "河西总部经济大厦",
        "河西区围堤道125号",
        "泛友谊路小白楼金融圈",
        64000,
        12800,
        ["总部经济"],
        "河西区国有资产经营公司",
        False,
        False,
    ),
    (
        "building",
        "八大里数字大厦",
        "河西区黑牛城道与珠江道交口",
        "新八大里数字经济聚集区",
        71000,
        15600,
        ["数字经济"],
        "天津八大里投资发展有限公司",
        False,
        False,
    ),
    (
        "building",
        "新八大里软件园一号楼",
        "河西区黑牛城道58号",
        "新八大里数字经济聚集区",
        38000,
        6400,
        ["数字经济"],
        "天津八大里投资发展有限公司",
        False,
        False,
    ),
    (
        "building",
        "陈塘科技大厦",
        "河西区洞庭路",
        "陈塘科技商务区",
        45000,
        8700,
        ["设计"],
        "陈塘科技商务区管委会",
        False,
        False,
    ),
    (
        "building",
        "陈塘设计中心",
        "河西区内江路与洞庭路交口",
        "陈塘科技商务区",
        29000,
        2500,
        ["设计", "文旅融合"],
        "陈塘科技商务区管委会",
        False,
        False,
    ),
    (
        "park",
        "陈塘生物医药孵化园",
        "河西区微山路",
        "陈塘科技商务区",
        56000,
        11000,
        ["生物医药"],
        "天津陈塘产业园运营有限公司",
        False,
        False,
    ),
    (
        "park",
        "河西文化创意产业园",
        "河西区解放南路",
        None,
        33000,
        4100,
        ["文旅融合"],
        "河西区文化产业发展中心",
        False,
        False,
    ),
    (
        "land",
        "陈塘片区03-12地块",
        "河西区洞庭路以东、微山路以北",
        "陈塘科技商务区",
        86,
        86,
        ["生物医药"],
        "河西区土地整理中心",
        True,
        True,
    ),
    (
        "land",
        "八大里片区07-05地块",
        "河西区珠江道以南",
        "新八大里数字经济聚集区",
        42,
        42,
        ["数字经济"],
        "河西区土地整理中心",
        True,
        False,
    ),
    (
        "land",
        "挂甲寺储备地块",
        "河西区大沽南路与微山路交口",
        None,
        25.5,
        0,
        ["商务商贸"],
        "河西区土地整理中心",
        False,
        False,
    ),
]


@transaction.atomic
def load_demo_reference(*, departments: dict[str, Department]) -> None:
    """Key industries, zones and carriers of the demo district (idempotent)."""
    office = departments.get("区招商办")
    keys = {}
    for order, (name, divisions, emerging, owner, positioning) in enumerate(
        DEMO_KEY_INDUSTRIES, start=1
    ):
        key = KeyIndustry.objects.filter(name=name).first() or key_industry_create(
            actor=None,
            data={
                "name": name,
                "strategic_emerging": emerging,
                "department": departments.get(owner, office),
                "description": positioning,
                "sort_order": order,
                "divisions": list(Industry.objects.filter(code__in=divisions)),
            },
        )
        keys[name] = key
    zones = {}
    for name, positioning, leading in DEMO_ZONES:
        zones[name] = Zone.objects.filter(name=name).first() or zone_create(
            actor=None,
            data={
                "name": name,
                "positioning": positioning,
                "department": departments.get(name),
                "key_industries": [keys[k] for k in leading],
            },
        )
    for kind, name, address, zone, total, vacant, leading, operator, idle, major in DEMO_CARRIERS:
        if Carrier.objects.filter(kind=kind, name=name).exists():
            continue
        carrier_create(
            actor=None,
            data={
                "kind": kind,
                "name": name,
                "address": address,
                "zone": zones.get(zone or ""),
                "total_area": Decimal(str(total)),
                "vacant_area": Decimal(str(vacant)),
                "operator": operator,
                "contact_name": "招商部",
                "contact_phone": "022-2830" + str(1000 + len(name)),
                "idle_reserve": idle,
                "reserved_for_major": major,
                "leading_industries": [keys[k] for k in leading],
            },
        )

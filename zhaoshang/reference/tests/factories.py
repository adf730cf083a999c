"""Key industries, zones, carriers and working-calendar days for tests, written through
the reference services (audited, validated as a clerk's entry is)."""

import datetime as dt
from decimal import Decimal

import factory

from zhaoshang.reference import services
from zhaoshang.reference.models import CalendarDay, Carrier, Industry, KeyIndustry, Zone


def _divisions(codes):
    return list(Industry.objects.filter(code__in=codes))


class KeyIndustryFactory(factory.Factory):
    """``KeyIndustryFactory(name="数字经济", department=unit, divisions=["63", "64"])``:
    ``divisions`` are national division codes (GB/T 4754); a lead in one of them is
    pushed to ``department``."""

    class Meta:
        model = KeyIndustry

    name = factory.Sequence(lambda n: f"测试产业{n}")
    department = None
    divisions = ()
    strategic_emerging = False
    description = ""
    sort_order = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, divisions=(), **data):
        data["divisions"] = _divisions(divisions)
        return services.key_industry_create(actor=None, data=data)


class ZoneFactory(factory.Factory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"测试功能区{n}")
    positioning = "科技服务"
    department = None
    key_industries = ()

    @classmethod
    def _create(cls, model_class, **data):
        data["key_industries"] = list(data.get("key_industries") or [])
        return services.zone_create(actor=None, data=data)


class CarrierFactory(factory.Factory):
    """A building (areas in ㎡) by default; ``kind="land"`` for a land parcel (亩)."""

    class Meta:
        model = Carrier

    kind = Carrier.Kind.BUILDING
    name = factory.Sequence(lambda n: f"测试大厦{n}")
    address = "河西区测试路1号"
    zone = None
    total_area = Decimal("10000")
    vacant_area = Decimal("2000")
    leading_industries = ()
    operator = ""
    idle_reserve = False
    reserved_for_major = False

    @classmethod
    def _create(cls, model_class, **data):
        data["leading_industries"] = list(data.get("leading_industries") or [])
        return services.carrier_create(actor=None, data=data)


class CalendarDayFactory(factory.Factory):
    """One entered day of the working calendar (a holiday by default)."""

    class Meta:
        model = CalendarDay

    date = dt.date(2031, 1, 1)
    kind = CalendarDay.Kind.HOLIDAY
    note = "元旦"
    notice = "《国务院办公厅关于2031年部分节假日安排的通知》"
    actor = None

    @classmethod
    def _create(cls, model_class, actor=None, **data):
        day, _ = services.calendar_day_set(actor=actor, **data)
        return day


# The district's key industries as the tests meet them: name, national divisions,
# strategic emerging, owning unit (by name; the office when the unit does not exist).
KEY_INDUSTRIES = [
    ("科技金融", ["66", "67", "68", "69", "75"], False, "区金融局"),
    ("数字经济", ["63", "64", "65"], True, "区工业和信息化局"),
    ("生物医药", ["27", "35", "73"], True, "区卫生健康委"),
    ("航运物流", ["55", "58", "59", "60"], False, "区交通运输局"),
    ("设计", ["74"], True, "区科技局"),
    ("商务商贸", ["51", "52", "72"], False, "区商务局"),
    ("文旅融合", ["86", "87", "88", "61", "62"], False, "区文化和旅游局"),
    ("总部经济", ["72"], False, "区发展改革委"),
]


def key_industries():
    """``KEY_INDUSTRIES`` by name, each owned by its unit (idempotent)."""
    from zhaoshang.org.models import Department

    office = Department.objects.filter(kind=Department.Kind.OFFICE).first()
    made = {}
    for order, (name, divisions, emerging, owner) in enumerate(KEY_INDUSTRIES, start=1):
        made[name] = KeyIndustry.objects.filter(name=name).first() or KeyIndustryFactory(
            name=name,
            divisions=divisions,
            strategic_emerging=emerging,
            department=Department.objects.filter(name=owner).first() or office,
            sort_order=order,
        )
    return made

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from zhaoshang.api.params import RecordId
from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries
from .models import Industry, KeyIndustry

router = Router(tags=["基础数据"])
VIEW = roles.VIEW_REFERENCE


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


class KeyIndustryOut(Schema):
    id: int
    name: str
    strategic_emerging: bool
    department: str
    division_codes: list[str]


class ZoneOut(Schema):
    id: int
    name: str
    positioning: str
    key_industries: list[str]


class CarrierOut(Schema):
    id: int
    kind: str
    name: str
    address: str
    zone: str | None
    total_area: Decimal
    vacant_area: Decimal
    area_unit: str
    leading_industries: list[str]
    idle_reserve: bool
    reserved_for_major: bool


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    areas: list[str]


def _carrier(c):
    return {
        **{
            f: getattr(c, f)
            for f in (
                "id",
                "kind",
                "name",
                "address",
                "total_area",
                "vacant_area",
                "area_unit",
                "idle_reserve",
                "reserved_for_major",
            )
        },
        "zone": c.zone.name if c.zone else None,
        "leading_industries": [k.name for k in c.leading_industries.all()],
    }


@router.get("/industries", response=list[IndustryOut], summary="国民经济行业分类")
@require(VIEW)
def industries(request, level: str = "", q: str = ""):
    qs = Industry.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q)
    return [
        {
            "code": i.code,
            "name": i.name,
            "level": i.level,
            "parent_code": i.parent.code if i.parent else None,
        }
        for i in qs
    ]


@router.get("/key-industries", response=list[KeyIndustryOut], summary="重点产业")
@require(VIEW)
def key_industries(request):
    return [
        {
            "id": k.id,
            "name": k.name,
            "strategic_emerging": k.strategic_emerging,
            "department": k.department.name,
            "division_codes": [d.code for d in k.divisions.all()],
        }
        for k in KeyIndustry.objects.select_related("department").prefetch_related("divisions")
    ]


@router.get("/zones", response=list[ZoneOut], summary="功能区")
@require(VIEW)
def zones(request):
    return [
        {
            "id": z.id,
            "name": z.name,
            "positioning": z.positioning,
            "key_industries": [k.name for k in z.key_industries.all()],
        }
        for z in queries.zones()
    ]


@router.get("/carriers", response=list[CarrierOut], summary="载体")
@require(VIEW)
def carriers(request, kind: str = "", zone: RecordId | None = None):
    # The zone is an id: typed, so "?zone=abc" is a 422 naming the parameter, not a 500.
    return [_carrier(c) for c in queries.carriers(kind=kind, zone=zone or "")]


@router.get("/carriers/{carrier_id}", response=CarrierOut, summary="载体详情")
@require(VIEW)
def carrier(request, carrier_id: int):
    return _carrier(get_object_or_404(queries.carriers(), pk=carrier_id))


@router.get("/regions", response=list[RegionOut], summary="地区")
@require(VIEW)
def regions(request, kind: str = "", area: str = ""):
    return [
        {"code": r.code, "name": r.name, "kind": r.kind, "areas": [a.code for a in r.areas.all()]}
        for r in queries.regions(kind=kind, area=area)
    ]

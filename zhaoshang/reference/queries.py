"""Reads of reference data. Reference data is shared by every promotion user (it has no
owning unit), so reads are gated by the view_reference permission rather than scoped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, Sum

from .models import Carrier, EconomicArea, Industry, KeyIndustry, Region, Zone

if TYPE_CHECKING:
    import datetime as dt

    from django.db.models import QuerySet

    from zhaoshang.reference.models import CalendarDay


def industry_tree(q: str = "") -> QuerySet[Industry]:
    sections = Industry.objects.filter(level="section").order_by("code")
    divisions = Industry.objects.filter(level="division").order_by("code")
    if q:
        divisions = divisions.filter(
            Q(code__startswith=q)
            | Q(name__icontains=q)
            | Q(parent__code=q.upper())
            | Q(parent__name__icontains=q)
        )
        sections = sections.filter(children__in=divisions).distinct()
    return sections.prefetch_related(Prefetch("children", queryset=divisions, to_attr="shown"))


def key_industries() -> QuerySet[KeyIndustry]:
    return (
        KeyIndustry.objects.select_related("department")
        .prefetch_related("divisions")
        .annotate(carrier_count=Count("carrier", distinct=True))
    )


def zones() -> QuerySet[Zone]:
    return (
        Zone.objects.select_related("department")
        .prefetch_related("key_industries")
        .annotate(
            carrier_count=Count("carriers", distinct=True),
            vacant=Sum("carriers__vacant_area", filter=~Q(carriers__kind="land")),
        )
    )


def regions(*, kind: str = "", area: str = "", q: str = "") -> QuerySet[Region]:
    qs = Region.objects.prefetch_related("areas")
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(areas__code=area)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(name_en__icontains=q))
    return qs.order_by("kind", "code")


def economic_areas() -> QuerySet[EconomicArea]:
    return EconomicArea.objects.all()


def carriers(
    *,
    kind: str = "",
    zone: str = "",
    industry: str = "",
    vacant: str = "",
    reserve: str = "",
    q: str = "",
) -> QuerySet[Carrier]:
    qs = Carrier.objects.select_related("zone").prefetch_related("leading_industries")
    if kind:
        qs = qs.filter(kind=kind)
    if zone:
        qs = qs.filter(zone_id=zone)
    if industry.isdigit():  # a key industry's id from the filter; anything else matches none
        qs = qs.filter(leading_industries=int(industry))
    elif industry:
        qs = qs.none()
    if vacant == "1":
        qs = qs.with_vacancy()
    if reserve == "1":
        qs = qs.filter(idle_reserve=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(operator__icontains=q))
    return qs.order_by("kind", "name")


def carrier_summary() -> QuerySet[Any, Any]:
    return Carrier.objects.values("kind").annotate(
        n=Count("pk"), vacant=Sum("vacant_area"), total=Sum("total_area")
    )


# --- The working calendar ------------------------------------------------------------------
def calendar_years(today: dt.date) -> list[dict[str, Any]]:
    """The years the calendar page offers, newest first: the last year the library knows,
    every year with entered days, this year and next year. Each as a dict with its
    source and number of entered days."""
    from django.db.models.functions import ExtractYear

    from . import calendar
    from .models import CalendarDay

    counts = dict(
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    years = {calendar.LIBRARY_YEARS[-1], today.year, today.year + 1, *counts}
    out = []
    for year in sorted(years, reverse=True):
        entered = counts.get(year, 0)
        if entered:
            source = "已录入" + ("（覆盖内置数据）" if calendar.library_knows(year) else "")
        elif calendar.library_knows(year):
            source = "系统内置"
        else:
            source = "尚未录入，按周一至周五计算"
        out.append(
            {
                "year": year,
                "entered": entered,
                "source": source,
                "covered": bool(entered) or calendar.library_knows(year),
            }
        )
    return out


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    from .models import CalendarDay

    return CalendarDay.objects.filter(date__year=year).select_related("created_by")

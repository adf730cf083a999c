"""Reads of events, always through ``for_user``: the list (an event is read by its
organiser's scope and by its partner units), an event, its leads and costs, and the
quota table (each promotion unit's events of a year against its quota)."""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from zhaoshang.org.models import Department
from zhaoshang.org.scoping import DataScope, user_scope

from .models import DEFAULT_QUOTA, Event, EventLead, EventQuota, EventType, ZoneQuota

# Units that promote and so hold a quota of events.
QUOTA_KINDS = ["office", "department", "street", "zone"]
LIST_VALUES = [
    "pk",
    "title",
    "event_type",
    "starts_on",
    "ends_on",
    "city",
    "organiser__name",
]


def events(user: Any) -> Any:
    """The events ``user`` may read: its scope's, and those its unit co-organised."""
    scoped = Event.objects.for_user(user)
    if user_scope(user) in (DataScope.ALL, DataScope.NONE):
        return scoped
    partner = Event.partners.through.objects.filter(
        event_id=OuterRef("pk"), department_id=user.department_id
    )
    return Event.objects.filter(Q(pk__in=scoped.values("pk")) | Exists(partner))


def event_for(user: Any, pk: Any) -> Event | None:
    return (
        events(user)
        .select_related("organiser", "created_by")
        .prefetch_related("partners", "enterprises", "officials")
        .filter(pk=pk)
        .first()
    )


def filtered(user: Any, params: Any) -> Any:
    """The list's filters: year, type, organiser, words of the title or city."""
    qs = events(user)
    if (year := str(params.get("year", ""))).isdigit():
        qs = qs.filter(year=int(year))
    if (kind := params.get("type", "")) in EventType.values:
        qs = qs.filter(event_type=kind)
    if (unit := str(params.get("organiser", ""))).isdigit():
        qs = qs.filter(organiser_id=int(unit))
    if q := str(params.get("q", "")).strip()[:50]:
        qs = qs.filter(Q(title__contains=q) | Q(city__contains=q))
    return qs


def list_rows(qs: Any) -> Any:
    return qs.order_by("-starts_on", "-id").values(*LIST_VALUES)


def leads_of(event: Event) -> Any:
    return EventLead.objects.filter(event=event).select_related(
        "lead__enterprise", "lead__department"
    )


def event_of_lead(lead: Any) -> Event | None:
    link = EventLead.objects.filter(lead=lead).select_related("event__organiser").first()
    return link.event if link else None


def quota_units(user: Any) -> Any:
    units = Department.objects.filter(is_active=True, kind__in=QUOTA_KINDS)
    return units if user is None else units.for_user(user)


def quota_rows(
    user: Any, year: int, as_of: dt.date | None = None, *, only: Any = None
) -> list[dict[str, Any]]:
    """Each promotion unit ``user`` may read (all when None): its quota for ``year`` (its
    figure for the year, else its zone's, else the default), the events it organised
    that had started by ``as_of`` (the year's end when not given), and whether it met
    its quota. Four queries, whatever the number of units."""
    as_of = as_of or dt.date(year, 12, 31)
    units_qs = quota_units(user)
    if only is not None:
        units_qs = units_qs.filter(pk=only.pk)
    units = list(units_qs.order_by("path").values("pk", "name", "kind"))
    ids = [u["pk"] for u in units]
    counts = dict(
        Event.objects.filter(year=year, organiser_id__in=ids, starts_on__lte=as_of)
        .values_list("organiser_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    planned = dict(
        Event.objects.filter(year=year, organiser_id__in=ids, starts_on__gt=as_of)
        .values_list("organiser_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    zone_quota: dict[int, int] = {}
    for dept, quota in ZoneQuota.objects.filter(zone__department_id__in=ids).values_list(
        "zone__department_id", "quota"
    ):
        zone_quota[dept] = max(quota, zone_quota.get(dept, 0))
    set_for_year = dict(
        EventQuota.objects.filter(year=year, department_id__in=ids).values_list(
            "department_id", "quota"
        )
    )
    rows = []
    for u in units:
        quota = set_for_year.get(u["pk"], zone_quota.get(u["pk"], DEFAULT_QUOTA))
        held = counts.get(u["pk"], 0)
        rows.append(
            {
                "department_id": u["pk"],
                "name": u["name"],
                "quota": quota,
                "source": "年度设定"
                if u["pk"] in set_for_year
                else ("功能区指标" if u["pk"] in zone_quota else "默认"),
                "held": held,
                "planned": planned.get(u["pk"], 0),
                "missing": max(quota - held, 0),
                "met": held >= quota,
            }
        )
    return rows


def quota_of(department: Any, year: int, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """One unit's row of the quota table (the home card)."""
    rows = quota_rows(None, year, as_of, only=department)
    return rows[0] if rows else None

"""Reads of aftercare, always through ``for_user``: tickets and their lists, the
dashboard's figures, visit coverage of key enterprises, the calendar of planned visits."""

import calendar as cal
import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, Sum

from zhaoshang.org.scoping import DataScope, user_scope

from .models import AftercareConfig, Expansion, KeyEnterprise, Ticket, TicketMonth, Visit

S = Ticket.Status
# What a list row shows; a page reads these columns and nothing else.
LIST_VALUES = [
    "pk",
    "number",
    "title",
    "status",
    "level",
    "due_on",
    "raised_on",
    "answered_on",
    "rating",
    "enterprise__name",
    "ticket_type__name",
    "department__name",
]


def tickets(user: Any) -> Any:
    return Ticket.objects.for_user(user)


def ticket_for(user: Any, pk: Any) -> Any:
    return (
        tickets(user)
        .select_related("enterprise", "ticket_type", "department", "street", "visit", "created_by")
        .filter(pk=pk)
        .first()
    )


def steps_of(ticket: Any) -> Any:
    return ticket.steps.select_related("actor", "department").order_by("at", "id")


def filtered(user: Any, params: Any, today: Any) -> Any:
    """The ticket list's filters: status, overdue, unit, type, level, a reference or
    words of the title or enterprise."""
    qs = tickets(user)
    status = params.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    if params.get("overdue") == "1":
        qs = qs.filter(status=S.OPEN, due_on__lt=today)
    if (unit := params.get("department", "")).isdigit():
        qs = qs.filter(department_id=int(unit))
    if (kind := params.get("type", "")).isdigit():
        qs = qs.filter(ticket_type_id=int(kind))
    if (level := params.get("level", "")) in ("unit", "office", "joint_meeting"):
        qs = qs.filter(level=level)
    if q := params.get("q", "").strip()[:50]:
        qs = qs.filter(Q(number=q.upper()) | Q(title__contains=q) | Q(enterprise__name__contains=q))
    return qs


def list_order(qs: Any, params: Any) -> Any:
    # Open and overdue lists by deadline; everything else newest first. Both orders
    # follow an index (status, due_on) / the key.
    if params.get("overdue") == "1" or params.get("status") == S.OPEN:
        return qs.order_by("due_on", "id")
    return qs.order_by("-id")


def overdue_for_unit(user: Any, today: Any, limit: Any = 5) -> Any:
    """The home page's list: the user's own unit's open tickets past their deadline."""
    qs = tickets(user).filter(department_id=user.department_id, status=S.OPEN, due_on__lt=today)
    return list(qs.order_by("due_on", "id").values(*LIST_VALUES)[:limit]), qs.count()


# --- The dashboard ---------------------------------------------------------------------------
def period(params: Any, today: Any) -> Any:
    """The year the dashboard counts (answered tickets by answer date)."""
    year = params.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    return year, dt.date(year, 1, 1), dt.date(year, 12, 31)


FIGURES = {
    "answered": Count("pk"),
    "on_time": Count("pk", filter=Q(on_time=True)),
    "days": Avg("handling_days"),
    "rated": Count("pk", filter=Q(rating__isnull=False)),
    "satisfied": Count("pk", filter=Q(rating=Ticket.Rating.SATISFIED)),
    "fair": Count("pk", filter=Q(rating=Ticket.Rating.FAIR)),
    "unsatisfied": Count("pk", filter=Q(rating=Ticket.Rating.UNSATISFIED)),
}


def _rates(r):
    r["on_time_rate"] = round(100 * r["on_time"] / r["answered"], 1) if r["answered"] else None
    r["satisfaction_rate"] = (
        round(100 * (r["satisfied"] + r["fair"]) / r["rated"], 1) if r["rated"] else None
    )
    r["days"] = round(r["days"], 1) if r["days"] is not None else None
    return r


# The same figures from the monthly sums (TicketMonth): the average is the days summed
# over the tickets that have them, as Avg over the tickets gives it.
MONTH_FIGURES = {
    "answered": Sum("answered"),
    "on_time": Sum("on_time"),
    "days_sum": Sum("handling_days"),
    "timed": Sum("timed"),
    "rated": Sum("rated"),
    "satisfied": Sum("satisfied"),
    "fair": Sum("fair"),
    "unsatisfied": Sum("unsatisfied"),
}


def _from_months(r):
    for name in MONTH_FIGURES:
        r[name] = r[name] or 0
    days, timed = r.pop("days_sum"), r.pop("timed")
    r["days"] = days / timed if timed else None
    return _rates(r)


def _stats(qs, key):
    return [_rates(r) for r in qs.values(key).annotate(**FIGURES).order_by(key)]


def _answered_stats(user, year, first, last):
    """(by unit, by type, total) of the tickets answered in the year: from the monthly
    sums, a few hundred rows whatever the number of tickets; for a user who sees only
    their own records, from their tickets (a sum does not tell whose they are)."""
    if user_scope(user) == DataScope.OWN:
        answered = tickets(user).filter(answered_on__gte=first, answered_on__lte=last)
        return (
            _stats(answered, "department__name"),
            _stats(answered, "ticket_type__name"),
            _rates(answered.aggregate(**FIGURES)),
        )
    months = TicketMonth.objects.for_user(user).filter(year=year)
    by_unit, by_type = [
        list(months.values(key).annotate(**MONTH_FIGURES).order_by(key))
        for key in ("department__name", "ticket_type__name")
    ]
    # Every month row has a unit: the total is the units' rows added up (no third read).
    total = {name: sum(r[name] or 0 for r in by_unit) for name in MONTH_FIGURES}
    return (
        [_from_months(r) for r in by_unit],
        [_from_months(r) for r in by_type],
        _from_months(total),
    )


def dashboard(user: Any, params: Any, today: Any) -> Any:
    """On-time rate, average handling days (working days) and satisfaction by unit and by
    type for tickets answered in the year; open and overdue counts now."""
    year, first, last = period(params, today)
    by_unit, by_type, total = _answered_stats(user, year, first, last)
    # Open tickets by level with the overdue among them: one read of the open ones.
    open_rows = list(
        tickets(user)
        .filter(status=S.OPEN)
        .values("level")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
        .values_list("level", "n", "overdue")
    )
    levels = {level: n for level, n, _ in open_rows}
    now = {"open": sum(r[1] for r in open_rows), "overdue": sum(r[2] for r in open_rows)}
    expansions = Expansion.objects.for_user(user).filter(
        created_at__date__gte=first, created_at__date__lte=last
    )
    return {
        "year": year,
        "by_unit": by_unit,
        "by_type": by_type,
        "total": total,
        "open": now["open"],
        "overdue": now["overdue"],
        "levels": levels,
        "expansion": expansions.aggregate(n=Count("pk"), amount=Sum("estimated_investment")),
    }


# --- Visits ------------------------------------------------------------------------------------
def visits(user: Any) -> Any:
    return Visit.objects.for_user(user)


def visit_for(user: Any, pk: Any) -> Any:
    return visits(user).select_related("enterprise", "department").filter(pk=pk).first()


def current_period(today: Any, months: Any) -> Any:
    """The visiting period ``today`` falls in: periods of ``months`` months from January
    (3 months: the quarter)."""
    start_month = (today.month - 1) // months * months + 1
    end_month = start_month + months - 1
    first = dt.date(today.year, start_month, 1)
    last = dt.date(today.year, end_month, cal.monthrange(today.year, end_month)[1])
    return first, last


def coverage(user: Any, today: Any, params: Any = None) -> Any:
    """Each key enterprise the user may see, with whether a done visit falls in the
    current period and the last visit date; returns (rows, period, counts)."""
    params = params or {}
    months = AftercareConfig.current().visit_interval_months
    first, last = current_period(today, months)
    done = Visit.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        status=Visit.Status.DONE,
        visited_on__gte=first,
        visited_on__lte=last,
    )
    qs = (
        KeyEnterprise.objects.for_user(user)
        .annotate(visited=Exists(done))
        .select_related("enterprise", "department", "street")
    )
    if (unit := params.get("department", "")).isdigit():
        qs = qs.filter(department_id=int(unit))
    # Two counts rather than one aggregate filtered on the annotation: Django's aggregate
    # over an Exists annotation counted none visited on SQLite.
    counts = {"total": qs.count(), "visited": qs.filter(visited=True).count()}
    counts["not_visited"] = counts["total"] - counts["visited"]
    if params.get("not_visited") == "1":
        qs = qs.filter(visited=False)
    return qs.order_by("department_id", "pk"), (first, last, months), counts


def last_visits(enterprise_ids: Any) -> Any:
    """{enterprise id: date of its last done visit} for a page of enterprises."""
    return dict(
        Visit.objects.filter(enterprise_id__in=enterprise_ids, status=Visit.Status.DONE)
        .values("enterprise_id")
        .annotate(last=Max("visited_on"))
        .values_list("enterprise_id", "last")
    )


def planned_in_month(user: Any, year: Any, month: Any) -> Any:
    """The planned visits of a month by day, for the calendar."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, cal.monthrange(year, month)[1])
    by_day: dict[dt.date, list[dict]] = {}
    for v in (
        visits(user)
        .filter(planned_on__gte=first, planned_on__lte=last)
        .exclude(status=Visit.Status.CANCELLED)
        .values("pk", "planned_on", "status", "enterprise__name", "department__name")
        .order_by("planned_on", "pk")
    ):
        by_day.setdefault(v["planned_on"], []).append(v)
    weeks = cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


def expansions(user: Any) -> Any:
    return Expansion.objects.for_user(user).select_related(
        "enterprise", "department", "project", "visit", "ticket"
    )


def expansion_project_ids(user: Any) -> Any:
    """Pipeline projects that are expansions of landed enterprises (the reports count
    them as such)."""
    return expansions(user).values_list("project_id", flat=True)

"""Reads of supervision items, always through ``for_user``: a department reads the items
it answers for, the supervision office and leaders (scope all) read every item."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhaoshang.org.roles import VIEW_SUPERVISION

from .models import Item
from .workflow import OPEN

# What the list page, the home card and the progress notice read: columns and names,
# never whole rows.
LIST_VALUES = [
    "pk",
    "number",
    "title",
    "subject",
    "status",
    "level",
    "due_on",
    "raised_on",
    "submitted_on",
    "closed_on",
    "on_time",
    "department_id",
    "department__name",
]


def items(user: Any) -> QuerySet[Item]:
    if not user.has_perm(VIEW_SUPERVISION):
        return Item.objects.none()
    return Item.objects.for_user(user)


def item_for(user: Any, pk: Any) -> Item | None:
    return (
        items(user)
        .select_related(
            "department", "leader", "project", "problem", "ticket", "target__department"
        )
        .filter(pk=pk)
        .first()
    )


def overdue_q(today: dt.date) -> Q:
    """Still with the department and past its deadline (the deadline day is not late)."""
    return Q(status__in=OPEN, due_on__lt=today)


def filtered(user: Any, params: Any, today: dt.date) -> QuerySet[Item]:
    qs = items(user)
    if (status := params.get("status", "")) in Item.Status.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN)
    if (subject := params.get("subject", "")) in Item.Subject.values:
        qs = qs.filter(subject=subject)
    if (unit := params.get("department", "")).isdigit():
        qs = qs.filter(department_id=int(unit))
    if params.get("overdue") == "1":
        qs = qs.filter(overdue_q(today))
    if q := params.get("q", "").strip()[:50]:
        qs = qs.filter(Q(number=q.upper()) | Q(title__contains=q))
    return qs


def list_order(qs: QuerySet[Item], params: Any) -> QuerySet[Item]:
    """Items with the department by deadline (open, overdue); otherwise newest first."""
    if params.get("status") in ("open", *OPEN) or params.get("overdue") == "1":
        return qs.order_by("due_on", "pk")
    return qs.order_by("-pk")


def unit_summary(user: Any, today: dt.date) -> dict[str, Any]:
    """The home card's figures for the user's own unit: open, overdue, awaiting review,
    and the nearest open items."""
    qs = items(user).filter(department_id=user.department_id)
    figures = qs.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        overdue=Count("pk", filter=overdue_q(today)),
        submitted=Count("pk", filter=Q(status=Item.Status.SUBMITTED)),
    )
    nearest = list(
        qs.filter(status__in=OPEN)
        .order_by("due_on", "pk")
        .values("pk", "number", "title", "due_on")[:5]
    )
    return {**figures, "nearest": nearest}


def office_summary(user: Any, today: dt.date) -> dict[str, Any]:
    """The supervision office's and leaders' card: the district's figures."""
    return items(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        overdue=Count("pk", filter=overdue_q(today)),
        submitted=Count("pk", filter=Q(status=Item.Status.SUBMITTED)),
    )


def notice_rows(user: Any, since: dt.date) -> QuerySet[Item]:
    """The progress notice's items: every item not yet closed, and those closed since
    ``since``, by department (in the units' order) and deadline."""
    return (
        items(user)
        .filter(~Q(status=Item.Status.CLOSED) | Q(closed_on__gte=since))
        .order_by("department__sort_order", "department_id", "due_on", "pk")
        .values(*LIST_VALUES, "result")
    )

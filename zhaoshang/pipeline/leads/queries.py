"""Reads of leads, the pool and pushes, always through ``for_user``.

Beyond a unit's own scope a user may read two kinds of lead: those in the office's pool
(公海 — open to every promotion unit by design, that is what the pool is for) and those
pushed to or requested by their unit (the receiver must see what it is asked to take).
Nothing else of another unit is readable."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from zhaoshang.org import roles
from zhaoshang.org.models import Department

from ..models import LeadPush, OwnerChange, Project, ProjectQuerySet, Stage

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User

MANAGE = roles.MANAGE_PIPELINE
FILTERS = ("q", "method", "key_industry", "region", "state", "registered_from", "registered_to")
STATES = [
    ("held", "跟进中"),
    ("pushing", "推送待处理"),
    ("pooled", "公海"),
]


def _pending_push():
    return LeadPush.objects.filter(project=OuterRef("pk"), state=LeadPush.State.PENDING)


def leads(user: User) -> ProjectQuerySet:
    """The leads of the user's scope (the office and leaders: all, the pool included)."""
    return Project.objects.for_user(user).leads()


def pool(user: User) -> QuerySet[Project]:
    """The pool: every promotion user may see and claim it; others only within scope."""
    qs = Project.objects.pooled() if user.has_perm(MANAGE) else leads(user).pooled()
    return qs


def readable(user: User, pk: int, *, select: Iterable[str] = ()) -> Project | None:
    """The lead or project ``pk`` if the user may open it: in their scope, in the pool,
    or the subject of a push to or from their unit; else None. Looked up by key first
    and checked after, so one page costs a few index reads whatever the table size."""
    qs = Project.objects.select_related(*select)
    project = qs.for_user(user).filter(pk=pk).first()
    if project is not None or not user.has_perm(roles.VIEW_PIPELINE):
        return project
    project = qs.filter(pk=pk).first()
    if project is None:
        return None
    if project.stage == Stage.LEAD and project.pooled_at is not None:
        return project
    if LeadPush.objects.filter(project=project).for_user(user).exists():
        return project
    return None


PAGE_SIZE = 30


@dataclass
class Page:
    rows: list
    next_cursor: int | None


def page(qs: QuerySet[Project], *, after: str | None = None, size: int = PAGE_SIZE) -> Page:
    """Newest first, by keyset on the id: page 1,000 costs what page 1 costs, and no
    COUNT over the whole table is needed."""
    cursor: int | None
    try:
        cursor = int(after) if after else None
    except (TypeError, ValueError):
        cursor = None  # a mangled cursor restarts at the first page
    if cursor:
        qs = qs.filter(pk__lt=cursor)
    rows = list(qs.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1].pk if more else None)


def with_list_relations(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related(
        "enterprise",
        "department",
        "registered_department",
        "key_industry",
        "origin_region",
        "referrer",
    ).annotate(has_pending_push=Exists(_pending_push()))


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def apply_filters(qs: QuerySet[Project], f: dict[str, Any]) -> QuerySet[Project]:
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    if f.get("method"):
        qs = qs.filter(method=f["method"])
    if f.get("key_industry"):
        qs = qs.filter(key_industry_id=f["key_industry"])
    if f.get("region"):
        qs = qs.filter(origin_region_id=f["region"])
    state = f.get("state")
    if state == "pooled":
        qs = qs.filter(pooled_at__isnull=False)
    elif state == "held":
        qs = qs.filter(pooled_at__isnull=True)
    elif state == "pushing":
        qs = qs.filter(Exists(_pending_push()))
    if start := _date(f.get("registered_from")):
        qs = qs.filter(created_at__date__gte=start)
    if end := _date(f.get("registered_to")):
        qs = qs.filter(created_at__date__lte=end)
    return qs


def owner_history(project: Project) -> QuerySet[OwnerChange]:
    return OwnerChange.objects.filter(project=project).select_related(
        "from_department", "to_department", "actor"
    )


def pushes_of(project: Project) -> QuerySet[LeadPush]:
    return LeadPush.objects.filter(project=project).select_related(
        "from_department", "to_department", "created_by", "answered_by"
    )


def pushes(user: User, *, direction: str = "incoming", state: str = "") -> QuerySet[LeadPush]:
    """Pushes and cooperation requests to (incoming) or from (outgoing) the user's units."""
    side = "to_department" if direction == "incoming" else "from_department"
    qs = LeadPush.objects.for_user(user, unit_field=side).select_related(
        "project__enterprise", "from_department", "to_department", "created_by", "answered_by"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def incoming_pending_count(user: User) -> int:
    return LeadPush.objects.pending().for_user(user, unit_field="to_department").count()


def pushes_readable(user: User) -> QuerySet[LeadPush]:
    """The pushes the user may open and answer: sent by or to a unit of their scope."""
    return LeadPush.objects.for_user(user)


def in_scope(user: User, project: Project) -> bool:
    """Whether ``project`` is within the user's own data scope (not only readable through
    the pool or a push)."""
    return Project.objects.for_user(user).filter(pk=project.pk).exists()


def promoting_units() -> QuerySet[Department]:
    from .services import PROMOTING_KINDS

    return Department.objects.filter(is_active=True, kind__in=PROMOTING_KINDS)

"""Reads of projects: every one starts from ``for_user``, so a unit never sees another
unit's projects through a page, an export, a count or the API."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lead
from django.utils import timezone

from ..models import (
    ACTIVE_STAGES,
    STAGE_ORDER,
    MajorLevel,
    PipelineConfig,
    Problem,
    Project,
    Stage,
    StageChange,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User

FILTERS = (
    "q",
    "stage",
    "department",
    "key_industry",
    "industry",
    "zone",
    "method",
    "major_level",
    "overdue",
    "signed_from",
    "signed_to",
)
KANBAN_CARDS = 20


def projects(user: User) -> QuerySet[Project]:
    return Project.objects.for_user(user)


def ledger_cutoff(today: dt.date | None = None, config: PipelineConfig | None = None) -> dt.date:
    """Projects whose latest ledger entry is older than this are overdue."""
    config = config or PipelineConfig.current()
    return (today or timezone.localdate()) - dt.timedelta(days=config.ledger_due_days)


def overdue_q(cutoff: dt.date) -> Q:
    """Active, and no ledger entry since ``cutoff`` (a project never reported counts from
    the day it was registered)."""
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return Q(stage__in=ACTIVE_STAGES) & (
        Q(last_ledger_on__lt=cutoff) | Q(last_ledger_on__isnull=True, created_at__lt=start)
    )


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def apply_filters(
    qs: QuerySet[Project], filters: dict[str, str], today: dt.date | None = None
) -> QuerySet[Project]:
    f = {k: (filters.get(k) or "").strip() for k in FILTERS}
    if f["stage"] == "projects":
        qs = qs.exclude(stage=Stage.LEAD)
    elif f["stage"] in Stage.values:
        qs = qs.filter(stage=f["stage"])
    for name in ("department", "key_industry", "zone"):
        if f[name].isdigit():
            qs = qs.filter(**{f"{name}_id": int(f[name])})
    if f["industry"]:
        # A code prefix: "C" a section, "39" a division.
        qs = qs.filter(industry__code__startswith=f["industry"].upper())
    if f["method"]:
        qs = qs.filter(method=f["method"])
    if f["major_level"] == "any":
        qs = qs.exclude(major_level=MajorLevel.NONE)
    elif f["major_level"] in MajorLevel.values and f["major_level"]:
        qs = qs.filter(major_level=f["major_level"])
    if f["overdue"] == "1":
        qs = qs.filter(overdue_q(ledger_cutoff(today)))
    if d := _date(f["signed_from"]):
        qs = qs.filter(signed_on__gte=d)
    if d := _date(f["signed_to"]):
        qs = qs.filter(signed_on__lte=d)
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    return qs


# What a row of the project list shows: loading the other forty columns of a project for
# each of 50 rows costs more than the queries themselves.
CARD_FIELDS = (
    "name",
    "stage",
    "stage_before_hold",
    "major_level",
    "estimated_investment",
    "agreed_investment",
    "signed_on",
    "last_ledger_on",
    "created_at",
    "stage_changed_at",
    "enterprise__name",
    "department__name",
    "key_industry__name",
    "zone__name",
)


def with_list_relations(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("enterprise", "department", "key_industry", "zone")


def for_cards(qs: QuerySet[Project]) -> QuerySet[Project]:
    return with_list_relations(qs).only(*CARD_FIELDS)


# What a kanban card shows, read as plain rows: building 160 model instances (and their
# four related ones each) cost more than the card queries themselves.
KANBAN_VALUES = (
    "pk",
    "name",
    "stage",
    "stage_before_hold",
    "major_level",
    "estimated_investment",
    "agreed_investment",
    "last_ledger_on",
    "created_at",
    "enterprise__name",
    "department__name",
    "key_industry__name",
)


def kanban(qs: QuerySet[Project]) -> list[dict[str, Any]]:
    """Per stage: the count and the most recently moved cards (dicts of KANBAN_VALUES).
    One count and at most eight card queries, whatever the number of projects.

    The count is ``COUNT(*)``: PostgreSQL answers it from the narrow stage index alone
    (an index-only scan), where ``COUNT(id)`` made it read the wider kanban index. An
    empty column asks for no cards."""
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("*")))
    columns = []
    for stage in [*STAGE_ORDER, Stage.ON_HOLD, Stage.DROPPED]:
        count = counts.get(stage, 0)
        cards = []
        if count:
            cards = list(
                qs.filter(stage=stage)
                .order_by("-stage_changed_at", "-id")
                .values(*KANBAN_VALUES)[:KANBAN_CARDS]
            )
        columns.append({"stage": stage, "label": stage.label, "count": count, "cards": cards})
    return columns


def overdue_test(
    today: dt.date | None = None, config: PipelineConfig | None = None
) -> Callable[[str, dt.date | None, dt.datetime], bool]:
    """``test(stage, last_ledger_on, created_at)``: is a project with these values overdue
    (the rule of ``overdue_q``, for rows already read)."""
    cutoff = ledger_cutoff(today, config)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))

    def test(stage, last_ledger_on, created_at):
        return stage in ACTIVE_STAGES and (
            (last_ledger_on is not None and last_ledger_on < cutoff)
            or (last_ledger_on is None and created_at < start)
        )

    return test


def overdue_ids(
    projects_: Iterable[Project], today: dt.date | None = None, config: PipelineConfig | None = None
) -> set[int]:
    test = overdue_test(today, config)
    return {p.pk for p in projects_ if test(p.stage, p.last_ledger_on, p.created_at)}


def open_problems(
    user: User, today: dt.date | None = None, overdue_only: bool = False
) -> QuerySet[Problem]:
    qs = Problem.objects.for_user(user).filter(status=Problem.Status.OPEN)
    if overdue_only:
        qs = qs.filter(due_on__lt=today or timezone.localdate())
    return qs.select_related("project", "owner_department", "project__department")


def funnel(user: User, department: str | int | None = None) -> list[dict[str, Any]]:
    """Counts per stage, conversion between consecutive stages and the median/average
    days spent in each stage, by responsible unit, from the StageChange rows.

    A project "reached" a stage when it has a change into that stage or a later one (a
    ledger imported at 签约 counts as having passed 洽谈). Time in a stage is the days
    from the change into it to the next change of the same project; stays still running
    are not averaged. A unit is credited with the days it held the project during a stay
    (counting rule 2: the unit responsible on each day), so a project handed over
    mid-stay gives each unit its own part; the district row counts whole stays."""
    from zhaoshang.org.models import Department

    from .owners import Owners, multi_owner_projects

    qs = projects(user)
    if department:
        qs = qs.filter(department_id=department)
    changes = (
        StageChange.objects.filter(project__in=qs)
        .annotate(
            next_on=Window(
                Lead("occurred_on"),
                partition_by=[F("project_id")],
                order_by=[F("occurred_on").asc(), F("id").asc()],
            )
        )
        .values_list(
            "project_id",
            "project__department__name",
            "project__department_id",
            "to_stage",
            "occurred_on",
            "next_on",
        )
    )
    # Only projects that ever changed hands have a history to split stays by.
    owners = Owners(multi_owner_projects().filter(project__in=qs))
    names = dict(Department.objects.values_list("pk", "name")) if owners.history else {}
    order: dict[str, int] = {s: i for i, s in enumerate(STAGE_ORDER)}
    furthest: dict[int, int] = {}
    unit_of: dict[int, str] = {}
    stays: defaultdict[str, defaultdict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pid, unit, unit_id, stage, on, next_on in changes:
        unit_of[pid] = unit
        if stage in order:
            furthest[pid] = max(furthest.get(pid, -1), order[stage])
        if next_on is None:
            continue
        stays["全区"][stage].append((next_on - on).days)
        history = owners.history.get(pid)
        if not history:
            stays[unit][stage].append((next_on - on).days)
            continue
        # Cut the stay at each hand-over dated inside it; each part goes to the unit
        # that held the project then.
        cuts = sorted({day for day, _ in history if on < day < next_on})
        for start, end in zip([on, *cuts], [*cuts, next_on], strict=True):
            holder = owners.unit_on(pid, start, unit_id)
            stays[names.get(holder, unit)][stage].append((end - start).days)
    current: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit, stage in qs.values_list("department__name", "stage"):
        current[unit][stage] += 1
        current["全区"][stage] += 1
    reached: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(STAGE_ORDER))
    for pid, idx in furthest.items():
        for unit in (unit_of[pid], "全区"):
            for i in range(idx + 1):
                reached[unit][i] += 1
    # A unit that held projects during a stay has a row even with none of them now.
    units = ["全区", *sorted((set(current) | set(stays)) - {"全区"})]
    rows = []
    for unit in units:
        stages = []
        for i, stage in enumerate(STAGE_ORDER):
            days = stays[unit].get(stage, [])
            rate = None
            if i and reached[unit][i - 1]:
                rate = round(100 * reached[unit][i] / reached[unit][i - 1], 1)
            stages.append(
                {
                    "stage": stage,
                    "label": stage.label,
                    "current": current[unit].get(stage, 0),
                    "reached": reached[unit][i],
                    "rate": rate,
                    "median": statistics.median(days) if days else None,
                    "average": round(sum(days) / len(days), 1) if days else None,
                }
            )
        rows.append(
            {
                "unit": unit,
                "stages": stages,
                "on_hold": current[unit].get(Stage.ON_HOLD, 0),
                "dropped": current[unit].get(Stage.DROPPED, 0),
            }
        )
    return rows

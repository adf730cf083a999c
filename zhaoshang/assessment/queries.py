"""Reads of targets, scoped: a unit sees its own, the office and leaders all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from zhaoshang.org import roles
from zhaoshang.org.models import Department

from .models import Objection, Result, Scheme, Target

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User

# The units that are assessed: they promote and are given targets.
ASSESSED_KINDS = [Department.Kind.DEPARTMENT, Department.Kind.STREET, Department.Kind.ZONE]


def assessed_units(year: int) -> list[Department]:
    """Active promoting units plus any unit given a target that year, in display order."""
    with_target = Target.objects.filter(year=year).values("department_id")
    return list(
        Department.objects.filter(
            Q(is_active=True, kind__in=ASSESSED_KINDS) | Q(pk__in=with_target)
        ).order_by("sort_order", "id")
    )


def targets_for(user: User, year: int) -> QuerySet[Target]:
    return Target.objects.for_user(user).filter(year=year).select_related("department")


def targets_by_unit(year: int) -> dict[int, Target]:
    """{department_id: Target} for every unit's targets (the report is district-wide)."""
    return {t.department_id: t for t in Target.objects.filter(year=year)}


# --- Schemes and results ---------------------------------------------------------------------
def reads_every_unit(user: User) -> bool:
    """The office and the district's readers (leaders, supervision) read every unit's
    score sheet and unissued results; a unit reads issued results and its own sheet."""
    return user.has_perm(roles.MANAGE_TARGET) or user.has_perm(roles.VIEW_REPORT)


def latest_scheme(year: int) -> Scheme | None:
    return Scheme.objects.filter(year=year).order_by("-version").first()


def scheme_versions(year: int) -> QuerySet[Scheme]:
    return Scheme.objects.filter(year=year).select_related("created_by").order_by("-version")


def results_for(user: User, year: int) -> QuerySet[Result]:
    rows = Result.objects.filter(year=year).select_related("scheme", "issued_by")
    if not reads_every_unit(user):
        rows = rows.filter(status=Result.Status.ISSUED)
    return rows.defer("data").order_by("-requested_at", "-id")


def result_for(user: User, pk: int) -> Result | None:
    rows = Result.objects.select_related("scheme", "issued_by", "previous")
    if not reads_every_unit(user):
        rows = rows.filter(status=Result.Status.ISSUED)
    return rows.filter(pk=pk).first()


def own_units(user: User) -> set[int]:
    """The units whose sheets ``user`` reads: every one, or those of its data scope."""
    return set(Department.objects.for_user(user).values_list("pk", flat=True))


def may_read_sheet(user: User, unit_id: int) -> bool:
    return reads_every_unit(user) or unit_id in own_units(user)


def objections_of(user: User, result: Result) -> QuerySet[Objection]:
    rows = result.objections.select_related("unit", "filed_by", "answered_by")
    if not reads_every_unit(user):
        rows = rows.filter(unit_id__in=own_units(user))
    return rows

"""Reads of targets, scoped: a unit sees its own, the office and leaders all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from zhaoshang.org.models import Department

from .models import Target

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

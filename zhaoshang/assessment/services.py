"""Every write to targets: one audited upsert per unit and year."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.common.records import record_create, record_update

from .models import INDICATORS, Target

if TYPE_CHECKING:
    from zhaoshang.org.models import Department, User

FIELDS = [code for code, _, _ in INDICATORS]


@transaction.atomic
def target_save(
    *, actor: User, year: int, department: Department, data: dict[str, Any], detail: str = ""
) -> tuple[Target, str]:
    """Set a unit's targets for a year (creating the row the first time). Values equal to
    what is stored change nothing and leave no audit line, so re-importing is a no-op.
    Returns (target, action) with action create / update / unchanged."""
    if year < 2000 or year > 2100:
        raise ValidationError({"year": f"年度“{year}”不正确。"})
    for code in FIELDS:
        value = data.get(code)
        if value is not None and Decimal(value) < 0:
            raise ValidationError({code: "目标不能为负数。"})
    values = {k: v for k, v in data.items() if k in FIELDS and v is not None}
    target = Target.objects.select_for_update().filter(year=year, department=department).first()
    if target is None:
        target = record_create(
            Target,
            actor=actor,
            data={"year": year, "department": department, **values},
            detail=detail,
        )
        return target, "create"
    changed = {k: v for k, v in values.items() if Decimal(getattr(target, k)) != Decimal(v)}
    if not changed:
        return target, "unchanged"
    return record_update(target, actor=actor, data=changed, detail=detail), "update"

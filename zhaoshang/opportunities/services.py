"""Writes of the opportunity library: every one audited (common/records.py); status moves
through ``workflow.opportunity_move``."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.common.records import record_create, record_update

from .models import Cooperation, Opportunity, OpportunityDocument
from .workflow import opportunity_move  # noqa: F401  (the one way a status moves)

FIELDS = [
    "name",
    "summary",
    "industry",
    "key_industry",
    "zone",
    "carrier",
    "investment",
    "cooperation",
    "sought",
    "expected_returns",
    "contact",
]


def _clean(data):
    data = {k: v for k, v in data.items() if k in FIELDS or k == "department"}
    modes = list(dict.fromkeys(data.get("cooperation") or []))
    unknown = [m for m in modes if m not in Cooperation.values]
    if unknown:
        raise ValidationError({"cooperation": f"未知的合作方式：{'、'.join(unknown)}。"})
    if not modes:
        raise ValidationError({"cooperation": "请至少选择一种合作方式。"})
    data["cooperation"] = modes
    investment = data.get("investment")
    if investment is not None and Decimal(investment) < 0:
        raise ValidationError({"investment": "投资规模不能为负数。"})
    carrier, zone = data.get("carrier"), data.get("zone")
    if carrier is not None and zone is None and carrier.zone_id:
        # The carrier's zone is the opportunity's unless the clerk says otherwise.
        data["zone"] = carrier.zone
    return data


@transaction.atomic
def opportunity_create(*, actor: Any, data: dict[str, Any], department: Any = None) -> Any:
    """A new opportunity of ``department`` (the actor's unit by default), 在库."""
    data = _clean(data)
    data["department"] = department or data.get("department") or actor.department
    data["created_by"] = actor if getattr(actor, "is_authenticated", False) else None
    return record_create(Opportunity, actor=actor, data=data)


@transaction.atomic
def opportunity_update(*, actor: Any, opportunity: Any, data: dict[str, Any], version: int) -> Any:
    return record_update(opportunity, actor=actor, data=_clean(data), version=version)


@transaction.atomic
def opportunity_document_add(
    *, actor: Any, opportunity: Any, title: str, file: Any, public: bool = True
) -> Any:
    return record_create(
        OpportunityDocument,
        actor=actor,
        data={
            "opportunity": opportunity,
            "title": (title or file.name)[:200],
            "file": file,
            "public": public,
            "uploaded_by": actor,
        },
    )

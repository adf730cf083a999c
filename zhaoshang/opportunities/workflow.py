"""The opportunity's statuses: one transition table, one move (common/workflow.py).

在库 (kept, internal) → 发布 (on the portal) → 洽谈中 (an investor is talking) → 已落地;
the office may withdraw a published one (撤回, off the portal) and put it back. Publishing
is the office's: what the district offers publicly is decided in one place."""

from typing import Any

from zhaoshang.common.workflow import Move, Workflow
from zhaoshang.org import roles

from .models import Opportunity, OpportunityStep, Status

MANAGE = roles.MANAGE_OPPORTUNITIES
PUBLISH = roles.PUBLISH_OPPORTUNITIES


def _own(actor, record):
    """A unit moves its own opportunities; the office (scope all) moves any."""
    if not Opportunity.objects.for_user(actor).filter(pk=record.pk).exists():
        return "只能变更本单位的招商项目。"
    return None


S = Status
TRANSITIONS = {
    (S.IN_LIBRARY, S.PUBLISHED): Move("发布", perm=PUBLISH),
    (S.PUBLISHED, S.NEGOTIATING): Move("转入洽谈", perm=MANAGE, who=_own),
    (S.NEGOTIATING, S.PUBLISHED): Move("洽谈未成，重新发布", perm=MANAGE, who=_own, note="原因"),
    (S.NEGOTIATING, S.LANDED): Move("已落地", perm=MANAGE, who=_own),
    (S.PUBLISHED, S.WITHDRAWN): Move("撤回", perm=PUBLISH, note="撤回原因"),
    (S.NEGOTIATING, S.WITHDRAWN): Move("撤回", perm=PUBLISH, note="撤回原因"),
    (S.WITHDRAWN, S.IN_LIBRARY): Move("重新入库", perm=MANAGE, who=_own),
}

OPPORTUNITIES = Workflow(
    model=Opportunity,
    field="status",
    transitions=TRANSITIONS,
    stamp="status_changed_at",
    history=lambda m: OpportunityStep.objects.create(
        opportunity=m.record, from_status=m.src, to_status=m.dst, note=m.note, actor=m.user
    ),
    noun="招商项目",
    note_field="note",
)


def opportunity_move(
    *,
    actor: Any,
    opportunity: Any,
    to_status: str,
    note: str = "",
    expected_status: str | None = None,
) -> Any:
    return OPPORTUNITIES.move(
        opportunity, to_status, actor=actor, note=note, expected=expected_status
    )

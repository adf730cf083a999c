"""The policy's statuses: 草稿 → 现行 (published) → 修订 (a newer version took over) or
废止 (repealed). Publishing a revision moves the version it supersedes to 修订 in the
same transaction (services.policy_publish)."""

from typing import Any

from zhaoshang.common.workflow import Move, Workflow
from zhaoshang.org import roles

from .models import Policy, PolicyStep, Status

PUBLISH = roles.PUBLISH_POLICIES

S = Status
TRANSITIONS = {
    (S.DRAFT, S.CURRENT): Move("发布", perm=PUBLISH),
    (S.CURRENT, S.REVISED): Move("被新版本替代", perm=PUBLISH, note="替代说明"),
    (S.CURRENT, S.REPEALED): Move("废止", perm=PUBLISH, note="废止原因"),
}

POLICIES = Workflow(
    model=Policy,
    field="status",
    transitions=TRANSITIONS,
    stamp="status_changed_at",
    history=lambda m: PolicyStep.objects.create(
        policy=m.record, from_status=m.src, to_status=m.dst, note=m.note, actor=m.user
    ),
    noun="政策",
    note_field="note",
)


def policy_move(
    *, actor: Any, policy: Any, to_status: str, note: str = "", expected_status: str | None = None
) -> Any:
    return POLICIES.move(policy, to_status, actor=actor, note=note, expected=expected_status)

"""The states of a problem (问题清单) and the one function that moves it.

``TRANSITIONS`` is the whole table, the same shape as the project stages'
(``workflow.TRANSITIONS``): (from, to) → what the move needs and who may make it. A move
not in it is refused, so a resolved problem cannot be resolved again and a closed one
cannot be closed twice; a resolved or closed problem comes back only by 重新打开, with a
reason and a new deadline in working days from the working calendar.

``problem_move`` is the only code that changes ``Problem.status``. It applies the move as
``UPDATE … WHERE pk = … AND status = <the status the user saw>`` (and the version the
user's page was built on, when given), so of two people acting on the same problem at
once exactly one update matches; only the winner writes the ``ProblemStep`` row (who,
when, from, to, why) and the audit line. Escalation (责任单位 → 招商办 → 联席会议) moves
the level of an open problem, not its status, and stays in ``services.problem_escalate``.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.records import StaleEditError
from zhaoshang.org.roles import MANAGE_PIPELINE
from zhaoshang.reference.calendar import add_working_days, time_limit_error

from ..models import PipelineConfig, Problem, ProblemStep

S = Problem.Status


@dataclass(frozen=True)
class Move:
    label: str  # what the button says
    kind: str  # the ProblemStep kind it writes
    note_label: str  # what the required note is, in the refusal: "请填写办理结果。"
    perm: str = MANAGE_PIPELINE  # who may make it (within their data scope)
    restarts_deadline: bool = False


TRANSITIONS = {
    (S.OPEN, S.RESOLVED): Move("已解决", ProblemStep.Kind.RESOLVE, "办理结果"),
    # Closed without a solution (no longer relevant).
    (S.OPEN, S.CLOSED): Move("关闭", ProblemStep.Kind.CLOSE, "关闭原因"),
    # A solution that did not hold, or a closed problem that came back.
    (S.RESOLVED, S.OPEN): Move(
        "重新打开", ProblemStep.Kind.REOPEN, "重新打开的原因", restarts_deadline=True
    ),
    (S.CLOSED, S.OPEN): Move(
        "重新打开", ProblemStep.Kind.REOPEN, "重新打开的原因", restarts_deadline=True
    ),
}


class ProblemMoveRefused(ValidationError):
    """The move is not in the table, lacks its reason, or the actor may not make it."""


class ProblemMoveConflict(ValidationError):
    """Someone else moved the problem first; nothing was changed."""


def allowed_moves(problem):
    """The moves offered from the problem's status, as (to_status, Move)."""
    return [(dst, m) for (src, dst), m in TRANSITIONS.items() if src == problem.status]


def _refusal(src, dst):
    if src == dst:
        return {
            S.RESOLVED: "该问题已解决，不能再次办结；如问题仍未解决，请“重新打开”。",
            S.CLOSED: "该问题已关闭，不能再次关闭；如需继续办理，请“重新打开”。",
            S.OPEN: "该问题正在办理中，无需重新打开。",
        }[src]
    return f"问题不能从“{S(src).label}”直接转为“{S(dst).label}”。"


@transaction.atomic
def problem_move(
    *,
    actor,
    problem,
    to_status,
    note,
    expected_status=None,
    version=None,
    deadline_days=None,
    today=None,
):
    """Move ``problem`` from ``expected_status`` (the status the user saw; by default
    the object's) to ``to_status``. ``note`` is the resolution, the reason for closing or
    the reason for reopening; a reopen restarts the deadline (``deadline_days`` working
    days, the problem's own by default) from ``today``. Returns the ProblemStep.

    Raises ProblemMoveRefused, ProblemMoveConflict (the status changed meanwhile) or
    StaleEditError (the problem was answered or edited since ``version``)."""
    today = today or timezone.localdate()
    src, dst = S(expected_status or problem.status), S(to_status)
    move = TRANSITIONS.get((src, dst))
    if move is None:
        raise ProblemMoveRefused(_refusal(src, dst), code="refused")
    if not actor.has_perm(move.perm):
        raise ProblemMoveRefused(f"您没有权限对问题执行“{move.label}”。", code="refused")
    note = (note or "").strip()
    if not note:
        raise ProblemMoveRefused({"note": f"请填写{move.note_label}。"}, code="refused")

    updates = {"status": dst}
    if dst == S.RESOLVED:
        updates |= {"resolution": note, "resolved_on": today}
    elif dst == S.CLOSED:
        updates |= {"resolved_on": today}
    if move.restarts_deadline:
        days = (
            deadline_days or problem.deadline_days or PipelineConfig.current().problem_deadline_days
        )
        if error := time_limit_error(days):
            raise ProblemMoveRefused({"deadline_days": error})
        # The earlier result did not hold: it stays in the history (its step), not on
        # the open problem.
        updates |= {
            "resolution": "",
            "resolved_on": None,
            "deadline_days": days,
            "due_on": add_working_days(today, days),
        }

    rows = Problem.objects.filter(pk=problem.pk, status=src)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1, **updates):
        current = Problem.objects.filter(pk=problem.pk).values_list("status", flat=True).first()
        if current == src:
            raise StaleEditError()
        raise ProblemMoveConflict(
            f"该问题已被他人从“{src.label}”转为“{S(current).label}”，您的操作未执行。"
            "请刷新页面查看最新情况后再操作。",
            code="conflict",
        )
    before = {name: getattr(problem, name) for name in updates}
    problem.refresh_from_db()
    step = ProblemStep.objects.create(
        problem=problem,
        kind=move.kind,
        from_status=src,
        to_status=dst,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    changes = {"status": [src.label, dst.label]}
    for name, old in before.items():
        new = getattr(problem, name)
        if name != "status" and old != new:
            changes[name] = [_plain(old), _plain(new)]
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=problem,
        changes=changes,
        detail=f"问题{move.label}：{note}",
    )
    return step


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value

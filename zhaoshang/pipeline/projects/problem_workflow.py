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

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from zhaoshang.common.workflow import Move, MoveConflict, MoveRefused, Workflow
from zhaoshang.org.roles import MANAGE_PIPELINE
from zhaoshang.reference.calendar import add_working_days, time_limit_error

from ..models import PipelineConfig, Problem, ProblemStep

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import User

S = Problem.Status


@dataclass(frozen=True)
class ProblemMove(Move):
    kind: str = ""  # the ProblemStep kind it writes
    restarts_deadline: bool = False

    @property
    def note_label(self) -> str:
        return self.note


def _move(label, kind, note, restarts_deadline=False):
    # Who may: project work (MANAGE_PIPELINE) within the user's data scope, which the
    # page and the API apply when they read the problem.
    return ProblemMove(
        label, perm=MANAGE_PIPELINE, note=note, kind=kind, restarts_deadline=restarts_deadline
    )


TRANSITIONS = {
    (S.OPEN, S.RESOLVED): _move("已解决", ProblemStep.Kind.RESOLVE, "办理结果"),
    # Closed without a solution (no longer relevant).
    (S.OPEN, S.CLOSED): _move("关闭", ProblemStep.Kind.CLOSE, "关闭原因"),
    # A solution that did not hold, or a closed problem that came back.
    (S.RESOLVED, S.OPEN): _move(
        "重新打开", ProblemStep.Kind.REOPEN, "重新打开的原因", restarts_deadline=True
    ),
    (S.CLOSED, S.OPEN): _move(
        "重新打开", ProblemStep.Kind.REOPEN, "重新打开的原因", restarts_deadline=True
    ),
}


class ProblemMoveRefused(MoveRefused):
    """The move is not in the table, lacks its reason, or the actor may not make it."""


class ProblemMoveConflict(MoveConflict):
    """Someone else moved the problem first; nothing was changed."""


def allowed_moves(problem: Problem) -> list[tuple[str, Move]]:
    """The moves offered from the problem's status, as (to_status, Move)."""
    return PROBLEMS.moves_from(problem.status)


def _refusal(s, d, **_):
    if s == d:
        return {
            S.RESOLVED: "该问题已解决，不能再次办结；如问题仍未解决，请“重新打开”。",
            S.CLOSED: "该问题已关闭，不能再次关闭；如需继续办理，请“重新打开”。",
            S.OPEN: "该问题正在办理中，无需重新打开。",
        }[s]
    return f"问题不能从“{S(s).label}”直接转为“{S(d).label}”。"


def _history(moved):
    return ProblemStep.objects.create(
        problem=moved.record,
        kind=moved.move.kind,
        from_status=moved.src,
        to_status=moved.dst,
        note=moved.note,
        actor=moved.user,
    )


PROBLEMS = Workflow(
    model=Problem,
    field="status",
    transitions=TRANSITIONS,
    history=_history,
    noun="问题",
    note_field="note",
    messages={"refused": _refusal, "note": "请填写{note}。"},
    refresh=lambda problem, fields: problem.refresh_from_db(),
    refused=ProblemMoveRefused,
    conflict=ProblemMoveConflict,
)


def problem_move(
    *,
    actor: User,
    problem: Problem,
    to_status: str,
    note: str,
    expected_status: str | None = None,
    version: int | None = None,
    deadline_days: int | None = None,
    today: dt.date | None = None,
) -> ProblemStep:
    """Move ``problem`` from ``expected_status`` (the status the user saw; by default
    the object's) to ``to_status``. ``note`` is the resolution, the reason for closing or
    the reason for reopening; a reopen restarts the deadline (``deadline_days`` working
    days, the problem's own by default) from ``today``. Returns the ProblemStep.

    Raises ProblemMoveRefused, ProblemMoveConflict (the status changed meanwhile) or
    StaleEditError (the problem was answered or edited since ``version``)."""
    today = today or timezone.localdate()
    note = (note or "").strip()

    def prepare(src, dst, move):
        updates = {}
        if dst == S.RESOLVED:
            updates |= {"resolution": note, "resolved_on": today}
        elif dst == S.CLOSED:
            updates |= {"resolved_on": today}
        if move.restarts_deadline:
            days = (
                deadline_days
                or problem.deadline_days
                or PipelineConfig.current().problem_deadline_days
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
        return updates

    moved = PROBLEMS.move(
        problem,
        to_status,
        actor=actor,
        note=note,
        expected=expected_status,
        version=version,
        prepare=prepare,
        detail=lambda m: f"问题{m.move.label}：{m.note}",
    )
    return moved.history

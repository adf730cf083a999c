"""One shape for every workflow: a table of moves and the one function that makes them.

A stateful module (project stages, lead pushes, problems, tailored terms; later
disbursements, tickets, complaints, supervision items, rewards) declares, in its own
``workflow.py``, which moves exist and what each needs, and moves its records only
through ``Workflow.move``. That function refuses a move outside the table, checks who
may make it and the note it needs, lets the module add its own checks and field values,
then writes with a conditional ``UPDATE … WHERE pk = … AND <status> = <the status the
user saw>`` (and the version the user's page was built on, when given). Of two people
acting on one record at once exactly one update matches; only the winner writes the
history row (who, when, from, to, why) and the audit line.

How a module declares its workflow::

    from zhaoshang.common.workflow import Move, Workflow
    from zhaoshang.org.roles import MANAGE_TICKETS

    S = Ticket.Status
    TRANSITIONS = {
        (S.OPEN, S.DONE): Move("办结", perm=MANAGE_TICKETS, note="办理结果"),
        (S.DONE, S.OPEN): Move("重新打开", perm=MANAGE_TICKETS, note="重新打开的原因"),
    }
    TICKETS = Workflow(
        model=Ticket,
        field="status",
        transitions=TRANSITIONS,
        history=lambda m: TicketStep.objects.create(
            ticket=m.record, from_status=m.src, to_status=m.dst, note=m.note, actor=m.user
        ),
        noun="服务事项",
    )

    def ticket_move(*, actor, ticket, to_status, note="", expected_status=None, version=None):
        return TICKETS.move(
            ticket, to_status, actor=actor, note=note, expected=expected_status, version=version
        )

``Move`` may be subclassed for what one module's moves carry beyond these fields (the
history kind, a deadline restart …); ``move(prepare=…)`` returns the extra fields the
move writes and raises ``MoveRefused`` for what the table cannot say (a missing date, a
guard another module registered). Messages are Chinese and name what is wrong; a module
whose pages have always said something else overrides them in ``messages``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.errors import Conflict
from zhaoshang.common.records import StaleEditError


class MoveRefused(ValidationError):
    """The move is not in the table, the actor may not make it, or it lacks what it needs;
    nothing was changed."""


class MoveConflict(Conflict, ValidationError):
    """Someone else moved the record first; nothing was changed. ``extra`` names the
    record's state now ({"stage": "on_hold"}), which the API returns with its 409."""

    extra: dict[str, Any]


@dataclass(frozen=True)
class Move:
    """One row of a transition table: what the move is called and what it needs.

    ``perm``: the permission (a name from ``org/roles.py``) the actor needs; ``who``:
    ``fn(actor, record)`` returning a Chinese refusal when this actor may not make the move
    on this record (the receiving unit only, the project's own unit …), else None;
    ``note``: what the required note is ("原因", "办理结果"), empty when none is needed."""

    label: str
    perm: str = ""
    who: Callable[[Any, Any], str | None] | None = None
    note: str = ""


@dataclass
class Moved:
    """A move that was made, as the history row and the audit line see it; ``history``
    is the row written."""

    record: Any
    src: str
    dst: str
    move: Move
    actor: Any
    note: str
    at: dt.datetime
    extra: Mapping[str, Any]
    history: Any = None

    @property
    def user(self) -> Any:
        """The actor as a foreign key value: a signed-in user, else None (a job)."""
        return self.actor if getattr(self.actor, "is_authenticated", False) else None


DEFAULT_MESSAGES: dict[str, str | Callable[..., str]] = {
    "refused": "{noun}不能从“{src}”直接转为“{dst}”。",
    "forbidden": "您没有权限对{noun}执行“{move}”。",
    "note": "“{move}”须填写{note}。",
    "conflict": "该{noun}已被他人从“{src}”转为“{current}”，您的操作未执行。"
    "请刷新页面查看最新情况后再操作。",
}


@dataclass
class Workflow:
    """A transition table and how its records move.

    ``transitions``: ``{(from, to): Move}``, the whole table; a move not in it is refused.
    ``field``: the status field; ``stamp``: a datetime field set to the time of each move;
    ``history``: ``fn(Moved)`` that creates the history row (None only for a record that
    moves once and keeps its answer on itself, like a push). ``quiet``: updated fields
    the audit line leaves out. ``note_field``: the form field a missing note is reported
    on. ``refresh``: ``fn(record, fields)`` reloading the record after the update.
    ``refused`` and ``conflict``: the module's own subclasses of the two errors, when its
    callers catch those."""

    model: type[models.Model]
    field: str
    # Keyed by the model's TextChoices members (str subclasses): Any, as a dict's key type
    # is invariant.
    transitions: Mapping[tuple[Any, Any], Move]
    history: Callable[[Moved], Any] | None
    noun: str
    stamp: str = ""
    quiet: frozenset[str] = frozenset()
    note_field: str = ""
    # dataclasses.field by its full name: the attribute ``field`` above shadows it here.
    messages: dict[str, str | Callable[..., str]] = dataclasses.field(default_factory=dict)
    refresh: Callable[[Any, list[str]], None] | None = None
    refused: type[MoveRefused] = MoveRefused
    conflict: type[MoveConflict] = MoveConflict

    def __post_init__(self):
        self.messages = {**DEFAULT_MESSAGES, **self.messages}
        self.choices = dict(self.model._meta.get_field(self.field).flatchoices)
        self.versioned = any(f.name == "version" for f in self.model._meta.concrete_fields)

    def label(self, state: str | None) -> str:
        return str(self.choices.get(state, state)) if state else "（无）"

    def moves_from(self, state: str) -> list[tuple[str, Move]]:
        """The moves the table offers from ``state``, as (to, Move)."""
        return [(dst, move) for (src, dst), move in self.transitions.items() if src == state]

    def _say(self, key: str, **values: Any) -> str:
        message = self.messages[key]
        if callable(message):
            return message(**values)
        return message.format(noun=self.noun, **values)

    def check(self, src: str, dst: str, *, actor: Any, record: Any, note: str = "") -> Move:
        """The table row for (src, dst) if this actor may make it with this note; else
        MoveRefused. Pages use it to offer only the moves a user may make."""
        move = self.transitions.get((src, dst))
        if move is None:
            text = self._say("refused", src=self.label(src), dst=self.label(dst), s=src, d=dst)
            raise self.refused(text, code="refused")
        if move.perm and not (actor is not None and actor.has_perm(move.perm)):
            raise self.refused(self._say("forbidden", move=move.label), code="refused")
        if move.who is not None and (refusal := move.who(actor, record)):
            raise self.refused(refusal, code="refused")
        if move.note and not note:
            text = self._say("note", move=move.label, note=move.note)
            error = {self.note_field: text} if self.note_field else text
            raise self.refused(error, code="refused")
        return move

    @transaction.atomic
    def move(
        self,
        record: Any,
        to: str,
        *,
        actor: Any,
        note: str = "",
        expected: str | None = None,
        version: int | None = None,
        prepare: Callable[[str, str, Move], dict[str, Any]] | None = None,
        around: AbstractContextManager | None = None,
        extra: Mapping[str, Any] | None = None,
        detail: Callable[[Moved], str] | None = None,
    ) -> Moved:
        """Move ``record`` from ``expected`` (the status the user saw; by default the
        record's) to ``to``. ``prepare(src, dst, move)`` returns the other fields the move
        writes (or raises MoveRefused); ``around`` is a context the update runs in (keeping
        derived sums right); ``extra`` goes to the history row; ``detail`` words the audit
        line (default: the move's label and the note).

        Raises MoveRefused, MoveConflict (the status changed meanwhile) or StaleEditError
        (the record was edited since ``version``). Returns the ``Moved`` with the record
        reloaded and its history row."""
        note = (note or "").strip()
        src = expected or getattr(record, self.field)
        move = self.check(src, to, actor=actor, record=record, note=note)
        updates = dict(prepare(src, to, move)) if prepare else {}
        now = timezone.now()
        values = {self.field: to, **updates}
        if self.stamp:
            values[self.stamp] = now
        if self.versioned:
            values["version"] = F("version") + 1
        rows = self.model._default_manager.filter(pk=record.pk, **{self.field: src})
        if version is not None:
            rows = rows.filter(version=version)
        with around or nullcontext():
            if not rows.update(**values):
                current = (
                    self.model._default_manager.filter(pk=record.pk)
                    .values_list(self.field, flat=True)
                    .first()
                )
                if version is not None and current == src:
                    raise StaleEditError()
                text = self._say("conflict", src=self.label(src), current=self.label(current))
                conflict = self.conflict(text, code="conflict")
                conflict.extra = {self.field: current}
                raise conflict
        before = {name: getattr(record, name) for name in updates}
        fields = [f for f in values if f != "version"] + (["version"] if self.versioned else [])
        if self.refresh:
            self.refresh(record, fields)
        else:
            record.refresh_from_db(fields=fields)
        moved = Moved(record, src, to, move, actor, note, now, extra or {})
        if self.history is not None:
            moved.history = self.history(moved)
        changes = {self.field: [self.label(src), self.label(to)]}
        for name, old in before.items():
            new = getattr(record, name)
            if name not in self.quiet and old != new:
                changes[name] = [_plain(old), _plain(new)]
        audit_record(
            AuditEvent.Action.UPDATE,
            actor=actor,
            obj=record,
            changes=changes,
            detail=(detail or _detail)(moved),
        )
        return moved


def _detail(moved: Moved) -> str:
    return moved.move.label + (f"：{moved.note}" if moved.note else "")


def _plain(value: Any) -> Any:
    """A value as the audit trail's JSON keeps it."""
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file
        return value.name or ""
    return value

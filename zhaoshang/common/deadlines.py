"""One engine for time limits (办理时限): deadlines, escalation, reminders.

Project problems (问题清单, ``pipeline/projects``), service tickets (企业诉求,
``aftercare``) and complaints (投诉, ``complaints``) all work to a time limit in working
days, escalate up a chain of levels when they run late, and remind the responsible unit
every working morning. They do it here, once, so a rule changed for one changes for all.

A module describes where its records keep their clock with a ``Clock`` and registers it
in its app's ``ready()``; the engine then

- counts each deadline from a **stored clock start** (``start_field``) in working days
  from ``reference/calendar.py``. A deadline counted Monday to Friday because nobody had
  entered that year's holidays is counted again, from the same start, when the office
  enters them (``recount``, called by ``reference.services`` after each calendar edit);
- **escalates** a record one level up its chain (责任单位 → 区招商办 → 联席会议), by hand
  or automatically when it is overdue (``escalate_overdue``, a beat job), each time with
  a new deadline from that day, as ``UPDATE … WHERE pk = … AND level = <the level the
  user saw> AND <still open>`` so two escalations of one record cannot both happen; the
  module's own history row records the step (who, when, from, to, why) and one audit
  line records the change;
- answers **what is overdue** per unit for the reminders.

Status moves (answered, resolved, closed) stay in each module's ``workflow.py`` on
``common/workflow.py``; a move that starts a new clock asks ``clock_fields`` for the
values it writes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.records import StaleEditError
from zhaoshang.reference.calendar import add_working_days, time_limit_error

log = logging.getLogger(__name__)

UNIT, OFFICE, JOINT_MEETING = "unit", "office", "joint_meeting"


class Level(models.TextChoices):
    """The escalation chain of problems and service tickets (Hexi H9, Chengyang 五(五))."""

    UNIT = UNIT, "责任单位"
    OFFICE = OFFICE, "区招商办协调"
    JOINT_MEETING = JOINT_MEETING, "联席会议"


class EscalationConflict(ValidationError):
    """Someone else escalated or finished the record first; nothing was changed."""


@dataclass(frozen=True)
class Clock:
    """Where one kind of record keeps its time limit, and what the engine calls back.

    ``chain``: the levels in order, as (value, label); ``open_q``: the records still being
    worked (only they escalate, are reminded and are recounted); ``history(record, actor=,
    note=, from_level=, to_level=, automatic=)`` writes the module's step row;
    ``may_raise_to(actor, level)`` returns a Chinese refusal when ``actor`` may not
    escalate by hand to ``level`` (None when they may); ``unit_field``: the responsible
    unit reminders go to; ``escalated(record, step)``: told after an escalation (a
    notification to the new level), optional."""

    name: str
    model: type[models.Model]
    noun: str
    chain: tuple[tuple[str, str], ...]
    open_q: Q
    history: Callable[..., Any]
    may_raise_to: Callable[[Any, str], str | None] = lambda actor, level: None
    unit_field: str = "department"
    level_field: str = "level"
    days_field: str = "deadline_days"
    start_field: str = "deadline_started_on"
    due_field: str = "due_on"
    auto_escalate: bool = True
    escalated: Callable[[Any, Any], None] | None = None
    closed_message: str = ""
    labels: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "labels", dict(self.chain))

    def next_level(self, level: str) -> str | None:
        values = [v for v, _ in self.chain]
        i = values.index(level) if level in values else -1
        return values[i + 1] if 0 <= i < len(values) - 1 else None

    def label(self, level: str) -> str:
        return str(self.labels.get(level, level))

    def open(self):
        return self.model._default_manager.filter(self.open_q)

    def overdue(self, today: dt.date):
        """The open records past their deadline (a deadline day itself is not late)."""
        return self.open().filter(**{f"{self.due_field}__lt": today})


CLOCKS: dict[str, Clock] = {}


def register(clock: Clock) -> Clock:
    """Called from an app's ``ready()``."""
    CLOCKS[clock.name] = clock
    return clock


def check_days(days: int | None, field_name: str = "deadline_days") -> int:
    if error := time_limit_error(days):
        raise ValidationError({field_name: error})
    return days


def due_date(start: dt.date, days: int) -> dt.date:
    """The deadline ``days`` working days after ``start`` (the start day not counted)."""
    return add_working_days(start, check_days(days))


def clock_fields(clock: Clock, start: dt.date, days: int) -> dict[str, Any]:
    """The values a record writes when its clock (re)starts on ``start``."""
    return {
        clock.start_field: start,
        clock.days_field: days,
        clock.due_field: due_date(start, days),
    }


@transaction.atomic
def escalate(
    clock: Clock,
    record: Any,
    *,
    actor: Any,
    note: str,
    deadline_days: int | None = None,
    today: dt.date | None = None,
    version: int | None = None,
    automatic: bool = False,
    expected_level: str | None = None,
):
    """Raise ``record`` one level up its chain with a new deadline counted from ``today``
    (its own time limit unless ``deadline_days`` is given). Returns the history row.

    By hand the actor must be allowed the level (``may_raise_to``); the beat job escalates
    with ``automatic=True`` and no actor. Raises ValidationError (top of the chain, no
    reason, not allowed, finished), EscalationConflict (someone escalated it meanwhile) or
    StaleEditError (edited since ``version``)."""
    level = expected_level or getattr(record, clock.level_field)
    to_level = clock.next_level(level)
    if to_level is None:
        raise ValidationError(f"该{clock.noun}已提交{clock.label(level)}，不能再升级。")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请说明升级原因。"})
    if not automatic and (refusal := clock.may_raise_to(actor, to_level)):
        raise ValidationError(refusal)
    today = today or timezone.localdate()
    days = check_days(deadline_days or getattr(record, clock.days_field))
    old_due = getattr(record, clock.due_field)
    values = {clock.level_field: to_level, **clock_fields(clock, today, days)}
    model = type(record)
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    if versioned:
        values["version"] = F("version") + 1
    rows = model._default_manager.filter(clock.open_q, pk=record.pk, **{clock.level_field: level})
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(**values):
        current = model._default_manager.filter(pk=record.pk)
        if not current.filter(clock.open_q).exists():
            raise EscalationConflict(
                clock.closed_message or f"该{clock.noun}已办结，不能升级。", code="conflict"
            )
        if version is not None and current.filter(**{clock.level_field: level}).exists():
            raise StaleEditError()
        raise EscalationConflict(
            f"该{clock.noun}已被他人升级，您的操作未执行。请刷新页面查看最新情况。",
            code="conflict",
        )
    record.refresh_from_db()
    how = "超期自动升级" if automatic else "升级"
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=record,
        changes={
            clock.level_field: [clock.label(level), clock.label(to_level)],
            clock.due_field: [str(old_due), str(getattr(record, clock.due_field))],
        },
        detail=f"{clock.noun}{how}至{clock.label(to_level)}：{note}",
    )
    step = clock.history(
        record, actor=actor, note=note, from_level=level, to_level=to_level, automatic=automatic
    )
    if clock.escalated is not None:
        clock.escalated(record, step)
    return step


def escalate_overdue(today: dt.date | None = None) -> dict[str, int]:
    """The beat job's work: every open record past its deadline goes one level up, with a
    new deadline from ``today``. Each record in its own transaction, so one refusal (it
    was answered a moment ago) does not undo the others. Returns counts per clock."""
    today = today or timezone.localdate()
    done = {}
    for clock in CLOCKS.values():
        if not clock.auto_escalate:
            continue
        top = clock.chain[-1][0]
        done[clock.name] = 0
        late = clock.overdue(today).exclude(**{clock.level_field: top}).order_by("pk")
        for record in late.iterator(chunk_size=500):
            due = getattr(record, clock.due_field)
            note = f"超过办结期限（{due:%Y年%-m月%-d日}）未办结，系统自动升级。"
            try:
                escalate(clock, record, actor=None, note=note, today=today, automatic=True)
            except (ValidationError, StaleEditError) as exc:
                log.info("%s %s 未自动升级：%s", clock.noun, record.pk, exc)
                continue
            done[clock.name] += 1
    return done


def recount(year: int) -> dict[str, int]:
    """Count again, from its stored clock start, every open deadline whose count runs
    through ``year``: the office has just entered (or changed) that year's holidays, so a
    deadline counted Monday to Friday may move. Returns the records changed per clock;
    each changed record gets an audit line saying why."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    changed = {}
    for clock in CLOCKS.values():
        n = 0
        rows = clock.open().filter(
            **{f"{clock.start_field}__lte": last, f"{clock.due_field}__gte": first}
        )
        for record in rows.order_by("pk").iterator(chunk_size=1000):
            start = getattr(record, clock.start_field)
            old = getattr(record, clock.due_field)
            new = add_working_days(start, getattr(record, clock.days_field))
            if new == old:
                continue
            type(record)._default_manager.filter(pk=record.pk, **{clock.due_field: old}).update(
                **{clock.due_field: new}
            )
            audit_record(
                AuditEvent.Action.UPDATE,
                obj=record,
                changes={clock.due_field: [str(old), str(new)]},
                detail=f"{year}年节假日安排变更，{clock.noun}期限按工作日重新计算",
            )
            n += 1
        changed[clock.name] = n
    return changed


def recount_after_commit(year: int) -> None:
    """``recount(year)`` once the calendar edit commits, once per year however many days
    the edit entered (a year's notice is some thirty days in one transaction). A rolled
    back edit drops its callback with it."""
    connection = transaction.get_connection()
    for _, fn, *_ in connection.run_on_commit:
        if getattr(fn, "zs_recount_year", None) == year and not fn.zs_done:
            return

    def run():
        run.zs_done = True
        recount(year)

    run.zs_recount_year, run.zs_done = year, False
    transaction.on_commit(run)


def overdue_by_unit(clock: Clock, today: dt.date, related: tuple[str, ...] = ()):
    """{unit: [records]} of the open records past their deadline, for reminders."""
    out: dict[Any, list] = {}
    rows = (
        clock.overdue(today)
        .select_related(clock.unit_field, *related)
        .order_by(f"{clock.unit_field}_id", clock.due_field, "pk")
    )
    for record in rows:
        out.setdefault(getattr(record, clock.unit_field), []).append(record)
    return out

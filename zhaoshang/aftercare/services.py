"""Every write of aftercare: ticket types, tickets (raise, progress, transfer, escalate,
answer, rate, reopen), key enterprises, visits (plan, record, finding → ticket) and
expansion intentions (→ a pipeline project through the pipeline's project service)."""

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from zhaoshang.common import deadlines
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org.models import Department
from zhaoshang.org.roles import COORDINATE_AFTERCARE, MANAGE_AFTERCARE

from . import workflow
from .models import (
    AftercareConfig,
    Expansion,
    KeyEnterprise,
    Ticket,
    TicketMonth,
    TicketStep,
    TicketType,
    Visit,
)
from .workflow import TICKET_CLOCK

S = Ticket.Status


# --- Ticket types and settings (the office) ------------------------------------------------
@transaction.atomic
def ticket_type_save(*, actor: Any, data: Any, ticket_type: Any = None) -> Any:
    deadlines.check_days(data.get("deadline_days"))
    if ticket_type is None:
        return record_create(TicketType, actor=actor, data=data)
    return record_update(ticket_type, actor=actor, data=data)


@transaction.atomic
def config_update(*, actor: Any, visit_interval_months: Any) -> Any:
    if not 1 <= (visit_interval_months or 0) <= 12:
        raise ValidationError({"visit_interval_months": "走访频次应为每 1 至 12 个月至少一次。"})
    config = AftercareConfig.current()
    return record_update(config, actor=actor, data={"visit_interval_months": visit_interval_months})


# --- Tickets ----------------------------------------------------------------------------------
def _people(unit):
    return recipients_in_unit(unit, permission=MANAGE_AFTERCARE)


def _office_people():
    return permission_holders(COORDINATE_AFTERCARE)


def _tell(people, *, title, body, ticket, actor=None):
    from zhaoshang.notifications.services import notify

    notify(
        recipients=people,
        title=title,
        body=body,
        url=f"/aftercare/tickets/{ticket.pk}/",
        kind="aftercare_ticket",
        actor=actor,
    )


def _step(ticket, kind, actor, note="", **extra):
    return TicketStep.objects.create(
        ticket=ticket,
        kind=kind,
        department_id=ticket.department_id,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **extra,
    )


@transaction.atomic
def ticket_raise(
    *,
    actor: Any,
    enterprise: Any,
    ticket_type: Any,
    title: Any,
    description: Any = "",
    department: Any = None,
    street: Any = None,
    deadline_days: Any = None,
    contact_name: Any = "",
    contact_phone: Any = "",
    source: Any = Ticket.Source.STAFF,
    visit: Any = None,
    today: Any = None,
) -> Any:
    """Register a request: the type's default unit and time limit unless given; the
    deadline counts from ``today`` in working days. The responsible unit is told."""
    if not (title or "").strip():
        raise ValidationError({"title": "请填写诉求事项。"})
    if not ticket_type.is_active:
        raise ValidationError({"ticket_type": f"事项类型“{ticket_type.name}”已停用。"})
    if street is not None and street.kind != Department.Kind.STREET:
        raise ValidationError({"street": "所在街道应选择一个街道。"})
    today = today or timezone.localdate()
    department = department or ticket_type.default_department
    days = deadline_days or ticket_type.deadline_days
    ticket = record_create(
        Ticket,
        actor=actor,
        data={
            "enterprise": enterprise,
            "ticket_type": ticket_type,
            "title": title.strip(),
            "description": description,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "source": source,
            "department": department,
            "street": street,
            "visit": visit,
            "raised_on": today,
            **deadlines.clock_fields(TICKET_CLOCK, today, days),
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    # A reference the enterprise can quote: FW + year + the row's number.
    ticket.number = f"FW{today.year}{ticket.pk:07d}"
    Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    _step(
        ticket, TicketStep.Kind.RAISE, actor, description, to_status=S.OPEN, to_level=ticket.level
    )
    _tell(
        _people(department),
        title=f"新的企业诉求 {ticket.number}：{ticket.title}",
        body=f"{enterprise.name}，{ticket_type.name}，办结期限{ticket.due_on:%Y年%-m月%-d日}。",
        ticket=ticket,
        actor=actor,
    )
    return ticket


def _open_only(ticket):
    if ticket.status != S.OPEN:
        raise ValidationError("该诉求已答复或办结，不能再登记办理进展；企业不满意时请“重新办理”。")


@transaction.atomic
def ticket_progress(*, actor: Any, ticket: Any, note: Any, version: Any = None) -> Any:
    """A note of what was done so far; bumps the version, so two clerks are told."""
    if not (note or "").strip():
        raise ValidationError({"note": "请填写办理进展。"})
    _open_only(ticket)
    record_update(ticket, actor=actor, data={}, version=version, detail="诉求办理进展")
    return _step(ticket, TicketStep.Kind.PROGRESS, actor, note.strip())


@transaction.atomic
def ticket_transfer(
    *, actor: Any, ticket: Any, department: Any, note: Any, version: Any = None, today: Any = None
) -> Any:
    """The office hands a ticket to another unit (the default unit was wrong): a new
    deadline from today."""
    if not actor.has_perm(COORDINATE_AFTERCARE):
        raise ValidationError("只有区招商办可以改派责任单位。")
    if not (note or "").strip():
        raise ValidationError({"note": "请说明改派原因。"})
    _open_only(ticket)
    if department.pk == ticket.department_id:
        raise ValidationError({"department": "新的责任单位与现责任单位相同。"})
    today = today or timezone.localdate()
    old = ticket.department
    with ticket_month_recount([ticket.pk]):
        record_update(
            ticket,
            actor=actor,
            data={
                "department": department,
                **deadlines.clock_fields(TICKET_CLOCK, today, ticket.deadline_days),
            },
            version=version,
            detail=f"诉求改派：{old.name} → {department.name}",
        )
    step = _step(ticket, TicketStep.Kind.TRANSFER, actor, f"{old.name} → {department.name}：{note}")
    _tell(
        _people(department),
        title=f"改派给本单位的企业诉求 {ticket.number}：{ticket.title}",
        body=f"办结期限{ticket.due_on:%Y年%-m月%-d日}。改派原因：{note}",
        ticket=ticket,
        actor=actor,
    )
    return step


def ticket_escalate(
    *,
    actor: Any,
    ticket: Any,
    note: Any,
    version: Any = None,
    deadline_days: Any = None,
    today: Any = None,
) -> Any:
    """责任单位 → 区招商办协调 → 联席会议 by hand; the beat job does it when overdue."""
    return deadlines.escalate(
        TICKET_CLOCK,
        ticket,
        actor=actor,
        note=note,
        deadline_days=deadline_days,
        today=today,
        version=version,
    )


def tell_escalation(ticket: Any, step: Any) -> Any:
    """Who hears of an escalation: the responsible unit always, the office from the
    office level on."""
    people = list({u.pk: u for u in _people(ticket.department) + _office_people()}.values())
    label = TICKET_CLOCK.label(step.to_level)
    _tell(
        people,
        title=f"企业诉求 {ticket.number} 已升级至{label}",
        body=f"{ticket.title}；新的办结期限{ticket.due_on:%Y年%-m月%-d日}。{step.note}",
        ticket=ticket,
        actor=step.actor,
    )


def ticket_answer(
    *, actor: Any, ticket: Any, answer: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.ticket_move(
        actor=actor, ticket=ticket, to_status=S.ANSWERED, note=answer, version=version, today=today
    )


def ticket_rate(
    *, actor: Any, ticket: Any, rating: Any, note: Any = "", version: Any = None, today: Any = None
) -> Any:
    """The enterprise's rating (taken by phone or on the portal). 不满意 with a reason
    sends it back to work (``ticket_reopen``); any rating may close it."""
    return workflow.ticket_move(
        actor=actor,
        ticket=ticket,
        to_status=S.CLOSED,
        rating=rating,
        note=note,
        version=version,
        today=today,
    )


def ticket_reopen(
    *, actor: Any, ticket: Any, note: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.ticket_move(
        actor=actor, ticket=ticket, to_status=S.OPEN, note=note, version=version, today=today
    )


def ticket_close(
    *, actor: Any, ticket: Any, note: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.ticket_move(
        actor=actor, ticket=ticket, to_status=S.CLOSED, note=note, version=version, today=today
    )


# --- The dashboard's monthly sums (TicketMonth) ------------------------------------------------
_KEY = ("department_id", "street_id", "ticket_type_id", "year", "month")
# What one answered ticket adds to its month, as aggregates over tickets.
_SUMS = {
    "answered": Count("pk"),
    "on_time": Count("pk", filter=Q(on_time=True)),
    "handling_days": Sum("handling_days", default=0),
    "timed": Count("handling_days"),
    "rated": Count("rating"),
    "satisfied": Count("pk", filter=Q(rating=Ticket.Rating.SATISFIED)),
    "fair": Count("pk", filter=Q(rating=Ticket.Rating.FAIR)),
    "unsatisfied": Count("pk", filter=Q(rating=Ticket.Rating.UNSATISFIED)),
}


def _ticket_months(tickets: Any) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """{(unit, street, type, year, month): figures} of the answered tickets of ``tickets``."""
    rows = (
        tickets.filter(answered_on__isnull=False)
        .annotate(
            year=F("answered_on__year"),
            month=F("answered_on__month"),
        )
        .values(*_KEY)
        # Named apart from the ticket's own columns (handling_days, on_time, rating).
        .annotate(**{f"n_{name}": agg for name, agg in _SUMS.items()})
        .order_by()
        .values_list(*_KEY, *(f"n_{name}" for name in _SUMS))
    )
    return {tuple(r[:5]): tuple(int(v or 0) for v in r[5:]) for r in rows}


@contextlib.contextmanager
def ticket_month_recount(ticket_ids: Iterable[int]) -> Iterator[None]:
    """Wrap a write that can change what tickets ``ticket_ids`` count on the dashboard (an
    answer, a rating, a reopen, a transfer): their monthly figures before and after, and
    the difference added to ``TicketMonth`` in the same transaction. The tickets' rows
    are locked first, so two writers of one ticket queue and each reads "before" after
    the other committed. Nothing is applied when the write raises."""
    ids = list(ticket_ids)
    with transaction.atomic():
        list(Ticket.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        before = _ticket_months(Ticket.objects.filter(pk__in=ids))
        yield
        after = _ticket_months(Ticket.objects.filter(pk__in=ids))
        zero = (0,) * len(_SUMS)
        for key in before.keys() | after.keys():
            old, new = before.get(key, zero), after.get(key, zero)
            if old != new:
                _ticket_month_add(key, [b - a for a, b in zip(old, new, strict=True)])


def _ticket_month_add(key: tuple[Any, ...], delta: list[int]) -> None:
    """Add ``delta`` to one month's figures: an UPDATE adding to the row (two writers
    both count), or the row inserted; an insert that loses to another writer's insert of
    the same key adds to it instead. A month left with nothing answered goes."""
    where = dict(zip(_KEY, key, strict=True))
    rows = TicketMonth.objects.filter(**where)
    change = {name: F(name) + d for name, d in zip(_SUMS, delta, strict=True) if d}
    if not rows.update(**change):
        try:
            with transaction.atomic():
                TicketMonth.objects.create(**where, **dict(zip(_SUMS, delta, strict=True)))
        except IntegrityError:
            rows.update(**change)
    rows.filter(answered=0).delete()


def ticket_month_rows() -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The monthly figures as the tickets give them now."""
    return _ticket_months(Ticket.objects.all())


@transaction.atomic
def ticket_month_rebuild() -> int:
    """Recompute every month from the tickets (after a bulk load that wrote tickets
    directly, or to repair). Locks the table, so a move that lands meanwhile waits and
    then adds its difference to the rebuilt figures. Returns the number of rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {TicketMonth._meta.db_table} IN EXCLUSIVE MODE")
    TicketMonth.objects.all().delete()
    rows = [
        TicketMonth(**dict(zip(_KEY, key, strict=True)), **dict(zip(_SUMS, figures, strict=True)))
        for key, figures in ticket_month_rows().items()
    ]
    TicketMonth.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def ticket_month_drift() -> list[tuple[Any, Any, Any]]:
    """Months whose stored figures differ from the tickets: [(key, stored, recounted)]."""
    stored = {tuple(r[:5]): tuple(r[5:]) for r in TicketMonth.objects.values_list(*_KEY, *_SUMS)}
    fresh = ticket_month_rows()
    return [
        (key, stored.get(key), fresh.get(key))
        for key in sorted(stored.keys() | fresh.keys(), key=lambda k: tuple(v or 0 for v in k))
        if stored.get(key) != fresh.get(key)
    ]


# --- Key enterprises and visits --------------------------------------------------------------
@transaction.atomic
def key_enterprise_add(
    *, actor: Any, enterprise: Any, department: Any, street: Any = None, since: Any = None
) -> Any:
    if KeyEnterprise.objects.filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": f"“{enterprise.name}”已是重点服务企业。"})
    return record_create(
        KeyEnterprise,
        actor=actor,
        data={
            "enterprise": enterprise,
            "department": department,
            "street": street,
            "since": since or timezone.localdate(),
        },
    )


@transaction.atomic
def visit_plan(
    *,
    actor: Any,
    enterprise: Any,
    planned_on: Any,
    visitors: Any,
    purpose: Any = "",
    department: Any = None,
) -> Any:
    if not (visitors or "").strip():
        raise ValidationError({"visitors": "请填写走访人员。"})
    return record_create(
        Visit,
        actor=actor,
        data={
            "enterprise": enterprise,
            "department": department or actor.department,
            "planned_on": planned_on,
            "visitors": visitors.strip(),
            "purpose": purpose,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    visit: Any,
    visited_on: Any,
    met_with: Any,
    findings: Any,
    visitors: Any = None,
    version: Any = None,
) -> Any:
    """The visit took place: when, whom they met, what they found."""
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError("该走访已取消，不能登记走访情况。")
    if visited_on is None:
        raise ValidationError({"visited_on": "请填写走访日期。"})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
    if not (met_with or "").strip():
        raise ValidationError({"met_with": "请填写企业接待人员。"})
    data = {
        "status": Visit.Status.DONE,
        "visited_on": visited_on,
        "met_with": met_with.strip(),
        "findings": findings or "",
    }
    if visitors:
        data["visitors"] = visitors
    return record_update(visit, actor=actor, data=data, version=version, detail="登记走访情况")


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Any, version: Any = None) -> Any:
    if visit.status != Visit.Status.PLANNED:
        raise ValidationError("只有计划中的走访可以取消。")
    return record_update(
        visit, actor=actor, data={"status": Visit.Status.CANCELLED}, version=version
    )


def visit_finding_to_ticket(
    *,
    actor: Any,
    visit: Any,
    ticket_type: Any,
    title: Any,
    description: Any = "",
    street: Any = None,
) -> Any:
    """A finding of a done visit becomes a ticket in one step, linked to the visit."""
    if visit.status != Visit.Status.DONE:
        raise ValidationError("请先登记走访情况，再将发现的问题转为诉求。")
    if street is None:
        key = KeyEnterprise.objects.filter(enterprise_id=visit.enterprise_id).first()
        street = key.street if key else None
    return ticket_raise(
        actor=actor,
        enterprise=visit.enterprise,
        ticket_type=ticket_type,
        title=title,
        description=description or visit.findings,
        street=street,
        source=Ticket.Source.VISIT,
        visit=visit,
    )


# --- Expansion -----------------------------------------------------------------------------
@transaction.atomic
def expansion_record(
    *,
    actor: Any,
    enterprise: Any,
    kind: Any,
    estimated_investment: Any,
    description: Any,
    department: Any = None,
    visit: Any = None,
    ticket: Any = None,
) -> Any:
    """An expansion intention of a landed enterprise: a project in the pipeline for it
    (through the pipeline's project service, stage 洽谈: the enterprise is already here
    and talking), and this row, which marks the project as an expansion for the reports."""
    from zhaoshang.enterprises.models import Status as EnterpriseStatus
    from zhaoshang.pipeline.models import Stage
    from zhaoshang.pipeline.projects.services import project_create

    if enterprise.status != EnterpriseStatus.LOCAL:
        raise ValidationError(
            {"enterprise": f"“{enterprise.name}”不是已落地的本地企业，不能登记增资扩产。"}
        )
    if kind not in Expansion.Kind.values:
        raise ValidationError({"kind": "请选择增资类型：战略性增资、扩张性增资或生产型增资。"})
    if estimated_investment is None or estimated_investment <= 0:
        raise ValidationError({"estimated_investment": "预计新增投资应大于 0 元。"})
    if not (description or "").strip():
        raise ValidationError({"description": "请填写增资扩产意向。"})
    department = department or actor.department
    label = Expansion.Kind(kind).label
    project = project_create(
        actor=actor,
        department=department,
        stage=Stage.NEGOTIATING,
        data={
            "name": f"{enterprise.name}{label}项目"[:200],
            "enterprise": enterprise,
            "description": description.strip(),
            "estimated_investment": estimated_investment,
        },
    )
    return record_create(
        Expansion,
        actor=actor,
        data={
            "enterprise": enterprise,
            "kind": kind,
            "estimated_investment": estimated_investment,
            "description": description.strip(),
            "department": department,
            "visit": visit,
            "ticket": ticket,
            "project": project,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


# --- Reminders ---------------------------------------------------------------------------------
def remind_overdue(today: Any) -> Any:
    """One message per responsible unit listing its overdue tickets (the engine's list)."""
    from zhaoshang.reference.calendar import fallback_notice

    sent = 0
    for unit, tickets in deadlines.overdue_by_unit(TICKET_CLOCK, today, ("enterprise",)).items():
        people = _people(unit)
        if not people:
            continue
        lines = []
        for t in tickets:
            lines.append(
                f"· {t.number} {t.enterprise.name}：{t.title}（期限{t.due_on:%Y年%-m月%-d日}，"
                f"{TICKET_CLOCK.label(t.level)}）"
            )
            if notice := fallback_notice(t.due_on):
                lines.append(f"  （{notice}）")
        from zhaoshang.notifications.services import notify

        sent += len(
            notify(
                recipients=people,
                title=f"逾期提醒：{len(tickets)} 件企业诉求超过办结期限",
                body="\n".join(lines),
                url="/aftercare/tickets/?overdue=1",
                kind="aftercare_overdue",
            )
        )
    return sent


# --- Merging two enterprises ---------------------------------------------------------------------
def aftercare_enterprise_merge(*, actor: Any, survivor: Any, duplicate: Any) -> Any:
    """The duplicate's tickets, visits and expansions become the survivor's, each with
    its audit line; its key-enterprise entry moves unless the survivor has one."""
    from zhaoshang.audit.models import AuditEvent
    from zhaoshang.audit.services import audit_record

    counts = {}
    for model in (Ticket, Visit, Expansion, KeyEnterprise):
        rows = model.objects.filter(enterprise=duplicate).order_by("pk")
        if model is KeyEnterprise and KeyEnterprise.objects.filter(enterprise=survivor).exists():
            for row in rows:
                record_delete(
                    row, actor=actor, detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”"
                )
            continue
        moved = 0
        for row in rows:
            model.objects.filter(pk=row.pk).update(enterprise=survivor)
            audit_record(
                AuditEvent.Action.UPDATE,
                actor=actor,
                obj=row,
                changes={"enterprise": [duplicate.name, survivor.name]},
                detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”",
            )
            moved += 1
        counts[str(model._meta.verbose_name)] = moved
    return counts

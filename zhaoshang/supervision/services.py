"""Every write of supervision: raising an item, progress reports with their documents,
the workflow's moves, escalation, accountability records, and who is told.

Who is told (notifications/recipients.py): a new item and a returned one go to the
department's holders of ``REPORT_SUPERVISION``; an item escalated to 单位负责人督办 to
the department's holders of ``SIGN_SUPERVISION`` (its head signs the result off); to
督查室及责任领导督办, to the supervision office (``MANAGE_SUPERVISION``) and the item's
responsible leader; a submitted result to the supervision office."""

import datetime as dt
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import deadlines
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org.roles import (
    MANAGE_SUPERVISION,
    REPORT_SUPERVISION,
    SIGN_SUPERVISION,
)
from zhaoshang.reference.calendar import MAX_TIME_LIMIT, add_working_days, is_working_day

from .models import Accountability, Item, ProgressReport, ReportAttachment, Step
from .workflow import ITEM_CLOCK, OPEN, item_move

S = Item.Status


def _notify(people: Any, *, title: str, body: str, url: str, kind: str, actor: Any = None) -> Any:
    from zhaoshang.notifications.services import notify

    return notify(recipients=people, title=title, body=body, url=url, kind=kind, actor=actor)


def _day(value: dt.date) -> str:
    return f"{value:%Y年%-m月%-d日}"


def _days_until(today: dt.date, due_on: dt.date) -> int:
    """The working days from ``today`` to ``due_on`` (a working day after today), so the
    clock keeps a number of working days the engine can count again when holidays are
    entered."""
    days = 0
    while days < MAX_TIME_LIMIT:
        days += 1
        if add_working_days(today, days) >= due_on:
            return days
    raise ValidationError({"due_on": f"办结期限距今超过 {MAX_TIME_LIMIT} 个工作日，请分阶段交办。"})


def deadline_values(
    *, today: dt.date, deadline_days: int | None = None, due_on: dt.date | None = None
) -> dict[str, Any]:
    """The clock of a new item from a time limit in working days or a deadline date (one
    of the two). A date before today, or on a weekend or holiday, is refused."""
    if due_on is not None and deadline_days:
        raise ValidationError("办理时限与办结期限只填一项：填工作日数，或选择办结日期。")
    if due_on is not None:
        if due_on <= today:
            raise ValidationError(
                {
                    "due_on": f"办结期限（{_day(due_on)}）不能早于或等于交办日期（{_day(today)}），"
                    "请选择今后的工作日。"
                }
            )
        if not is_working_day(due_on):
            raise ValidationError(
                {"due_on": f"办结期限（{_day(due_on)}）是休息日或法定节假日，请选择工作日。"}
            )
        deadline_days = _days_until(today, due_on)
    if not deadline_days:
        raise ValidationError({"deadline_days": "请填写办理时限（工作日），或选择办结期限。"})
    return deadlines.clock_fields(ITEM_CLOCK, today, deadline_days)


def subject_department(*, subject: str, record: Any) -> Any:
    """The unit that answers for ``record`` (the default responsible department)."""
    if subject == Item.Subject.PROBLEM:
        return record.owner_department
    return record.department if subject != Item.Subject.DEPARTMENT else record


@transaction.atomic
def item_raise(
    *,
    actor: Any,
    title: Any,
    requirement: Any,
    subject: Any,
    record: Any,
    department: Any = None,
    leader: Any = None,
    deadline_days: Any = None,
    due_on: Any = None,
    today: Any = None,
) -> Any:
    """The supervision office raises an item on ``record`` (a Project, Problem, Ticket,
    Target, or the Department itself for ``subject`` "department"); the department (by
    default the record's own) is told. Returns the item with its number (DB + year +
    number)."""
    if not (actor is not None and actor.has_perm(MANAGE_SUPERVISION)):
        raise ValidationError("只有督查室可以交办督办事项。")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写督办事项。"
    if not (requirement or "").strip():
        errors["requirement"] = "请填写督办要求。"
    if subject not in Item.Subject.values:
        errors["subject"] = "督办对象不正确。"
    elif record is None:
        errors["subject"] = f"请选择督办的{Item.Subject(subject).label}。"
    if errors:
        raise ValidationError(errors)
    department = department or subject_department(subject=subject, record=record)
    if not department.is_active:
        raise ValidationError({"department": f"承办单位（{department.name}）已停用。"})
    today = today or timezone.localdate()
    clock = deadline_values(today=today, deadline_days=deadline_days, due_on=due_on)
    links = {subject: record} if subject != Item.Subject.DEPARTMENT else {}
    if subject == Item.Subject.PROBLEM:
        links["project"] = record.project
    item = Item.objects.create(
        title=title.strip()[:200],
        requirement=requirement.strip(),
        subject=subject,
        department=department,
        leader=leader,
        raised_on=today,
        created_by=actor,
        **links,
        **clock,
    )
    item.number = f"DB{today.year}{item.pk:06d}"
    Item.objects.filter(pk=item.pk).update(number=item.number)
    Step.objects.create(item=item, label="交办", to_status=S.ASSIGNED, actor=actor)
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=item,
        changes={
            "number": [None, item.number],
            "department": [None, department.name],
            "due_on": [None, str(item.due_on)],
        },
        detail=f"交办督办事项：{item.title}",
    )
    _notify(
        recipients_in_unit(department, permission=REPORT_SUPERVISION),
        title=f"督办事项 {item.number}：{item.title}",
        body=f"督查室交办：{item.requirement}\n请于{_day(item.due_on)}前办结并报送办理结果。",
        url=f"/supervision/{item.pk}/",
        kind="supervision_raised",
        actor=actor,
    )
    return item


@transaction.atomic
def progress_report(
    *,
    actor: Any,
    item: Any,
    text: Any,
    files: Any = (),
    version: Any = None,
    today: Any = None,
) -> Any:
    """The department reports what it has done (text and attached documents). The first
    report moves an assigned item to 办理中; a returned item back to 办理中. Refused on an
    item submitted or closed."""
    if item.status not in OPEN:
        raise ValidationError(
            f"该督办事项{item.get_status_display()}，不能再报送进展。"
            + ("如需补充，请待督查室退回后报送。" if item.status == S.SUBMITTED else "")
        )
    if not (actor is not None and actor.has_perm(REPORT_SUPERVISION)):
        raise ValidationError("您没有报送督办进展的权限。")
    if actor.department_id != item.department_id:
        raise ValidationError(f"只有承办单位（{item.department}）可以报送办理进展。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理进展。"})
    today = today or timezone.localdate()
    if item.status in (S.ASSIGNED, S.RETURNED):
        item_move(
            actor=actor,
            item=item,
            to_status=S.IN_PROGRESS,
            note="报送办理进展",
            version=version,
            today=today,
        )
    report = ProgressReport.objects.create(
        item=item, text=text, reported_on=today, department_id=item.department_id, actor=actor
    )
    for upload in files:
        ReportAttachment.objects.create(
            report=report, file=upload, name=PurePosixPath(upload.name).name[:200]
        )
    Step.objects.create(item=item, label="报送办理进展", note=text, actor=actor)
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=report,
        changes={"files": [None, len(files)]},
        detail=f"督办事项 {item.number} 报送办理进展",
    )
    return report


def item_submit(
    *, actor: Any, item: Any, result: Any, version: Any = None, today: Any = None
) -> Any:
    """The department head signs the result off; the supervision office is told."""
    step = item_move(
        actor=actor, item=item, to_status=S.SUBMITTED, note=result, version=version, today=today
    )
    _notify(
        permission_holders(MANAGE_SUPERVISION),
        title=f"{item.department.name}报请办结督办事项 {item.number}",
        body=f"{item.title}\n办理结果：{item.result}",
        url=f"/supervision/{item.pk}/",
        kind="supervision_submitted",
        actor=actor,
    )
    return step


def item_close(*, actor: Any, item: Any, version: Any = None, today: Any = None) -> Any:
    step = item_move(actor=actor, item=item, to_status=S.CLOSED, version=version, today=today)
    _notify(
        recipients_in_unit(item.department, permission=REPORT_SUPERVISION),
        title=f"督办事项 {item.number} 经督查室审核已办结",
        body=item.title,
        url=f"/supervision/{item.pk}/",
        kind="supervision_closed",
        actor=actor,
    )
    return step


def item_return(
    *, actor: Any, item: Any, reason: Any, version: Any = None, today: Any = None
) -> Any:
    step = item_move(
        actor=actor, item=item, to_status=S.RETURNED, note=reason, version=version, today=today
    )
    _notify(
        recipients_in_unit(item.department, permission=REPORT_SUPERVISION),
        title=f"督办事项 {item.number} 被督查室退回重办",
        body=f"退回理由：{step.note}\n办结期限：{_day(item.due_on)}",
        url=f"/supervision/{item.pk}/",
        kind="supervision_returned",
        actor=actor,
    )
    return step


def item_escalate(
    *, actor: Any, item: Any, note: Any, version: Any = None, today: Any = None
) -> Any:
    """The supervision office raises the item one level by hand (the beat job does it
    when the deadline passes)."""
    return deadlines.escalate(
        ITEM_CLOCK, item, actor=actor, note=note, version=version, today=today
    )


def escalation_recipients(item: Any, level: str) -> list[Any]:
    """Who is told when ``item`` reaches ``level``: the department's head, then the
    supervision office and the responsible leader."""
    if level == Item.Level.HEAD:
        return recipients_in_unit(item.department_id, permission=SIGN_SUPERVISION)
    if level == Item.Level.LEADER:
        people = permission_holders(MANAGE_SUPERVISION)
        if item.leader_id and item.leader.is_active and item.leader not in people:
            people.append(item.leader)
        return people
    return recipients_in_unit(item.department_id, permission=REPORT_SUPERVISION)


def notify_escalated(*, item: Any, step: Any) -> Any:
    """Tell the new level of an escalated item (called by the deadline engine)."""
    level = ITEM_CLOCK.label(step.to_level)
    return _notify(
        escalation_recipients(item, step.to_level),
        title=f"督办事项 {item.number} 已升级为{level}",
        body=f"{item.department.name}：{item.title}\n{step.note}\n新的办结期限：{_day(item.due_on)}",
        url=f"/supervision/{item.pk}/",
        kind="supervision_escalated",
    )


def remind_overdue(today: dt.date) -> int:
    """Each working morning, one message per department listing its overdue items."""
    from zhaoshang.reference.calendar import fallback_notice

    sent = 0
    for unit, items in deadlines.overdue_by_unit(ITEM_CLOCK, today).items():
        lines = []
        for item in items:
            lines.append(
                f"· {item.number} {item.title}（期限{_day(item.due_on)}，"
                f"{ITEM_CLOCK.label(item.level)}）"
            )
            if notice := fallback_notice(item.due_on):
                lines.append(f"  （{notice}）")
        sent += len(
            _notify(
                recipients_in_unit(unit, permission=REPORT_SUPERVISION),
                title=f"督办提醒：{len(items)} 件督办事项超过办结期限",
                body="\n".join(lines),
                url="/supervision/?overdue=1",
                kind="supervision_overdue",
            )
        )
    return sent


@transaction.atomic
def accountability_record(
    *,
    actor: Any,
    item: Any,
    person: Any,
    department: Any,
    failure: Any,
    measure: Any,
    decision_number: Any,
    decided_on: Any,
    decision_file: Any = None,
    today: Any = None,
) -> Any:
    """问责: the supervision office records who answers for a failure on ``item``."""
    if not (actor is not None and actor.has_perm(MANAGE_SUPERVISION)):
        raise ValidationError("只有督查室可以登记问责。")
    labels = {
        "person": "问责对象",
        "failure": "问责事由",
        "decision_number": "决定文号",
    }
    values = {"person": person, "failure": failure, "decision_number": decision_number}
    errors = {k: f"请填写{labels[k]}。" for k, v in values.items() if not (v or "").strip()}
    if measure not in Accountability.Measure.values:
        errors["measure"] = "请选择问责方式。"
    if department is None:
        errors["department"] = "请选择问责对象所在单位。"
    today = today or timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = "请填写决定日期。"
    elif decided_on > today:
        errors["decided_on"] = f"决定日期（{_day(decided_on)}）不能晚于今天（{_day(today)}）。"
    if errors:
        raise ValidationError(errors)
    record = Accountability.objects.create(
        item=item,
        person=person.strip()[:100],
        department=department,
        failure=failure.strip(),
        measure=measure,
        decision_number=decision_number.strip()[:60],
        decision_file=decision_file or "",
        decided_on=decided_on,
        created_by=actor,
    )
    Step.objects.create(
        item=item,
        label="问责",
        note=f"{record.person}（{department.name}）：{record.get_measure_display()}，"
        f"{record.decision_number}",
        actor=actor,
    )
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=record,
        changes={"measure": [None, record.get_measure_display()]},
        detail=f"督办事项 {item.number} 问责：{record.person}",
    )
    return record

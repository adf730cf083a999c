"""Every write of complaints. The complainant's name, contact and the complaint's content
never leave the complaint row: not into a task, a notification, an audit line or a
typical case (``typical_case_save`` refuses a write-up that names them)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import deadlines
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org.models import Department
from zhaoshang.org.roles import ANSWER_COMPLAINT_TASK, HANDLE_COMPLAINT

from . import workflow
from .models import Complaint, ComplaintStep, ComplaintTask, TypicalCase
from .workflow import ACCEPT_DAYS, COMPLAINT_CLOCK

S = Complaint.Status


def _discipline_unit():
    unit = Department.objects.filter(kind=Department.Kind.DISCIPLINE, is_active=True).first()
    if unit is None:
        raise ValidationError("系统中没有纪检监察部门，无法登记投诉。请系统管理员先建立该单位。")
    return unit


def _handlers():
    return permission_holders(HANDLE_COMPLAINT)


def _notify(people, *, title, body, url, kind, actor=None):
    from zhaoshang.notifications.services import notify

    notify(recipients=people, title=title, body=body, url=url, kind=kind, actor=actor)


def _required(**fields):
    labels = {
        "complainant_name": "投诉人姓名",
        "contact": "联系方式",
        "content": "投诉内容",
    }
    errors = {k: f"请填写{labels[k]}。" for k, v in fields.items() if not (v or "").strip()}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def complaint_submit(
    *,
    actor: Any,
    complainant_name: Any,
    contact: Any,
    enterprise_name: Any,
    content: Any,
    source: Any,
    today: Any = None,
) -> Any:
    """Register a complaint with the discipline office; the clock to accept it starts.
    Returns the complaint with its reference number (TS + year + number)."""
    _required(complainant_name=complainant_name, contact=contact, content=content)
    if source not in Complaint.Source.values:
        raise ValidationError({"source": "投诉来源不正确。"})
    today = today or timezone.localdate()
    complaint = Complaint.objects.create(
        complainant_name=complainant_name.strip()[:50],
        contact=contact.strip()[:100],
        enterprise_name=(enterprise_name or "").strip()[:200],
        content=content.strip(),
        source=source,
        handling_unit=_discipline_unit(),
        received_on=today,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **deadlines.clock_fields(COMPLAINT_CLOCK, today, ACCEPT_DAYS),
    )
    complaint.number = f"TS{today.year}{complaint.pk:06d}"
    Complaint.objects.filter(pk=complaint.pk).update(number=complaint.number)
    ComplaintStep.objects.create(
        complaint=complaint, label="收到投诉", to_status=S.RECEIVED, actor=complaint.created_by
    )
    # The audit line names the record, not who complained or what about.
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=complaint,
        changes={"number": [None, complaint.number], "source": [None, source]},
        detail="登记投诉",
    )
    _notify(
        _handlers(),
        title=f"新投诉 {complaint.number} 待受理",
        body=f"请于{complaint.due_on:%Y年%-m月%-d日}前受理。",
        url=f"/complaints/{complaint.pk}/",
        kind="complaint_received",
        actor=actor,
    )
    return complaint


def complaint_submit_public(
    *,
    complainant_name: Any,
    contact: Any,
    enterprise_name: Any,
    content: Any,
    source: Any = "portal",
) -> Any:
    """The portal's entry point: an investor's complaint, registered with no signed-in
    actor. Returns the complaint; ``complaint.number`` is the reference to show them."""
    return complaint_submit(
        actor=None,
        complainant_name=complainant_name,
        contact=contact,
        enterprise_name=enterprise_name,
        content=content,
        source=source,
    )


def complaint_accept(*, actor: Any, complaint: Any, version: Any = None, today: Any = None) -> Any:
    return workflow.complaint_move(
        actor=actor, complaint=complaint, to_status=S.ACCEPTED, version=version, today=today
    )


def complaint_reject(
    *, actor: Any, complaint: Any, reason: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.complaint_move(
        actor=actor,
        complaint=complaint,
        to_status=S.REJECTED,
        note=reason,
        version=version,
        today=today,
    )


def complaint_conclude(
    *, actor: Any, complaint: Any, result: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.complaint_move(
        actor=actor,
        complaint=complaint,
        to_status=S.CONCLUDED,
        note=result,
        version=version,
        today=today,
    )


def complaint_rate(
    *, actor: Any, complaint: Any, rating: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.complaint_move(
        actor=actor,
        complaint=complaint,
        to_status=S.CLOSED,
        rating=rating,
        version=version,
        today=today,
    )


def complaint_reinvestigate(
    *, actor: Any, complaint: Any, reason: Any, version: Any = None, today: Any = None
) -> Any:
    return workflow.complaint_move(
        actor=actor,
        complaint=complaint,
        to_status=S.ACCEPTED,
        note=reason,
        version=version,
        today=today,
    )


def complaint_escalate(
    *, actor: Any, complaint: Any, note: Any, version: Any = None, today: Any = None
) -> Any:
    return deadlines.escalate(
        COMPLAINT_CLOCK, complaint, actor=actor, note=note, version=version, today=today
    )


@transaction.atomic
def complaint_assign(
    *, actor: Any, complaint: Any, department: Any, brief: Any, days: Any = None, today: Any = None
) -> Any:
    """Give ``department`` a brief to check (written by the discipline office for that
    department, without the complainant). The department is told of the brief only."""
    if not actor.has_perm(HANDLE_COMPLAINT):
        raise ValidationError("只有纪检监察部门可以交办投诉核查。")
    if complaint.status != S.ACCEPTED:
        raise ValidationError("只有已受理、调查核实中的投诉可以交办核查。")
    brief = (brief or "").strip()
    if not brief:
        raise ValidationError({"brief": "请填写交办事项。"})
    for secret, label in (
        (complaint.complainant_name, "投诉人姓名"),
        (complaint.contact, "投诉人联系方式"),
    ):
        if secret and secret in brief:
            raise ValidationError({"brief": f"交办事项中不能出现{label}，请改写后再交办。"})
    today = today or timezone.localdate()
    days = deadlines.check_days(days or 5, "days")
    task = ComplaintTask.objects.create(
        complaint=complaint,
        department=department,
        brief=brief,
        due_on=min(deadlines.due_date(today, days), complaint.due_on),
    )
    task.reference = f"JB{today.year}{task.pk:06d}"
    ComplaintTask.objects.filter(pk=task.pk).update(reference=task.reference)
    ComplaintStep.objects.create(
        complaint=complaint, label=f"交办{department.name}核查", note=brief, actor=actor
    )
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=task,
        changes={"department": [None, department.name], "due_on": [None, str(task.due_on)]},
        detail=f"投诉核查交办 {task.reference}",
    )
    people = recipients_in_unit(department, permission=ANSWER_COMPLAINT_TASK)
    _notify(
        people,
        title=f"纪检监察部门交办核查事项 {task.reference}",
        body=f"请于{task.due_on:%Y年%-m月%-d日}前报送核查情况。",
        url=f"/complaints/tasks/{task.pk}/",
        kind="complaint_task",
        actor=actor,
    )
    return task


@transaction.atomic
def task_report(
    *, actor: Any, task: Any, findings: Any, version: Any = None, today: Any = None
) -> Any:
    """The department reports what it found; the discipline office is told."""
    if not actor.has_perm(ANSWER_COMPLAINT_TASK) or actor.department_id != task.department_id:
        raise ValidationError("只有承办单位可以报送核查情况。")
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写核查情况。"})
    today = today or timezone.localdate()
    rows = ComplaintTask.objects.filter(pk=task.pk, status=ComplaintTask.Status.ASSIGNED)
    if version is not None:
        rows = rows.filter(version=version)
    from django.db.models import F

    if not rows.update(
        status=ComplaintTask.Status.REPORTED,
        findings=findings,
        reported_on=today,
        version=F("version") + 1,
    ):
        raise ValidationError("该交办事项已报送或已被他人修改，请刷新页面后查看。")
    task.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=task,
        changes={"status": ["待核查", "已报送核查情况"]},
        detail=f"报送核查情况 {task.reference}",
    )
    ComplaintStep.objects.create(
        complaint_id=task.complaint_id,
        label=f"{task.department.name}报送核查情况",
        note=findings,
        actor=actor,
    )
    _notify(
        _handlers(),
        title=f"{task.department.name}已报送核查情况 {task.reference}",
        body="请在投诉办理页面查看。",
        url=f"/complaints/{task.complaint_id}/",
        kind="complaint_task_reported",
        actor=actor,
    )
    return task


# --- Typical cases ------------------------------------------------------------------------------
@transaction.atomic
def typical_case_save(
    *, actor: Any, complaint: Any, title: Any, summary: Any, handling: Any, case: Any = None
) -> Any:
    """Write a closed complaint up as a typical case. Refused while it names the
    complainant, their contact or their enterprise: a case is published anonymised."""
    if complaint.status != S.CLOSED:
        raise ValidationError("只有已办结的投诉可以编写为典型案例。")
    data = {"title": title.strip(), "summary": summary.strip(), "handling": handling.strip()}
    errors = {k: "请填写本项。" for k, v in data.items() if not v}
    if errors:
        raise ValidationError(errors)
    text = " ".join(data.values())
    for secret, label in (
        (complaint.complainant_name, "投诉人姓名"),
        (complaint.contact, "投诉人联系方式"),
        (complaint.enterprise_name, "投诉人所在企业名称"),
    ):
        if secret and len(secret) >= 2 and secret in text:
            raise ValidationError(f"典型案例须隐去{label}（“{secret}”），请改写后再保存。")
    if case is None:
        case = TypicalCase.objects.create(complaint=complaint, created_by=actor, **data)
        action = AuditEvent.Action.CREATE
    else:
        TypicalCase.objects.filter(pk=case.pk).update(**data)
        case.refresh_from_db()
        action = AuditEvent.Action.UPDATE
    audit_record(action, actor=actor, obj=case, changes={"title": [None, case.title]})
    return case


@transaction.atomic
def typical_case_publish(*, actor: Any, case: Any, publish: Any = True, today: Any = None) -> Any:
    today = today or timezone.localdate()
    TypicalCase.objects.filter(pk=case.pk).update(
        published=publish, published_on=today if publish else None
    )
    case.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=case,
        changes={"published": [not publish, publish]},
        detail="公开典型案例" if publish else "撤回典型案例",
    )
    return case

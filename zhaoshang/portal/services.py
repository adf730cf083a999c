"""Writes of the portal.

The visitor's side (``submission_submit``) only INSERTs one ``Submission`` row: that is
all the portal's database role may write, so a portal process run apart from the staff
system (docs/deployment.md) can do nothing else. The staff side's worker then turns the
submission into a lead in the office's pool (through the leads service) or a complaint in
the discipline office's queue (``submission_process``), queued after commit and swept
every minute by beat, so nothing is lost when the broker is down or the portal runs
without one.

Rate limits are per client address and kind, counted in the cache (shared by the web
processes), before the CAPTCHA is even checked."""

import secrets
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record

from .models import Showcase, Submission

# Submissions per address and kind in the window: a person asking twice is fine, a
# script is not.
RATE_LIMIT = getattr(settings, "ZS_PORTAL_RATE_LIMIT", 5)
RATE_WINDOW_SECONDS = 3600
# Letters a person reads back on the phone without confusion (no 0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class RateLimited(ValidationError):
    pass


def _rate_key(kind, address):
    return f"zs:portal-rate:{kind}:{address or 'unknown'}"


def rate_limited(kind: str, address: str | None) -> Any:
    return cache.get(_rate_key(kind, address), 0) >= RATE_LIMIT


def _count(kind, address):
    key = _rate_key(kind, address)
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)


def new_reference(kind: str, today: date | None = None) -> Any:
    """ZX (咨询) or TS (投诉), the date, six random letters: ZX20261207-7K3F9Q."""
    today = today or timezone.localdate()
    prefix = "ZX" if kind == Submission.Kind.ENQUIRY else "TS"
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{prefix}{today:%Y%m%d}-{tail}"


def complaints_enabled() -> Any:
    return apps.is_installed("zhaoshang.complaints")


def submission_submit(
    *, kind: str, data: dict[str, Any], address: str | None = None, language: str = "zh-hans"
) -> Any:
    """Keep what the visitor sent and queue its processing; returns the Submission (its
    reference is shown to the visitor). Refused past the address's rate limit."""
    if kind == Submission.Kind.COMPLAINT and not complaints_enabled():
        raise ValidationError("投诉受理暂未开通。")
    if rate_limited(kind, address):
        raise RateLimited(
            "同一网络地址提交过于频繁，请一小时后再试；如情况紧急，请拨打页面下方的招商热线。",
            code="rate",
        )
    fields = ("name", "contact", "enterprise_name", "industry", "investment", "content")
    values = {f: (data.get(f) or "").strip() for f in fields}
    submission = Submission(
        kind=kind,
        reference=new_reference(kind),
        opportunity=data.get("opportunity"),
        language=language,
        **values,
    )
    # The reference is random and unique in the database; checking it first would need a
    # read of others' references, which the portal's database role does not have.
    submission.full_clean(validate_unique=False)
    with transaction.atomic():
        submission.save()
        _count(kind, address)
        if not getattr(settings, "ZS_PORTAL_ONLY", False):
            from zhaoshang.common import queue

            from . import tasks

            # The staff side makes the lead at once; the sweep catches it otherwise.
            queue.send_after_commit(tasks.process_submission, submission.pk)
    return submission


@transaction.atomic
def submission_process(submission_id: int, *, now: datetime | None = None) -> Any:
    """The staff side's half: an enquiry becomes a lead in the pool (office notified), a
    complaint goes to the discipline office's queue. Runs once per submission (the row is
    locked and marked in the same transaction); returns the Submission."""
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None or submission.processed_at is not None:
        return submission
    if submission.kind == Submission.Kind.ENQUIRY:
        from zhaoshang.pipeline.leads.services import lead_from_enquiry

        lines = [
            f"门户投资咨询，受理编号 {submission.reference}。",
            f"联系人：{submission.name}；联系方式：{submission.contact}。",
        ]
        if submission.industry:
            lines.append(f"意向产业：{submission.industry}。")
        if submission.investment:
            lines.append(f"意向投资规模：{submission.investment}。")
        if submission.opportunity_id:
            lines.append(f"咨询的招商项目：{submission.opportunity}。")
        lines.append(f"咨询内容：{submission.content}")
        data = {"description": "\n".join(lines), "opportunity": submission.opportunity}
        try:
            with transaction.atomic():
                project, created = lead_from_enquiry(
                    enterprise_name=submission.enterprise_name,
                    data=data,
                    reference=submission.reference,
                    now=now,
                )
        except ValidationError as exc:
            # A name the enterprise library refuses: the office reads the enquiry itself
            # instead of the sweep retrying it every minute.
            _tell_office_unprocessed(submission, "；".join(exc.messages))
            submission.result = f"未能自动生成线索：{'；'.join(exc.messages)}"[:200]
        else:
            submission.lead = project
            submission.result = (
                "已生成公海线索" if created else f"企业已有线索“{project.name}”，已转告跟进单位"
            )
    else:
        if not complaints_enabled():
            return submission  # kept until complaints are installed
        from zhaoshang.complaints.services import complaint_submit_public

        complaint_submit_public(
            complainant_name=submission.name,
            contact=submission.contact,
            enterprise_name=submission.enterprise_name,
            content=submission.content,
            source="portal",
        )
        submission.result = "已转纪检监察机关受理"
    submission.processed_at = now
    submission.save(update_fields=["lead", "result", "processed_at"])
    audit_record(
        AuditEvent.Action.CREATE,
        obj=submission,
        detail=f"处理门户{submission.get_kind_display()}：{submission.result}",
    )
    return submission


def _tell_office_unprocessed(submission, reason):
    from zhaoshang.notifications.recipients import recipients_in_unit
    from zhaoshang.notifications.services import notify
    from zhaoshang.org import roles
    from zhaoshang.pipeline.leads.services import office_unit

    notify(
        recipients=recipients_in_unit(office_unit(), permission=roles.VIEW_PIPELINE),
        title=f"门户投资咨询 {submission.reference} 需人工处理",
        body=f"{reason}\n{submission.enterprise_name}：{submission.content}"[:1000],
        url="/portal-admin/submissions/",
        kind="portal_enquiry",
    )


def submissions_waiting(limit: int = 200) -> Any:
    return list(
        Submission.objects.filter(processed_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- Content the office keeps -----------------------------------------------------------
@transaction.atomic
def showcase_add(*, actor: Any, enterprise: Any, data: dict[str, Any]) -> Any:
    from zhaoshang.common.records import record_create

    if Showcase.objects.filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": f"“{enterprise.name}”已在展示企业中。"})
    return record_create(
        Showcase,
        actor=actor,
        data={
            "enterprise": enterprise,
            "display_name": data.get("display_name") or enterprise.name,
            "summary": data["summary"],
            "key_industry": data.get("key_industry"),
            "consent_on": data["consent_on"],
            "sort_order": data.get("sort_order") or 100,
            "created_by": actor,
        },
    )


@transaction.atomic
def showcase_remove(*, actor: Any, showcase: Any) -> Any:
    from zhaoshang.common.records import record_delete

    record_delete(showcase, actor=actor, detail="企业撤回展示同意或不再展示")


@transaction.atomic
def profile_save(*, actor: Any, data: dict[str, Any]) -> Any:
    from zhaoshang.common.records import record_create, record_update

    from .models import Profile

    current = Profile.current()
    if current is None:
        return record_create(Profile, actor=actor, data=data)
    return record_update(current, actor=actor, data=data)


def showcases_enterprise_merge(*, actor: Any, survivor: Any, duplicate: Any) -> Any:
    """The enterprise library's merge hook: the duplicate's consent to be shown moves to
    the survivor, unless the survivor has its own, which stays (the duplicate's goes)."""
    from zhaoshang.common.records import record_delete

    mine = Showcase.objects.filter(enterprise=duplicate).first()
    if mine is None:
        return {Showcase._meta.verbose_name: 0}
    if Showcase.objects.filter(enterprise=survivor).exists():
        record_delete(
            mine,
            actor=actor,
            detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”，保留后者的展示",
        )
        return {Showcase._meta.verbose_name: 0}
    Showcase.objects.filter(pk=mine.pk).update(enterprise=survivor)
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=mine,
        changes={"enterprise": [duplicate.name, survivor.name]},
        detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”",
    )
    return {Showcase._meta.verbose_name: 1}

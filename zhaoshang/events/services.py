"""Every write of events: register and edit an event (an end before its start is
refused), its materials, the leads it produced (a new lead registered through the
pipeline's own service, method 节会招商, or an existing one linked), its costs (posted to
the organiser's budget line through ``budget.services.spending_post``), the quotas, and
the reminder of units below quota in the third and fourth quarter."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.budget.services import spending_post
from zhaoshang.common import uploads
from zhaoshang.common.records import record_create, record_update
from zhaoshang.notifications.recipients import recipients_in_unit
from zhaoshang.org import roles

from . import queries
from .models import Event, EventLead, EventMaterial, EventQuota, ZoneQuota

EVENT_FIELDS = ["title", "event_type", "organiser", "starts_on", "ends_on", "city", "venue"]
EVENT_FIELDS += ["description"]
M2M_FIELDS = ["partners", "enterprises", "officials"]


def _check(data: dict[str, Any]) -> None:
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError(
            {
                "ends_on": f"结束日期（{ends:%Y年%-m月%-d日}）早于开始日期"
                f"（{starts:%Y年%-m月%-d日}），请核对。"
            }
        )
    organiser = data.get("organiser")
    if organiser is not None and organiser in (data.get("partners") or []):
        raise ValidationError({"partners": f"{organiser.name}已是主办单位，不必再列为协办单位。"})
    if not (data.get("city") or "").strip():
        raise ValidationError({"city": "请填写举办城市（网上招商填“线上”）。"})


def _data(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in EVENT_FIELDS + M2M_FIELDS if k in data}
    if out.get("starts_on"):
        out["year"] = out["starts_on"].year
    return out


@transaction.atomic
def event_create(*, actor: Any, data: dict[str, Any]) -> Event:
    _check(data)
    return record_create(
        Event,
        actor=actor,
        data=_data(data)
        | {"created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )


@transaction.atomic
def event_update(
    *, actor: Any, event: Event, data: dict[str, Any], version: int | None = None
) -> Event:
    merged = {k: getattr(event, k) for k in EVENT_FIELDS} | data
    _check(merged | {"partners": data.get("partners", list(event.partners.all()))})
    return record_update(event, actor=actor, data=_data(data), version=version)


@transaction.atomic
def material_add(*, actor: Any, event: Event, file: Any, name: str = "") -> EventMaterial:
    from django.conf import settings

    try:
        uploads.check(
            file, allowed=uploads.ATTACHMENT_TYPES, max_bytes=settings.MAX_ATTACHMENT_BYTES
        )
    except uploads.UploadError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    return record_create(
        EventMaterial,
        actor=actor,
        data={
            "event": event,
            "name": (name or "").strip() or file.name,
            "file": file,
            "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


# --- Leads -------------------------------------------------------------------------------------
@transaction.atomic
def lead_link(*, actor: Any, event: Event, lead: Any) -> EventLead:
    """Record that ``lead`` came from ``event``. A lead names one event."""
    existing = EventLead.objects.filter(lead=lead).select_related("event").first()
    if existing is not None:
        if existing.event_id == event.pk:
            return existing
        raise ValidationError(f"线索“{lead.name}”已记为活动“{existing.event.title}”的成果。")
    return record_create(
        EventLead,
        actor=actor,
        data={
            "event": event,
            "lead": lead,
            "linked_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


@transaction.atomic
def lead_register_from_event(
    *, actor: Any, event: Event, enterprise: Any, name: str = "", description: str = ""
) -> Any:
    """A lead met at the event: registered by the actor's unit through the pipeline's
    service (its attribution rules apply), method 节会招商, and linked to the event."""
    from zhaoshang.pipeline.leads.services import lead_register

    lead = lead_register(
        actor=actor,
        enterprise=enterprise,
        data={
            "name": (name or "").strip(),
            "description": description or f"在“{event.title}”中接洽。",
            "method": "event",
        },
        today=event.ends_on,
    )
    lead_link(actor=actor, event=event, lead=lead)
    return lead


# --- Costs -------------------------------------------------------------------------------------
def cost_post(
    *,
    actor: Any,
    event: Event,
    category: str,
    amount: Any,
    occurred_on: dt.date,
    summary: str,
    voucher: Any = None,
) -> Any:
    """An event's cost, charged to the organiser's line of the event's year."""
    return spending_post(
        actor=actor,
        department=event.organiser,
        year=event.year,
        category=category,
        amount=amount,
        occurred_on=occurred_on,
        summary=f"{event.title}：{(summary or '').strip()}" if (summary or "").strip() else "",
        source=event,
        voucher=voucher,
    )


# --- Quotas ------------------------------------------------------------------------------------
@transaction.atomic
def quota_set(
    *, actor: Any, department: Any, year: int, quota: int, reason: str = ""
) -> EventQuota:
    """Set a unit's quota for one year (replacing an earlier figure for that year)."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应为 2000 至 2100 之间的四位年份。"})
    if not isinstance(quota, int) or not 0 <= quota <= 50:
        raise ValidationError({"quota": "活动指标应为 0 至 50 场。"})
    row = EventQuota.objects.filter(department=department, year=year).first()
    data = {"quota": quota, "reason": (reason or "").strip()}
    data["set_by"] = actor if getattr(actor, "is_authenticated", False) else None
    if row is None:
        return record_create(
            EventQuota, actor=actor, data={"department": department, "year": year, **data}
        )
    return record_update(row, actor=actor, data=data)


@transaction.atomic
def zone_quota_set(*, actor: Any, zone: Any, quota: int) -> ZoneQuota:
    if not isinstance(quota, int) or not 0 <= quota <= 50:
        raise ValidationError({"quota": "活动指标应为 0 至 50 场。"})
    row = ZoneQuota.objects.filter(zone=zone).first()
    if row is None:
        return record_create(ZoneQuota, actor=actor, data={"zone": zone, "quota": quota})
    return record_update(row, actor=actor, data={"quota": quota})


def remind_below_quota(*, today: dt.date) -> int:
    """Tell each unit still below its quota for ``today``'s year how many events it
    lacks. Called on the first working day of the third and fourth quarter."""
    from zhaoshang.notifications.services import notify

    told = 0
    for row in queries.quota_rows(None, today.year):
        if row["met"]:
            continue
        people = recipients_in_unit(row["department_id"], permission=roles.MANAGE_EVENT)
        if not people:
            continue
        quarter = "三" if today.month <= 9 else "四"
        notify(
            recipients=people,
            title=f"推介活动指标提醒：{today.year}年已办 {row['held']} 场，指标 {row['quota']} 场",
            body=f"{row['name']}{today.year}年度招商推介活动尚差 {row['missing']} 场，"
            f"已进入第{quarter}季度，请抓紧安排。",
            url="/events/quota/",
            kind="event_quota",
        )
        told += 1
    return told

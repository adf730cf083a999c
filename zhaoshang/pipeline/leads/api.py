"""Leads over JSON (mounted at /api/leads): the same scoping, attribution, duplicate
control and push rules as the pages."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from zhaoshang.api.params import RecordId
from zhaoshang.enterprises.queries import library
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.org.models import Department

from . import queries, services

router = Router(tags=["线索"])
VIEW = roles.VIEW_PIPELINE
MANAGE = roles.MANAGE_PIPELINE


class LeadOut(Schema):
    id: int
    name: str
    enterprise_id: int
    enterprise_name: str
    stage: str
    method: str
    description: str
    estimated_investment: Decimal | None
    industry_id: int | None
    key_industry_id: int | None
    origin_region_id: int | None
    referrer_name: str
    referrer_kind: str
    department_id: int
    department_name: str
    registered_department_id: int
    pooled: bool
    registered_on: datetime.date
    last_ledger_on: datetime.date | None
    version: int


class LeadPageOut(Schema):
    items: list[LeadOut]
    next_after: int | None


class LeadIn(Schema):
    enterprise_id: int | None = None
    new_enterprise_name: str | None = None
    new_enterprise_credit_code: str | None = None
    confirm_duplicates: bool = False
    name: str = ""
    description: str = ""
    estimated_investment: Decimal | None = None
    industry_id: int | None = None
    key_industry_id: int | None = None
    origin_region_id: int | None = None
    method: str = "other"
    referrer_name: str = ""
    referrer_kind: str = ""


class HolderOut(Schema):
    detail: str
    holder: dict | None = None
    candidates: list[dict] | None = None


class PushIn(Schema):
    to_department_id: int
    reason: str


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class PushOut(Schema):
    id: int
    project_id: int
    kind: str
    from_department_id: int
    to_department_id: int
    reason: str
    state: str
    answer_reason: str


def _out(p):
    from django.utils import timezone

    return {
        **{
            f: getattr(p, f)
            for f in (
                "id",
                "name",
                "enterprise_id",
                "stage",
                "method",
                "description",
                "estimated_investment",
                "industry_id",
                "key_industry_id",
                "origin_region_id",
                "referrer_name",
                "referrer_kind",
                "department_id",
                "registered_department_id",
                "last_ledger_on",
                "version",
            )
        },
        "enterprise_name": p.enterprise.name,
        "department_name": p.department.name,
        "pooled": p.pooled_at is not None,
        "registered_on": timezone.localtime(p.created_at).date(),
    }


def _push_out(x):
    return {
        f: getattr(x, f)
        for f in (
            "id",
            "project_id",
            "kind",
            "from_department_id",
            "to_department_id",
            "reason",
            "state",
            "answer_reason",
        )
    }


@router.get("/", response=LeadPageOut, summary="线索清单（按数据范围）")
@require(VIEW)
def list_leads(
    request,
    q: str = "",
    method: str = "",
    key_industry: RecordId | None = None,
    region: RecordId | None = None,
    state: str = "",
    registered_from: str = "",
    registered_to: str = "",
    after: int | None = None,
    limit: int = 50,
):
    filters = {
        "q": q,
        "method": method,
        "key_industry": key_industry,
        "region": region,
        "state": state,
        "registered_from": registered_from,
        "registered_to": registered_to,
    }
    qs = queries.apply_filters(queries.leads(request.user), filters)
    page = queries.page(queries.with_list_relations(qs), after=after, size=max(1, min(limit, 200)))
    return {"items": [_out(p) for p in page.rows], "next_after": page.next_cursor}


@router.get("/{lead_id}", response=LeadOut, summary="线索详情")
@require(VIEW)
def get_lead(request, lead_id: int):
    p = queries.readable(request.user, lead_id, select=("enterprise", "department"))
    if p is None:
        raise Http404("没有该线索，或您无权查看。")
    return _out(p)


@router.post(
    "/",
    response={201: LeadOut, 409: HolderOut, 422: dict},
    summary="登记线索（他单位已跟进时返回 409 及跟进单位；疑似重复企业返回 409 及候选）",
)
@require(MANAGE)
def create_lead(request, payload: LeadIn):
    data = payload.dict()
    enterprise = None
    if data["enterprise_id"]:
        enterprise = library(request.user).filter(pk=data["enterprise_id"]).first()
        if enterprise is None:
            return Status(422, {"errors": {"enterprise_id": ["企业库中没有该企业。"]}})
    new = None
    if enterprise is None and data["new_enterprise_name"]:
        new = {
            "name": data["new_enterprise_name"],
            "credit_code": data["new_enterprise_credit_code"],
        }
    fields = {
        "name": data["name"],
        "description": data["description"],
        "estimated_investment": data["estimated_investment"],
        "industry_id": data["industry_id"],
        "key_industry_id": data["key_industry_id"],
        "origin_region_id": data["origin_region_id"],
        "method": data["method"],
        "referrer_name": data["referrer_name"],
        "referrer_kind": data["referrer_kind"],
    }
    p = services.lead_register(
        actor=request.user,
        data=fields,
        enterprise=enterprise,
        new_enterprise=new,
        confirm_duplicates=data["confirm_duplicates"],
    )
    return Status(201, _out(p))


@router.post("/{lead_id}/claim", response={200: LeadOut, 422: dict}, summary="认领公海线索")
@require(MANAGE)
def claim_lead(request, lead_id: int, payload: ReasonIn):
    p = get_object_or_404(queries.pool(request.user), pk=lead_id)
    services.lead_claim(actor=request.user, project=p, reason=payload.reason)
    return Status(200, _out(p))


@router.post("/{lead_id}/push", response={201: PushOut, 422: dict}, summary="推送线索")
@require(MANAGE)
def push_lead(request, lead_id: int, payload: PushIn):
    p = get_object_or_404(queries.leads(request.user).select_related("department"), pk=lead_id)
    to = Department.objects.filter(pk=payload.to_department_id).first()
    if to is None:
        return Status(422, {"errors": {"to_department_id": ["没有该单位。"]}})
    push = services.lead_push(
        actor=request.user, project=p, to_department=to, reason=payload.reason
    )
    return Status(201, _push_out(push))


@router.post(
    "/pushes/{push_id}/answer", response={200: PushOut, 422: dict}, summary="接收或退回推送"
)
@require(MANAGE)
def answer_push(request, push_id: int, payload: AnswerIn):
    push = get_object_or_404(
        queries.pushes_readable(request.user).select_related("from_department", "to_department"),
        pk=push_id,
    )
    push = services.push_answer(
        actor=request.user, push=push, accept=payload.accept, reason=payload.reason
    )
    return Status(200, _push_out(push))

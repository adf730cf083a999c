"""The enterprise library over JSON: the same search, scoping, masking, validation and
duplicate control as the pages."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries, services
from .models import Enterprise

router = Router(tags=["企业库"])
VIEW = roles.VIEW_ENTERPRISES
MANAGE = roles.MANAGE_ENTERPRISES


class EnterpriseRankingOut(Schema):
    kind: str
    year: int
    rank: int | None


class ContactOut(Schema):
    name: str
    title: str
    phone: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str | None
    legal_representative: str
    registered_capital: Decimal | None
    registered_currency: str
    founded_on: datetime.date | None
    ownership: str
    listing_exchange: str
    stock_code: str
    hq_region: str | None
    status: str
    department_id: int | None
    former_names: list[str]
    rankings: list[EnterpriseRankingOut]
    tags: list[str]
    version: int


class EnterpriseDetailOut(EnterpriseOut):
    contacts: list[ContactOut]
    notes: str | None
    contacts_masked: bool


class EnterprisePageOut(Schema):
    items: list[EnterpriseOut]
    next_cursor: str | None


class EnterpriseIn(Schema):
    name: str
    credit_code: str | None = None
    legal_representative: str = ""
    registered_capital: Decimal | None = None
    registered_currency: str = "CNY"
    founded_on: datetime.date | None = None
    ownership: str = ""
    listing_exchange: str = ""
    stock_code: str = ""
    status: str = "target"
    department_id: int | None = None
    description: str = ""
    confirm_duplicates: bool = False


class EnterprisePatch(Schema):
    version: int
    name: str | None = None
    credit_code: str | None = None
    legal_representative: str | None = None
    registered_capital: Decimal | None = None
    founded_on: datetime.date | None = None
    ownership: str | None = None
    status: str | None = None
    description: str | None = None


class DuplicateOut(Schema):
    detail: str
    candidates: list[dict]


def _out(e):
    return {
        **{
            f: getattr(e, f)
            for f in (
                "id",
                "name",
                "credit_code",
                "legal_representative",
                "registered_capital",
                "registered_currency",
                "founded_on",
                "ownership",
                "listing_exchange",
                "stock_code",
                "status",
                "department_id",
                "version",
            )
        },
        "hq_region": e.hq_region.name if e.hq_region else None,
        "former_names": [f.name for f in e.former_names.all()],
        "rankings": [{"kind": r.kind, "year": r.year, "rank": r.rank} for r in e.rankings.all()],
        "tags": [t.name for t in e.tags.all()],
    }


@router.get("/", response=EnterprisePageOut, summary="检索企业（按数据范围，键集分页）")
@require(VIEW)
def list_enterprises(
    request,
    q: str = "",
    ownership: str = "",
    ranking: str = "",
    status: str = "",
    sort: str = "",
    after: str = "",
):
    qs = queries.apply_filters(
        queries.library(request.user),
        {"ownership": ownership, "ranking": ranking, "status": status},
    )
    try:
        qs = queries.apply_search(qs, q)
    except queries.SearchTooShort as exc:
        raise HttpError(400, str(exc)) from exc
    page = queries.page(
        qs.select_related("hq_region").prefetch_related("former_names", "rankings", "tags"),
        sort=sort or queries.default_sort(q),
        cursor=after or None,
    )
    return {"items": [_out(e) for e in page.rows], "next_cursor": page.next_cursor}


@router.get(
    "/{enterprise_id}", response=EnterpriseDetailOut, summary="企业详情（联系人按权限脱敏）"
)
@require(VIEW)
def get_enterprise(request, enterprise_id: int):
    e = get_object_or_404(
        queries.library(request.user).select_related("hq_region"), pk=enterprise_id
    )
    visible = queries.may_see_confidential(request.user, e)
    contacts = e.contacts.all()
    return {
        **_out(e),
        "contacts": [
            {"name": c.name, "title": c.title, "phone": c.phone}
            if visible
            else {
                "name": queries.mask_name(c.name),
                "title": c.title,
                "phone": queries.mask_phone(c.phone),
            }
            for c in contacts
        ],
        "notes": e.notes if visible else None,
        "contacts_masked": not visible,
    }


@router.post(
    "/", response={201: EnterpriseOut, 409: DuplicateOut, 422: dict}, summary="新增企业（含查重）"
)
@require(MANAGE)
def create_enterprise(request, payload: EnterpriseIn):
    data = payload.dict()
    confirm = data.pop("confirm_duplicates")
    e = services.enterprise_create(actor=request.user, data=data, confirm_duplicates=confirm)
    return Status(201, _out(e))


@router.patch("/{enterprise_id}", response={200: EnterpriseOut, 422: dict}, summary="修改企业")
@require(MANAGE)
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    e = get_object_or_404(queries.library(request.user), pk=enterprise_id)
    if e.department_id is not None and not queries.may_see_confidential(request.user, e):
        raise PermissionDenied("该企业由其他单位跟进")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version"}
    e = services.enterprise_update(
        actor=request.user, enterprise=e, data=data, version=payload.version
    )
    return Status(200, _out(Enterprise.objects.select_related("hq_region").get(pk=e.pk)))

"""Service tickets over JSON (read-only): the same scope as the pages (``for_user``:
the responsible unit, the street of the enterprise, the office all)."""

import datetime

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from zhaoshang.api.params import RecordId
from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries

router = Router(tags=["企业服务"])
VIEW = roles.VIEW_AFTERCARE
PAGE_SIZE = 50


class TicketOut(Schema):
    id: int
    number: str | None
    title: str
    status: str
    level: str
    enterprise: str
    ticket_type: str
    department: str
    raised_on: datetime.date
    due_on: datetime.date
    answered_on: datetime.date | None
    rating: int | None


class TicketPageOut(Schema):
    items: list[TicketOut]
    next_cursor: str | None


def _out(r):
    return {
        "id": r["pk"],
        "number": r["number"],
        "title": r["title"],
        "status": r["status"],
        "level": r["level"],
        "enterprise": r["enterprise__name"],
        "ticket_type": r["ticket_type__name"],
        "department": r["department__name"],
        "raised_on": r["raised_on"],
        "due_on": r["due_on"],
        "answered_on": r["answered_on"],
        "rating": r["rating"],
    }


@router.get("/tickets", response=TicketPageOut, summary="企业诉求清单（按数据范围，键集分页）")
@require(VIEW)
def list_tickets(
    request, q: str = "", status: str = "", overdue: str = "", department: str = "", after: str = ""
):
    from django.utils import timezone

    params = {"q": q, "status": status, "overdue": overdue, "department": department}
    qs = queries.filtered(request.user, params, timezone.localdate()).order_by("-id")
    if after:
        if not after.isdigit() or len(after) > 18:
            raise HttpError(400, "分页游标 after 应为上一页返回的 next_cursor。")
        qs = qs.filter(id__lt=int(after))
    rows = list(qs.values(*queries.LIST_VALUES)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return {"items": [_out(r) for r in rows], "next_cursor": str(rows[-1]["pk"]) if more else None}


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="企业诉求详情")
@require(VIEW)
def get_ticket(request, ticket_id: RecordId):
    row = queries.tickets(request.user).filter(pk=ticket_id).values(*queries.LIST_VALUES).first()
    if row is None:
        raise Http404
    return _out(row)

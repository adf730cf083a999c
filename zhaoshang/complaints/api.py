"""Complaints over JSON (read-only). A department reads the tasks given to it: the same
columns as its pages (``queries.TASK_VALUES``), never the complaint or who made it. The
complaints themselves answer only the discipline office and leaders."""

import datetime

from django.utils import timezone
from ninja import Router, Schema

from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries

router = Router(tags=["投诉处理"])


class ComplaintTaskOut(Schema):
    id: int
    reference: str | None
    department: str
    brief: str
    due_on: datetime.date
    status: str
    findings: str
    reported_on: datetime.date | None


class ComplaintOut(Schema):
    id: int
    number: str | None
    complainant_name: str
    contact: str
    enterprise_name: str
    content: str
    status: str
    level: str
    received_on: datetime.date
    due_on: datetime.date


@router.get(
    "/tasks", response=list[ComplaintTaskOut], summary="交办本单位的投诉核查事项（最近 200 条）"
)
@require(roles.ANSWER_COMPLAINT_TASK)
def list_tasks(request, q: str = "", status: str = ""):
    rows = queries.task_rows(request.user, {"q": q, "status": status})[:200]
    return [
        {
            **{
                k: r[k]
                for k in ("reference", "brief", "due_on", "status", "findings", "reported_on")
            },
            "id": r["pk"],
            "department": r["department__name"],
        }
        for r in rows
    ]


@router.get(
    "/", response=list[ComplaintOut], summary="投诉清单（纪检监察部门与区领导，最近 200 条）"
)
@require(roles.VIEW_COMPLAINT)
def list_complaints(request, q: str = "", status: str = ""):
    qs = queries.filtered(request.user, {"q": q, "status": status}, timezone.localdate())
    return [
        {"id": c.pk, **{k: getattr(c, k) for k in ComplaintOut.model_fields if k != "id"}}
        for c in qs[:200]
    ]

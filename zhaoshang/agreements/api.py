"""Agreements over JSON (mounted at /api/agreements): the same permissions and scope as
the pages. Terms and amounts are confidential: a role without the module's read
permission gets 403 whatever its data scope, a record outside the scope 404."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from zhaoshang.api.params import RecordId
from zhaoshang.org.access import require
from zhaoshang.org.roles import VIEW_AGREEMENT, VIEW_DISBURSEMENT

from . import queries

router = Router(tags=["协议与奖励兑现"])
Year = Annotated[int, Field(ge=2000, le=2100)]
Limit = Annotated[int, Field(ge=1, le=200)]


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    project_id: int
    enterprise_id: int
    enterprise_name: str
    department_id: int
    department_name: str
    signed_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    moved_out_on: datetime.date | None


class AgreementPageOut(Schema):
    items: list[AgreementOut]
    next_after: int | None


class CommitmentOut(Schema):
    kind: str
    year: int
    amount: Decimal
    due_on: datetime.date | None


class ClauseOut(Schema):
    id: int
    kind: str
    title: str
    first_year: int
    last_year: int
    params: dict
    cap: Decimal | None
    condition_metric: str
    condition_min: Decimal | None
    policy_article: str
    in_force: bool


class AgreementDetailOut(AgreementOut):
    commitments: list[CommitmentOut]
    clauses: list[ClauseOut]


class CalculationOut(Schema):
    id: int
    agreement_id: int
    year: int
    total: Decimal
    lines: list[dict]
    computed_at: datetime.datetime


class DisbursementOut(Schema):
    id: int
    agreement_id: int
    year: int
    state: str
    computed_amount: Decimal
    approved_amount: Decimal | None
    allocated_amount: Decimal | None
    paid_amount: Decimal | None
    meeting: str
    paid_on: datetime.date | None


def _out(a):
    return {
        **{
            f: getattr(a, f)
            for f in (
                "id",
                "number",
                "title",
                "kind",
                "project_id",
                "enterprise_id",
                "department_id",
                "signed_on",
                "term_start",
                "term_end",
                "moved_out_on",
            )
        },
        "enterprise_name": a.enterprise.name,
        "department_name": a.department.name,
    }


@router.get("/", response=AgreementPageOut, summary="协议清单（按数据范围）")
@require(VIEW_AGREEMENT)
def list_agreements(
    request, q: str = "", kind: str = "", after: RecordId | None = None, limit: Limit = 50
):
    qs = queries.agreement_list(request.user, {"q": q, "kind": kind}).order_by("-id")
    if after:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_out(a) for a in rows], "next_after": rows[-1].pk if more else None}


def _get(request, agreement_id):
    a = (
        queries.agreements(request.user)
        .select_related("enterprise", "department")
        .filter(pk=agreement_id)
        .first()
    )
    if a is None:
        raise Http404("没有该协议，或您无权查看。")
    return a


class DisbursementPageOut(Schema):
    items: list[DisbursementOut]
    next_after: int | None


@router.get("/disbursements", response=DisbursementPageOut, summary="奖励兑现清单（分页）")
@require(VIEW_DISBURSEMENT)
def list_disbursements(
    request,
    year: Year | None = None,
    state: str = "",
    after: RecordId | None = None,
    limit: Limit = 50,
):
    qs = queries.disbursements(request.user).order_by("-id")
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if after:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_after": rows[-1].pk if more else None}


@router.get("/{agreement_id}", response=AgreementDetailOut, summary="协议详情：承诺与奖励条款")
@require(VIEW_AGREEMENT)
def get_agreement(request, agreement_id: RecordId):
    a = _get(request, agreement_id)
    return {
        **_out(a),
        "commitments": list(a.commitments.order_by("kind", "year")),
        "clauses": [
            {
                **{
                    f: getattr(c, f)
                    for f in (
                        "id",
                        "kind",
                        "title",
                        "first_year",
                        "last_year",
                        "params",
                        "cap",
                        "condition_metric",
                        "condition_min",
                        "policy_article",
                    )
                },
                "in_force": c.superseded_by_id is None,
            }
            for c in a.clauses.order_by("kind", "first_year", "pk")
        ],
    }


@router.get("/{agreement_id}/calculations", response=list[CalculationOut], summary="奖励测算")
@require(VIEW_DISBURSEMENT)
def list_calculations(request, agreement_id: RecordId):
    qs = queries.calculations(request.user).filter(agreement_id=agreement_id)
    rows = list(qs.order_by("-year", "-id"))
    # Finance reads amounts without the agreement's terms: an agreement it may read
    # through its calculations counts as found.
    if not rows and not queries.agreements(request.user).filter(pk=agreement_id).exists():
        raise Http404("没有该协议，或您无权查看。")
    return rows

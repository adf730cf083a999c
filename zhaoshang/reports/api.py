"""The monthly report and the dashboards over JSON (read-only), for the city's and the
province's systems that today re-key the district's monthly spreadsheet. The same
figures as the pages (computed by ``monthly.monthly_report`` and ``queries``), the same
permissions: the district's figures for those who may read the report, a unit's own
progress for its staff. Amounts are yuan (foreign investment: US dollars) as decimal
strings; rates are percentages."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from zhaoshang.common.replica import reads_replica
from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries, rules
from .models import IssuedReport
from .monthly import monthly_report

router = Router(tags=["统计月报与驾驶舱"])
VIEW = queries.VIEW


class IndicatorOut(Schema):
    code: str
    label: str
    kind: str
    month: Decimal
    ytd: Decimal
    prev: Decimal
    ly_month: Decimal
    ly_ytd: Decimal
    target: Decimal
    rate: Decimal | None
    yoy: Decimal | None
    mom: Decimal | None


class CellOut(Schema):
    done: Decimal
    target: Decimal
    rate: Decimal | None


class UnitRowOut(Schema):
    rank: int
    unit_id: int
    name: str
    cells: dict[str, CellOut]


class BreakdownRowOut(Schema):
    key: int | str | None
    label: str
    month: int
    ytd: int
    amount: Decimal
    share: Decimal | None


class MajorProjectOut(Schema):
    id: int
    name: str
    unit: str
    level: str
    amount: Decimal
    stage: str
    ledger: str
    problems: list[str]
    next_step: str


class MonthProjectOut(Schema):
    """A project signed or landed in the month; ``on`` is that date."""

    id: int
    name: str
    enterprise: str
    unit: str
    on: datetime.date
    amount: Decimal
    stage: str
    # 增资扩产 kind (战略性增资 …) when the project is a landed enterprise's expansion.
    expansion: str = ""


class SignedOut(MonthProjectOut):
    industry: str


class LandedOut(MonthProjectOut):
    credit_code: str


class UnitRefOut(Schema):
    unit_id: int
    name: str


class ReportOut(Schema):
    year: int
    month: int
    title: str
    computed_on: datetime.date
    summary: str
    missing_rates: list[str]
    indicators: list[IndicatorOut]
    units: list[UnitRowOut]
    breakdowns: dict[str, list[BreakdownRowOut]]
    major_projects: list[MajorProjectOut]
    signed_this_month: list[SignedOut]
    landed_this_month: list[LandedOut]
    call_in: list[UnitRefOut]


class IssuedRowOut(Schema):
    id: int
    year: int
    month: int
    version: int
    note: str
    issued_at: datetime.datetime
    changed_figures: int


class FigureChangeOut(Schema):
    figure: str
    before: str
    after: str


class IssuedOut(IssuedRowOut):
    changes: list[FigureChangeOut]
    report: ReportOut


class ProgressOut(Schema):
    code: str
    label: str
    kind: str
    done: Decimal
    target: Decimal
    rate: Decimal | None


class TrendOut(Schema):
    month: int
    signed: int
    amount: Decimal
    funds: Decimal


class UnitRankingOut(Schema):
    rank: int
    unit_id: int
    name: str
    signed: int
    amount: Decimal
    rate: Decimal | None


class DashboardOut(Schema):
    year: int
    month: int
    progress: list[ProgressOut]
    trend: list[TrendOut]
    ranking: list[UnitRankingOut]
    missing_rates: list[str]


class UnitDashboardOut(Schema):
    year: int
    month: int
    unit_id: int
    unit: str
    has_target: bool
    progress: list[ProgressOut]
    trend: list[TrendOut]


def _missing(rows):
    return [f"{y}年{m}月{c}" for y, m, c in rows]


@router.get("/monthly", response=ReportOut, summary="统计月报（按当前数据实时计算）")
@require(VIEW)
@reads_replica
def get_monthly(request, year: int | None = None, month: int | None = None):
    """Without ``year`` and ``month``: last month, the one a report is written for."""
    today = timezone.localdate()
    if year is None or month is None:
        year, month = rules.previous_month(today.year, today.month)
    if not (year >= 2000 and 1 <= month <= 12) or (year, month) > (today.year, today.month):
        raise HttpError(
            400,
            f"{year}年{month}月不能统计：月份应为 1—12，且不晚于本月（{today.year}年{today.month}月）。",
        )
    return monthly_report(year, month, today=today)


def _issued_row(r):
    return {
        "id": r.pk,
        "year": r.year,
        "month": r.month,
        "version": r.version,
        "note": r.note,
        "issued_at": r.issued_at,
        "changed_figures": len(r.changes),
    }


def _may_read_issued(user):
    if not queries.may_read_figures(user):
        raise PermissionDenied  # the API answers 403 with its own message


@router.get("/issued", response=list[IssuedRowOut], summary="已发布的统计月报（各版本）")
def list_issued(request, year: int | None = None):
    _may_read_issued(request.user)
    rows = IssuedReport.objects.order_by("-year", "-month", "-version")
    if year is not None:
        rows = rows.filter(year=year)
    return [_issued_row(r) for r in rows[:240]]


@router.get(
    "/issued/{issued_id}",
    response=IssuedOut,
    summary="一版已发布的统计月报：冻结的数字及与上一版的差异",
)
def get_issued(request, issued_id: int):
    _may_read_issued(request.user)
    issued = get_object_or_404(IssuedReport, pk=issued_id)
    return {**_issued_row(issued), "changes": issued.changes, "report": issued.data}


@router.get(
    "/dashboard", response=DashboardOut, summary="领导驾驶舱：全区本年累计、逐月走势、单位排名"
)
@require(VIEW)
@reads_replica
def get_dashboard(request):
    d = queries.district_dashboard()
    return {**d, "missing_rates": _missing(d["missing_rates"])}


@router.get(
    "/dashboard/unit",
    response=UnitDashboardOut,
    summary="本单位目标完成情况（只含调用者所在单位）",
)
@require(roles.VIEW_UNIT_DASHBOARD)
@reads_replica
def get_unit_dashboard(request):
    d = queries.unit_dashboard(request.user)
    return {**d, "unit_id": d["unit"].pk, "unit": d["unit"].name}

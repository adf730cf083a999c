"""Reads of the agreements module, always through ``for_user``. A role without the
module's read permission reads nothing, whatever its data scope: supervision and the
discipline office read all projects but no agreement terms or amounts."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zhaoshang.org.roles import (
    ALLOCATE_INCENTIVE,
    COMPUTE_INCENTIVE,
    CONFIRM_OPERATING_DATA,
    PAY_INCENTIVE,
    RECORD_MEETING,
    SUPPLY_OPERATING_DATA,
    VIEW_AGREEMENT,
    VIEW_DISBURSEMENT,
)

from . import calculation
from .models import (
    Agreement,
    Calculation,
    Clawback,
    ClawbackState,
    Commitment,
    Disbursement,
    DisbursementState,
    IncentiveClause,
    Metric,
    OperatingData,
    OperatingDataImport,
)


def _gate(qs, user, perm):
    return qs.for_user(user) if user.has_perm(perm) else qs.none()


def agreements(user: Any) -> QuerySet:
    return _gate(Agreement.objects, user, VIEW_AGREEMENT)


def agreement_list(user: Any, params: Mapping[str, Any]) -> QuerySet:
    qs = agreements(user).select_related("enterprise", "department", "project")
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(number__icontains=q) | Q(title__icontains=q) | Q(enterprise__name__icontains=q)
        )
    if (kind := params.get("kind")) in Agreement.Kind.values:
        qs = qs.filter(kind=kind)
    if (unit := params.get("department") or "").isdigit():
        qs = qs.filter(department_id=int(unit))
    return qs.order_by("-signed_on", "-id")


def clauses(user: Any) -> QuerySet:
    return _gate(IncentiveClause.objects, user, VIEW_AGREEMENT)


def commitments(user: Any) -> QuerySet:
    return _gate(Commitment.objects, user, VIEW_AGREEMENT)


def calculations(user: Any) -> QuerySet:
    return _gate(Calculation.objects, user, VIEW_DISBURSEMENT)


def disbursements(user: Any) -> QuerySet:
    return _gate(Disbursement.objects, user, VIEW_DISBURSEMENT)


def clawbacks(user: Any) -> QuerySet:
    return _gate(Clawback.objects, user, VIEW_DISBURSEMENT)


def confirmable(user: Any) -> QuerySet:
    """Disbursements whose data this (tax) user's unit supplied: the data page only."""
    if not user.has_perm(CONFIRM_OPERATING_DATA):
        return Disbursement.objects.none()
    return Disbursement.objects.for_user(user, unit_field="data_department")


def operating_data(user: Any) -> QuerySet:
    """The figures a unit supplied (the office: all)."""
    if not (user.has_perm(SUPPLY_OPERATING_DATA) or user.has_perm(VIEW_AGREEMENT)):
        return OperatingData.objects.none()
    if user.has_perm(SUPPLY_OPERATING_DATA):
        return OperatingData.objects.for_user(user)
    return OperatingData.objects.none()


def imports(user: Any) -> QuerySet:
    # An import is its uploader's own.
    return OperatingDataImport.objects.filter(created_by=user)


# --- Queues on the home page ------------------------------------------------------------
def queue(user: Any) -> list[tuple[str, int, Any]]:
    """(label, count, url name, state) of the disbursements and clawbacks waiting for
    this user's step."""
    out = []
    D = DisbursementState
    if user.has_perm(CONFIRM_OPERATING_DATA):
        n = confirmable(user).filter(state=D.COMPUTED).count()
        out.append(("待确认测算数据", n, D.COMPUTED))
    if user.has_perm(COMPUTE_INCENTIVE):
        out.append(
            ("退回待重新测算", disbursements(user).filter(state=D.RETURNED).count(), D.RETURNED)
        )
    if user.has_perm(RECORD_MEETING):
        out.append(
            ("待常务会议审议", disbursements(user).filter(state=D.CONFIRMED).count(), D.CONFIRMED)
        )
    if user.has_perm(ALLOCATE_INCENTIVE):
        out.append(("待拨付", disbursements(user).filter(state=D.APPROVED).count(), D.APPROVED))
    if user.has_perm(PAY_INCENTIVE):
        mine = disbursements(user).filter(agreement__department_id=user.department_id)
        out.append(("待向企业兑付", mine.filter(state=D.ALLOCATED).count(), D.ALLOCATED))
    return out


# --- Commitments against actuals (M14) --------------------------------------------------
@dataclass
class Fulfilment:
    agreement: Agreement
    commitment: Commitment
    actual: Decimal | None
    note: str  # where the actual came from, or why there is none

    @property
    def percent(self) -> Decimal | None:
        if self.actual is None or not self.commitment.amount:
            return None
        return (self.actual / self.commitment.amount * 100).quantize(Decimal("0.1"))

    @property
    def shortfall(self) -> bool:
        return self.actual is not None and self.actual < self.commitment.amount


def fulfilment(
    user: Any, year: int, *, department: int | None = None, shortfall_only: bool = False
) -> list[Fulfilment]:
    """Each commitment of ``year`` beside the reported figure: one read of the
    commitments, one of the year's data for their enterprises."""
    from .services import data_rows

    qs = (
        commitments(user)
        .filter(year=year)
        .exclude(kind=Commitment.Kind.STAY_YEARS)
        .select_related("agreement__enterprise", "agreement__department")
        .order_by("agreement__department__name", "agreement__number", "kind")
    )
    if department:
        qs = qs.filter(agreement__department_id=department)
    items = list(qs)
    rows = data_rows({c.agreement.enterprise_id for c in items}, year)
    data = {}
    out = []
    for c in items:
        eid = c.agreement.enterprise_id
        if eid not in data:
            data[eid] = calculation.Data(year, rows.get(eid, []))
        figure = data[eid].figure(Metric(c.kind))
        if isinstance(figure, str):
            item = Fulfilment(c.agreement, c, None, figure)
        else:
            source = calculation.SOURCE_LABELS[figure.source]
            item = Fulfilment(c.agreement, c, figure.value, f"{source}，{figure.how}")
        if shortfall_only and not item.shortfall:
            continue
        out.append(item)
    return out


def shortfalls_by_department(user: Any, year: int) -> list[tuple[str, int, int, int]]:
    """(department name, shortfalls, commitments with a reported figure, without one)."""
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item in fulfilment(user, year):
        entry = counts[item.agreement.department.name]
        if item.actual is None:
            entry[2] += 1
            continue
        entry[1] += 1
        if item.shortfall:
            entry[0] += 1
    return sorted((name, s, n, none) for name, (s, n, none) in counts.items())


# --- Reports ----------------------------------------------------------------------------
def incentive_report(user: Any, year: int | None = None, by: str = "department") -> list[dict]:
    """Incentives computed, approved, paid and recovered, by department, industry or
    year; each figure opens onto the disbursements behind it."""
    field = {
        "department": "agreement__department__name",
        "industry": "agreement__project__key_industry__name",
        "year": "year",
    }[by]
    qs = disbursements(user)
    if year:
        qs = qs.filter(year=year)
    rows = {
        r[field]: r
        for r in qs.values(field).annotate(
            n=Count("pk"),
            computed=Sum("computed_amount"),
            approved=Sum("approved_amount"),
            paid=Sum("paid_amount"),
        )
    }
    cb = clawbacks(user).filter(state=ClawbackState.RECOVERED)
    if year:
        cb = cb.filter(recovered_on__year=year)
    cb_field = field if by != "year" else "recovered_on__year"
    recovered = {
        r[cb_field]: r["s"]
        for r in cb.values(cb_field).annotate(s=Sum("recovered_amount")).order_by()
    }
    keys = sorted(set(rows) | set(recovered), key=lambda k: (k is None, str(k)))
    out = []
    for key in keys:
        r = rows.get(key, {})
        out.append(
            {
                "key": key,
                "label": key if key is not None else "（未填）",
                "n": r.get("n", 0),
                "computed": r.get("computed") or Decimal(0),
                "approved": r.get("approved") or Decimal(0),
                "paid": r.get("paid") or Decimal(0),
                "recovered": recovered.get(key) or Decimal(0),
            }
        )
    return out


def fulfilment_rates(user: Any, year: int) -> list[dict]:
    """Per department: commitments with a reported figure, met, the rate, and how many
    have no figure yet (left out of the rate, and said so)."""
    out = []
    for name, short, n, none in shortfalls_by_department(user, year):
        met = n - short
        rate = (Decimal(met) / n * 100).quantize(Decimal("0.1")) if n else None
        out.append({"department": name, "n": n, "met": met, "rate": rate, "no_data": none})
    return out

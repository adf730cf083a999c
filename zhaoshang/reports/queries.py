"""Reads for the reports pages: the records behind a figure, and the dashboards. Lists
of records go through ``for_user``; a unit's dashboard reads its own unit only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from zhaoshang.assessment.models import INDICATORS, Target
from zhaoshang.org import roles
from zhaoshang.pipeline.models import (
    LEDGER_STAGES,
    FundsEntry,
    PipelineConfig,
    Problem,
    Project,
    Stage,
)

from . import rules
from .monthly import (
    FUNDS_CODES,
    SIGNING_CODES,
    figure,
    periods,
    ratio,
    signing_matches,
)

if TYPE_CHECKING:
    from zhaoshang.org.models import User
    from zhaoshang.reports.rules import Facts, UnitFacts

VIEW, VIEW_ISSUED = roles.VIEW_REPORT, roles.VIEW_ISSUED_REPORT
DIMS = {"key_industry", "section", "area", "method"}


def may_read_figures(user: User) -> bool:
    """The live report's readers and those who read issued ones only: both open a
    figure's records (scoped) and the list of issued versions."""
    return user.has_perm(VIEW) or user.has_perm(VIEW_ISSUED)


class DrillError(ValueError):
    pass


def parse_spec(params: Mapping[str, str], today: dt.date | None = None) -> dict[str, Any]:
    """The figure a drill-down link names; a clear Chinese message when it is wrong."""
    today = today or timezone.localdate()
    try:
        year = int(params.get("year") or today.year)
        month = int(params.get("month") or today.month)
    except ValueError as exc:
        raise DrillError("年份或月份不正确。") from exc
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DrillError("年份或月份不正确。")
    code = params.get("ind") or "signed_projects"
    if code not in dict((c, 1) for c, _, _ in INDICATORS):
        raise DrillError(f"没有名为“{code}”的指标。")
    period = params.get("period") or "ytd"
    if period not in periods(year, month):
        raise DrillError(f"统计期间“{period}”不正确。")
    unit: int | None = None
    if raw_unit := params.get("unit"):
        try:
            unit = int(raw_unit)
        except ValueError as exc:
            raise DrillError("单位不正确。") from exc
    dim = None
    kind = params.get("dim")
    if kind:
        if kind not in DIMS or code not in ("signed_projects", "agreed_investment"):
            raise DrillError("分类条件不正确。")
        raw_key = params.get("key", "")
        key: int | str | None = raw_key
        if kind in ("key_industry", "section"):
            try:
                key = None if raw_key in ("", "none") else int(raw_key)
            except ValueError as exc:
                raise DrillError("分类条件不正确。") from exc
        dim = (kind, key)
    return {"year": year, "month": month, "code": code, "period": period, "unit": unit, "dim": dim}


def _span(months):
    first = rules.month_bounds(*min(months))[0]
    last = rules.month_bounds(*max(months))[1]
    return first, last


def drill(user: User, spec: dict[str, Any]) -> tuple[Any, ...]:
    """("projects" | "funds", queryset of exactly the rows the figure counts, scoped to
    the user, figure value computed from the same facts)."""
    months = periods(spec["year"], spec["month"])[spec["period"]]
    first, last = _span(months)
    facts = rules.Facts(first, last)
    code, unit = spec["code"], spec["unit"]
    value = figure(facts, code, months, unit=unit, dim=spec["dim"])
    if code in SIGNING_CODES:
        ids = [
            s.project_id
            for s in facts.signings
            if signing_matches(s, months, unit, SIGNING_CODES[code], spec["dim"])
        ]
        rows = Project.objects.for_user(user).filter(pk__in=ids)
        return (
            "signed",
            rows.select_related("department", "enterprise").order_by("signed_on", "pk"),
            value,
        )
    if code == "landed_projects":
        ids = [
            x.project_id
            for x in facts.landings
            if x.ym in months and (unit is None or x.unit_id == unit)
        ]
        rows = Project.objects.for_user(user).filter(pk__in=ids)
        return (
            "landed",
            rows.select_related("department", "enterprise").order_by("registered_on", "pk"),
            value,
        )
    source, into = FUNDS_CODES[code]
    base = FundsEntry.objects.filter(received_on__range=(first, last), source=source).exclude(
        project__stage=Stage.DROPPED
    )
    convert = facts.rates.to_cny if into == "cny" else facts.rates.to_usd
    # Months and currencies without a rate are not in the figure, so not in its list.
    present = base.values_list("received_on__year", "received_on__month", "currency").distinct()
    for y, m, currency in present:
        if convert((y, m), currency, Decimal(1)) is None:
            base = base.exclude(received_on__range=rules.month_bounds(y, m), currency=currency)
    if unit is not None:
        multi = rules.multi_owner_projects()
        owners = rules.Owners(multi.filter(project__in=base.values("project_id")))
        moved = [
            pk
            for pk, pid, dept, on in base.filter(project__in=multi).values_list(
                "pk", "project_id", "project__department_id", "received_on"
            )
            if owners.unit_on(pid, on, dept) == unit
        ]
        base = base.filter(
            (Q(project__department_id=unit) & ~Q(project__in=multi)) | Q(pk__in=moved)
        )
    rows = FundsEntry.objects.for_user(user).filter(pk__in=base.values("pk"))
    return (
        "funds",
        rows.select_related("project", "project__department").order_by("received_on", "pk"),
        value,
    )


def trend(
    facts: Facts | UnitFacts, year: int, last_month: int, unit: int | None = None
) -> list[dict[str, Any]]:
    """Per month of the year: signings, agreed investment (万元), funds in place (万元)."""
    out = []
    for m in range(1, last_month + 1):
        months = {(year, m)}
        funds = figure(facts, "funds_domestic", months, unit) + figure(
            facts, "funds_foreign", months, unit
        )
        out.append(
            {
                "month": m,
                "signed": figure(facts, "signed_projects", months, unit),
                "amount": figure(facts, "agreed_investment", months, unit),
                "funds": funds,
            }
        )
    return out


def progress(
    facts: Facts | UnitFacts, year: int, month: int, unit: int | None = None
) -> list[dict[str, Any]]:
    """Each indicator year to date against the (unit's or district's) target."""
    months = periods(year, month)["ytd"]
    chosen = Target.objects.filter(year=year)
    if unit is not None:
        chosen = chosen.filter(department_id=unit)
    targets = list(chosen)
    rows = []
    for code, label, kind in INDICATORS:
        done = figure(facts, code, months, unit)
        goal = sum((Decimal(getattr(t, code)) for t in targets), Decimal(0))
        rows.append(
            {
                "code": code,
                "label": label,
                "kind": kind,
                "done": done,
                "target": goal,
                "rate": ratio(done, goal),
            }
        )
    return rows


def district_dashboard(today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    year, month = today.year, today.month
    facts = rules.UnitFacts(dt.date(year, 1, 1), rules.month_bounds(year, month)[1])
    from zhaoshang.assessment.queries import assessed_units

    ranking = []
    months = periods(year, month)["ytd"]
    goals = {t.department_id: t for t in Target.objects.filter(year=year)}
    for u in assessed_units(year):
        done = figure(facts, "agreed_investment", months, u.pk)
        target = goals.get(u.pk)
        ranking.append(
            {
                "unit_id": u.pk,
                "name": u.name,
                "signed": figure(facts, "signed_projects", months, u.pk),
                "amount": done,
                "rate": ratio(done, target.agreed_investment if target else 0),
            }
        )
    ranking.sort(
        key=lambda r: (-(r["rate"] or Decimal(-1)), -r["amount"], -r["signed"], r["unit_id"])
    )
    for n, r in enumerate(ranking, start=1):
        r["rank"] = n
    return {
        "year": year,
        "month": month,
        "progress": progress(facts, year, month),
        "trend": trend(facts, year, month),
        "ranking": ranking,
        "missing_rates": sorted(facts.rates.missing),
    }


def overdue(today: dt.date | None = None, limit: int = 20) -> dict[str, Any]:
    """Active projects whose ledger is older than the configured cycle (or never kept
    although registered longer ago), and open problems past their deadline."""
    today = today or timezone.localdate()
    config = PipelineConfig.current()
    due = today - dt.timedelta(days=config.ledger_due_days)
    start_of_due = dt.datetime.combine(due, dt.time.min, tzinfo=rules.SHANGHAI)
    ledgers = Project.objects.filter(stage__in=LEDGER_STAGES).filter(
        Q(last_ledger_on__lt=due) | Q(last_ledger_on__isnull=True, created_at__lt=start_of_due)
    )
    problems = Problem.objects.filter(status=Problem.Status.OPEN, due_on__lt=today)
    return {
        "due_days": config.ledger_due_days,
        "ledger_count": ledgers.count(),
        "ledgers": list(
            ledgers.select_related("department").order_by("last_ledger_on", "pk")[:limit]
        ),
        "problem_count": problems.count(),
        "problems": list(
            problems.select_related("project", "owner_department").order_by("due_on", "pk")[:limit]
        ),
    }


def unit_dashboard(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The user's own unit against its own targets; nothing of any other unit."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    unit = user.department_id
    facts = rules.UnitFacts(dt.date(year, 1, 1), rules.month_bounds(year, month)[1], unit=unit)
    return {
        "year": year,
        "month": month,
        "unit": user.department,
        "has_target": Target.objects.filter(year=year, department_id=unit).exists(),
        "progress": progress(facts, year, month, unit),
        "trend": trend(facts, year, month, unit),
        "missing_rates": sorted(facts.rates.missing),
    }

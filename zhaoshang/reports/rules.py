"""The counting rules of every figure the reports show, defined once.

Read with ``docs/counting-rules.md``, which states the same rules for users. Every
figure of the monthly report, the dashboards and the drill-down lists is computed from
the facts this module loads, so a page, an export and the list behind a figure cannot
disagree.

1. Month boundaries are Beijing time. Business dates (``signed_on``, ``registered_on``,
   ``received_on``) are calendar dates as entered; the one timestamp used
   (``OwnerChange.at``) is converted to Asia/Shanghai before its date is taken.
2. A project counts for the unit responsible on the date of the event: the unit of the
   latest owner change dated on or before that day; an event dated before the first
   owner change (a project registered after its signing) counts for the registering
   unit.
3. A signing counts in the month of ``signed_on`` only while the agreement stands: the
   project is signed, landed, under construction or operating, or on hold from one of
   those. A voided agreement (back to negotiating clears ``signed_on``) and a dropped
   project leave every signing figure, past months included; a re-signed project counts
   once, at its new date.
4. A landing counts in the month of ``registered_on`` while the project is landed or
   beyond (or on hold from there); dropped projects leave.
5. Funds in place count in the month of ``received_on`` for the unit responsible that
   day, except funds of dropped projects. Foreign currency converts to yuan at the
   office's rate for that month and currency; actual foreign investment (USD) is the
   foreign-source funds converted through the month's USD rate. A month and currency
   with no rate is left out of the figure and named on the page ("缺少汇率"); the report
   cannot be issued until the rate is set.
6. Major, 500-list and strategic-emerging projects are signings (rule 3) of projects that
   are major now (``major_level`` set by the agreed investment), whose investor holds a
   head-enterprise ranking now, or that are flagged strategic emerging now.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from zhaoshang.enterprises.models import Ranking
from zhaoshang.pipeline.models import (
    HEAD_RANKINGS,
    LANDED_STAGES,
    SIGNED_STAGES,
    FundsEntry,
    OwnerChange,
    Project,
    Stage,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
CNY = "CNY"
USD = "USD"
# The 500 lists (世界500强, 中国500强, 民营500强, 服务业500强) for "500强企业项目": the
# pipeline's head-enterprise rankings.
FIVE_HUNDRED = HEAD_RANKINGS
CURRENCY_NAMES = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港元", "JPY": "日元"}


def month_bounds(year, month):
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def standing(stages):
    """The agreement (or the landing) still stands: in one of ``stages`` or on hold from
    one of them (rules 3 and 4)."""
    return Q(stage__in=stages) | Q(stage=Stage.ON_HOLD, stage_before_hold__in=stages)


def local_date(moment):
    return moment.astimezone(SHANGHAI).date()


def multi_owner_projects():
    """Projects whose responsible unit ever changed; every other project belongs to its
    ``department`` throughout (its one owner row is the registration)."""
    return (
        OwnerChange.objects.values("project")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("project")
    )


class Owners:
    """Owner history of the reassigned projects: who was responsible on a date."""

    def __init__(self, project_ids_query):
        self.history = defaultdict(list)
        rows = (
            OwnerChange.objects.filter(project__in=project_ids_query)
            .order_by("project_id", "at", "id")
            .values_list("project_id", "at", "to_department_id")
        )
        for pid, at, unit in rows:
            self.history[pid].append((local_date(at), unit))

    def unit_on(self, project_id, day, default):
        rows = self.history.get(project_id)
        if not rows:
            return default
        unit = rows[0][1]  # before the first owner row: the registering unit (rule 2)
        for start, to_unit in rows:
            if start > day:
                break
            unit = to_unit
        return unit


@dataclass(frozen=True)
class Signing:
    project_id: int
    on: dt.date
    unit_id: int
    amount: Decimal
    major: bool
    head: bool
    emerging: bool
    key_industry_id: int | None
    section_id: int | None
    areas: tuple
    method: str

    @property
    def ym(self):
        return (self.on.year, self.on.month)


@dataclass(frozen=True)
class Landing:
    project_id: int
    on: dt.date
    unit_id: int

    @property
    def ym(self):
        return (self.on.year, self.on.month)


@dataclass(frozen=True)
class FundsBucket:
    """Funds of one unit, month, currency and source (amount in that currency)."""

    unit_id: int
    ym: tuple
    currency: str
    source: str
    amount: Decimal
    entries: int


def _sections():
    from zhaoshang.reference.models import Industry

    return {
        pk: (pk if level == Industry.Level.SECTION else parent)
        for pk, parent, level in Industry.objects.values_list("id", "parent_id", "level")
    }


def _region_areas():
    from zhaoshang.reference.models import Region

    areas = defaultdict(list)
    for region_id, code in Region.areas.through.objects.values_list(
        "region_id", "economicarea__code"
    ):
        areas[region_id].append(code)
    return {k: tuple(sorted(v)) for k, v in areas.items()}


class Rates:
    def __init__(self, start, end):
        from .models import ExchangeRate

        self.rates = {
            (r.year, r.month, r.currency): r.rate
            for r in ExchangeRate.objects.filter(year__gte=start.year, year__lte=end.year)
        }
        self.missing = set()

    def to_cny(self, ym, currency, amount):
        if currency == CNY:
            return amount
        rate = self.rates.get((*ym, currency))
        if rate is None:
            self.missing.add((*ym, currency))
            return None
        return amount * rate

    def to_usd(self, ym, currency, amount):
        if currency == USD:
            return amount
        cny = self.to_cny(ym, currency, amount)
        usd_rate = self.rates.get((*ym, USD))
        if cny is None or usd_rate is None:
            if usd_rate is None:
                self.missing.add((*ym, USD))
            return None
        return cny / usd_rate


class Facts:
    """Every counted event between ``start`` and ``end`` (inclusive), per the rules."""

    def __init__(self, start, end):
        self.start, self.end = start, end
        multi = multi_owner_projects()
        self.owners = Owners(multi)
        self.rates = Rates(start, end)
        sections = _sections()
        areas = _region_areas()
        head = Exists(
            Ranking.objects.filter(enterprise=OuterRef("enterprise"), kind__in=FIVE_HUNDRED)
        )
        signed = (
            Project.objects.filter(standing(SIGNED_STAGES), signed_on__range=(start, end))
            .annotate(head=head)
            .values_list(
                "id",
                "signed_on",
                "department_id",
                "agreed_investment",
                "major_level",
                "head",
                "strategic_emerging",
                "key_industry_id",
                "industry_id",
                "origin_region_id",
                "method",
            )
        )
        self.signings = [
            Signing(
                project_id=pid,
                on=on,
                unit_id=self.owners.unit_on(pid, on, unit),
                amount=amount or Decimal(0),
                major=bool(level),
                head=is_head,
                emerging=emerging,
                key_industry_id=key,
                section_id=sections.get(industry),
                areas=areas.get(region, ()),
                method=method,
            )
            for pid, on, unit, amount, level, is_head, emerging, key, industry, region, method in signed
        ]
        landed = Project.objects.filter(
            standing(LANDED_STAGES), registered_on__range=(start, end)
        ).values_list("id", "registered_on", "department_id")
        self.landings = [
            Landing(pid, on, self.owners.unit_on(pid, on, unit)) for pid, on, unit in landed
        ]
        self.funds = self._funds(multi)

    def _funds(self, multi):
        base = FundsEntry.objects.filter(received_on__range=(self.start, self.end)).exclude(
            project__stage=Stage.DROPPED
        )
        totals = defaultdict(lambda: [Decimal(0), 0])
        single = (
            base.exclude(project__in=multi)
            .annotate(y=ExtractYear("received_on"), m=ExtractMonth("received_on"))
            .values_list("project__department_id", "y", "m", "currency", "source")
            .annotate(total=Sum("amount"), n=Count("id"))
            .order_by()
        )
        for unit, y, m, currency, source, total, n in single:
            bucket = totals[(unit, (y, m), currency, source)]
            bucket[0] += Decimal(total).quantize(CENT)
            bucket[1] += n
        moved = (
            base.filter(project__in=multi)
            .values_list(
                "project_id", "project__department_id", "received_on", "currency", "source"
            )
            .annotate(total=Sum("amount"), n=Count("id"))
            .order_by()
        )
        for pid, unit, on, currency, source, total, n in moved:
            unit = self.owners.unit_on(pid, on, unit)
            bucket = totals[(unit, (on.year, on.month), currency, source)]
            bucket[0] += Decimal(total).quantize(CENT)
            bucket[1] += n
        return [
            FundsBucket(unit, ym, currency, source, amount, n)
            for (unit, ym, currency, source), (amount, n) in totals.items()
        ]

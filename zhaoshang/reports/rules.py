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

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncDate

from zhaoshang.enterprises.models import Ranking
from zhaoshang.pipeline.models import (
    HEAD_RANKINGS,
    LANDED_STAGES,
    SIGNED_STAGES,
    FundsEntry,
    OwnerChange,
    Problem,
    ProblemStep,
    Project,
    Stage,
    StageChange,
)
from zhaoshang.pipeline.projects.owners import Owners, multi_owner_projects

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


def whole_months(start, end):
    """Facts cover whole months: funds are read from month sums."""
    if start.day != 1 or end != month_bounds(end.year, end.month)[1]:
        raise ValueError(f"facts cover whole months, not {start}–{end}")


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def standing(stages):
    """The agreement (or the landing) still stands: in one of ``stages`` or on hold from
    one of them (rules 3 and 4)."""
    return Q(stage__in=stages) | Q(stage=Stage.ON_HOLD, stage_before_hold__in=stages)


def head_enterprise():
    """The project's investor holds a 500-list ranking now (rule 6)."""
    return Exists(Ranking.objects.filter(enterprise=OuterRef("enterprise"), kind__in=FIVE_HUNDRED))


def local_date(moment):
    return moment.astimezone(SHANGHAI).date()


def unit_on(date_field):
    """The unit responsible on the project's ``date_field`` (rule 2) as an expression:
    the latest owner change dated, in Beijing time, on or before that day; before the
    first one, the registering unit (the first change's); with none, ``department``."""
    changes = OwnerChange.objects.filter(project=OuterRef("pk")).annotate(
        day=TruncDate("at", tzinfo=SHANGHAI)
    )
    latest = changes.filter(day__lte=OuterRef(date_field)).order_by("-at", "-id")
    first = changes.order_by("at", "id")
    return Coalesce(
        Subquery(latest.values("to_department_id")[:1]),
        Subquery(first.values("to_department_id")[:1]),
        F("department_id"),
        output_field=IntegerField(),
    )


def stage_on(day):
    """The project's stage at the end of ``day`` as an expression: the latest change of
    its stage history dated (business date) on or before that day; NULL when it has none
    yet (registered later). A month's report reads the state as at the month's end."""
    return Subquery(
        StageChange.objects.filter(project=OuterRef("pk"), occurred_on__lte=day)
        .order_by("-occurred_on", "-id")
        .values("to_stage")[:1]
    )


def stages_on(project_ids, day):
    """{project id: its stage at the end of ``day``} for a few projects (one read of
    their histories); projects not registered by then are absent."""
    out = {}
    for pid, stage in (
        StageChange.objects.filter(project_id__in=project_ids, occurred_on__lte=day)
        .order_by("project_id", "occurred_on", "id")
        .values_list("project_id", "to_stage")
    ):
        out[pid] = stage
    return out


def problems_open_on(project_ids, day):
    """{project id: [titles]} of the problems open at the end of ``day``: raised on or
    before it (Beijing date) and not resolved or closed by then. A problem's history
    (resolve, close, reopen steps) says which; one without such steps counts as closed
    from its ``resolved_on``."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    raised = list(
        Problem.objects.filter(project_id__in=project_ids, created_at__lt=end)
        .order_by("project_id", "created_at", "id")
        .values_list("id", "project_id", "title", "status", "resolved_on")
    )
    K = ProblemStep.Kind
    last_step, has_steps = {}, set()
    for problem_id, kind, at in (
        ProblemStep.objects.filter(
            problem_id__in=[r[0] for r in raised], kind__in=[K.RESOLVE, K.CLOSE, K.REOPEN]
        )
        .order_by("problem_id", "at", "id")
        .values_list("problem_id", "kind", "at")
    ):
        has_steps.add(problem_id)
        if at < end:
            last_step[problem_id] = kind
    out = defaultdict(list)
    for problem_id, pid, title, status, resolved_on in raised:
        if problem_id in has_steps:
            shut = last_step.get(problem_id) in (K.RESOLVE, K.CLOSE)
        else:
            shut = status != Problem.Status.OPEN and (resolved_on is None or resolved_on <= day)
        if not shut:
            out[pid].append(title)
    return out


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

    unit = None  # of every unit (``UnitFacts`` may be of one)

    def __init__(self, start, end):
        whole_months(start, end)
        self.start, self.end = start, end
        self.rates = Rates(start, end)
        sections = _sections()
        areas = _region_areas()
        head = head_enterprise()
        signed = Project.objects.filter(standing(SIGNED_STAGES), signed_on__range=(start, end))
        landed = Project.objects.filter(standing(LANDED_STAGES), registered_on__range=(start, end))
        # The owner history of the reassigned projects among those counted, no others.
        self.owners = Owners(
            multi_owner_projects().filter(
                Q(project__in=signed.values("pk")) | Q(project__in=landed.values("pk"))
            )
        )
        signed = signed.annotate(head=head).values_list(
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
        self.landings = [
            Landing(pid, on, self.owners.unit_on(pid, on, unit))
            for pid, on, unit in landed.values_list("id", "registered_on", "department_id")
        ]
        self.funds = self._funds()

    def _funds(self):
        """The month sums of ``FundsMonth`` (kept by rule 5 on every write), not the
        entries: a report reads a few thousand rows, not a city's million."""
        from .models import FundsMonth

        (sy, sm), (ey, em) = (self.start.year, self.start.month), (self.end.year, self.end.month)
        rows = FundsMonth.objects.filter(
            Q(year__gt=sy) | Q(year=sy, month__gte=sm), Q(year__lt=ey) | Q(year=ey, month__lte=em)
        )
        if self.unit is not None:
            rows = rows.filter(unit_id=self.unit)
        rows = rows.values_list(
            "unit_id", "year", "month", "currency", "source", "cents", "entries"
        )
        return [
            FundsBucket(unit, (y, m), currency, source, Decimal(cents).scaleb(-2), n)
            for unit, y, m, currency, source, cents, n in rows
        ]


class UnitFacts:
    """The same counted events as ``Facts``, summed per unit and month only: what the
    dashboards show (no lists of projects), all summed in the database. The unit of a
    project that never changed hands is its ``department``; only for the reassigned ones
    does the database look up the unit responsible on the day (rule 2).

    With ``unit``, the sums of that unit only (a unit's dashboard)."""

    def __init__(self, start, end, *, breakdowns_since=None, unit=None):
        whole_months(start, end)
        self.start, self.end, self.unit = start, end, unit
        self.rates = Rates(start, end)
        multi = multi_owner_projects()
        signed = Project.objects.filter(standing(SIGNED_STAGES), signed_on__range=(start, end))
        landed = Project.objects.filter(standing(LANDED_STAGES), registered_on__range=(start, end))
        self.dims = self._breakdowns(signed, breakdowns_since) if breakdowns_since else {}

        def per_unit_month(projects, date_field, **sums):
            """Rows of (unit, year, month, count, *sums). The unit of a project that
            never changed hands is its ``department``; only for the reassigned ones does
            the database look up the unit responsible on the day (rule 2)."""

            def grouped(qs, unit_of):
                return (
                    qs.annotate(unit=unit_of, y=ExtractYear(date_field), m=ExtractMonth(date_field))
                    .values_list("unit", "y", "m")
                    .annotate(n=Count("id"), **sums)
                    .order_by()
                )

            if unit is None:
                # unit_on alone would give the same unit; the CASE spares the projects
                # that never changed hands its two subqueries.
                return grouped(
                    projects,
                    Case(
                        When(pk__in=multi, then=unit_on(date_field)),
                        default=F("department_id"),
                        output_field=IntegerField(),
                    ),
                )
            # One unit: only its own projects and the reassigned ones can count for it,
            # read apart. Its own that never changed hands are an index range of its
            # department; read as one with "department = unit OR reassigned", PostgreSQL
            # tested every project of the period instead (18,700 of 100,000 for a year's
            # signings, bench/profile_pages.py).
            own = grouped(
                projects.filter(department_id=unit).exclude(pk__in=multi), F("department_id")
            )
            moved = grouped(projects.filter(pk__in=multi), unit_on(date_field)).filter(unit=unit)
            return [*own, *moved]

        # (unit, (year, month)) -> [signings, amount, major, head, emerging]; a unit's
        # month can come in two rows (its own projects, the reassigned ones): added up.
        self.signed = defaultdict(lambda: [0, Decimal(0), 0, 0, 0])
        rows = per_unit_month(
            signed,
            "signed_on",
            amount=Sum("agreed_investment"),
            major=Count("id", filter=~Q(major_level="")),
            head=Count("id", filter=Q(head_enterprise())),
            emerging=Count("id", filter=Q(strategic_emerging=True)),
        )
        for u, y, m, n, amount, major, is_head, emerging in rows:
            row = self.signed[(u, (y, m))]
            row[0] += n
            row[1] += amount or Decimal(0)
            row[2] += major
            row[3] += is_head
            row[4] += emerging
        self.landed = defaultdict(int)
        for u, y, m, n in per_unit_month(landed, "registered_on"):
            self.landed[(u, (y, m))] += n
        self.funds = Facts._funds(self)

    @staticmethod
    def _breakdowns(signed, since):
        """Signings and agreed investment per breakdown key and month from ``since``:
        key industry, national industry section, source area, method. A breakdown does
        not depend on the unit, so no owner history is needed."""
        dims = defaultdict(lambda: [0, Decimal(0)])
        signed = signed.filter(signed_on__gte=since).annotate(
            y=ExtractYear("signed_on"), m=ExtractMonth("signed_on")
        )
        sections, areas = _sections(), _region_areas()
        keys = {
            "key_industry_id": lambda key: [("key_industry", key)],
            "industry_id": lambda key: [("section", sections.get(key))],
            "origin_region_id": lambda key: [("area", a) for a in areas.get(key) or ("other",)],
            "method": lambda key: [("method", key)],
        }
        for field, dims_of in keys.items():
            rows = (
                signed.values_list(field, "y", "m")
                .annotate(n=Count("id"), amount=Sum("agreed_investment"))
                .order_by()
            )
            for key, y, m, n, amount in rows:
                for dim in dims_of(key):
                    row = dims[(dim, (y, m))]
                    row[0] += n
                    row[1] += amount or Decimal(0)
        return dims


def counted_funds(project_ids=None):
    """Funds in place by counting rule 5, summed per (unit, year, month, currency,
    source) as [amount, entries]: of every project, or of ``project_ids`` only.

    Whole months: the unit responsible on the day received; dropped projects leave.
    Projects that never changed hands belong to their ``department`` and are summed in
    the database; the few reassigned ones are attributed entry by entry."""
    base = FundsEntry.objects.exclude(project__stage=Stage.DROPPED)
    multi = multi_owner_projects()
    if project_ids is not None:
        base = base.filter(project_id__in=project_ids)
        multi = multi.filter(project__in=project_ids)
    owners = Owners(multi)
    totals = defaultdict(lambda: [Decimal(0), 0])
    single = (
        base.exclude(project__in=multi)
        .annotate(y=ExtractYear("received_on"), m=ExtractMonth("received_on"))
        .values_list("project__department_id", "y", "m", "currency", "source")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )
    for unit, y, m, currency, source, total, n in single:
        bucket = totals[(unit, y, m, currency, source)]
        bucket[0] += Decimal(total).quantize(CENT)
        bucket[1] += n
    moved = (
        base.filter(project__in=multi)
        .values_list("project_id", "project__department_id", "received_on", "currency", "source")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )
    for pid, unit, on, currency, source, total, n in moved:
        bucket = totals[(owners.unit_on(pid, on, unit), on.year, on.month, currency, source)]
        bucket[0] += Decimal(total).quantize(CENT)
        bucket[1] += n
    return totals

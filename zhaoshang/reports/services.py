"""Writes of the reports app: the office's monthly exchange rates, issuing a month's
report as a frozen snapshot (a new version each time, with what changed), and keeping
the monthly funds sums (``FundsMonth``) right."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.records import StaleEditError, record_create, record_update
from zhaoshang.pipeline.models import Project

from . import rules
from .models import ExchangeRate, FundsMonth, IssuedReport
from .monthly import monthly_report

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import User


@transaction.atomic
def exchange_rate_set(
    *, actor: User, year: int, month: int, currency: str, rate: Decimal
) -> ExchangeRate:
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": "币种应为三位字母代码，如 USD、EUR、HKD。"})
    if currency == "CNY":
        raise ValidationError({"currency": "人民币无需设置汇率。"})
    if not 1 <= int(month) <= 12:
        raise ValidationError({"month": "月份应为 1 至 12。"})
    try:
        rate = Decimal(str(rate))
    except InvalidOperation as exc:
        raise ValidationError({"rate": f"汇率“{rate}”不是数字。"}) from exc
    if rate <= 0:
        raise ValidationError({"rate": "汇率应大于 0。"})
    existing = ExchangeRate.objects.filter(year=year, month=month, currency=currency).first()
    if existing is None:
        return record_create(
            ExchangeRate,
            actor=actor,
            data={
                "year": year,
                "month": month,
                "currency": currency,
                "rate": rate,
                "updated_by": actor,
            },
        )
    if existing.rate == rate:
        return existing
    return record_update(existing, actor=actor, data={"rate": rate, "updated_by": actor})


def to_json(report: dict[str, Any]) -> dict[str, Any]:
    """The snapshot: plain JSON (amounts as decimal strings, dates ISO)."""
    return json.loads(json.dumps(report, cls=DjangoJSONEncoder))


def flat_figures(data: dict[str, Any]) -> dict[str, str]:
    """{figure label: value} over the report's numbered tables, for re-issue diffs."""
    out = {}
    for i in data["indicators"]:
        for period, word in (("month", "本月"), ("ytd", "本年累计")):
            out[f"主要指标·{i['label']}·{word}"] = i[period]
    for u in data["units"]:
        for code, cell in u["cells"].items():
            label = next(i["label"] for i in data["indicators"] if i["code"] == code)
            out[f"分单位·{u['name']}·{label}"] = cell["done"]
        out[f"分单位·{u['name']}·排名"] = u["rank"]
    titles = {
        "key_industry": "分重点产业",
        "section": "分行业",
        "area": "分来源地",
        "method": "分招商方式",
    }
    for dim, rows in data["breakdowns"].items():
        for r in rows:
            out[f"{titles[dim]}·{r['label']}·本年累计签约"] = r["ytd"]
            out[f"{titles[dim]}·{r['label']}·协议投资额"] = r["amount"]
    out["本月签约项目"] = "、".join(p["name"] for p in data["signed_this_month"])
    out["本月落地项目"] = "、".join(p["name"] for p in data["landed_this_month"])
    out["约谈单位"] = "、".join(c["name"] for c in data["call_in"])
    return {k: str(v) for k, v in out.items()}


def diff_figures(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    old, new = flat_figures(before), flat_figures(after)
    return [
        {"figure": key, "before": old.get(key, "—"), "after": new.get(key, "—")}
        for key in sorted(set(old) | set(new))
        if old.get(key, "—") != new.get(key, "—")
    ]


def report_issue(
    *, actor: User, year: int, month: int, note: str = "", today: dt.date | None = None
) -> IssuedReport:
    """Freeze the month's figures as the next version. Refused while a rate is missing
    (a figure would silently leave money out) and for a month not yet begun."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError(f"{year}年{month}月尚未开始，不能发布该月月报。")
    data = to_json(monthly_report(year, month, today=today))
    if data["missing_rates"]:
        raise ValidationError(
            f"以下月份的汇率尚未设置，不能发布：{'、'.join(data['missing_rates'])}。请先在“月度汇率”中设置。"
        )
    try:
        with transaction.atomic():
            previous = (
                IssuedReport.objects.filter(year=year, month=month).order_by("-version").first()
            )
            version = (
                IssuedReport.objects.filter(year=year, month=month).aggregate(v=Max("version"))["v"]
                or 0
            ) + 1
            changes = diff_figures(previous.data, data) if previous else []
            issued = IssuedReport.objects.create(
                year=year,
                month=month,
                version=version,
                data=data,
                changes=changes,
                note=note,
                issued_by=actor,
            )
            audit_record(
                AuditEvent.Action.CREATE,
                actor=actor,
                obj=issued,
                detail=f"发布{issued}" + (f"，较上一版变化 {len(changes)} 项" if previous else ""),
            )
    except IntegrityError as exc:
        # Two people issued the same month at once: the unique version lets one win.
        raise ValidationError("该月月报刚刚已由他人发布，请刷新页面后查看。") from exc
    return issued


# --- Monthly funds sums --------------------------------------------------------------------
def _cents(amount):
    return int(amount * 100)


@contextmanager
def funds_recount(project_ids: Iterable[int]) -> Iterator[None]:
    """Wrap a write that can move the counted funds of ``project_ids`` (an entry added or
    deleted, a project dropped, a change of responsible unit): their sums by counting
    rule 5 before and after the write, and the difference added to ``FundsMonth`` in the
    same transaction. Nothing is applied when the write raises."""
    ids = list(project_ids)
    # Writers of one project's funds queue on its row, so each reads "before" after the
    # last one committed (a drop and an entry added at once must not both count).
    list(Project.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    before = rules.counted_funds(ids)
    yield
    after = rules.counted_funds(ids)
    delta = []
    for key in before.keys() | after.keys():
        (a0, n0), (a1, n1) = before.get(key, (0, 0)), after.get(key, (0, 0))
        if (a0, n0) != (a1, n1):
            delta.append((*key, _cents(a1) - _cents(a0), n1 - n0))
    _funds_month_add(delta)


def _funds_month_add(delta):
    """Add (unit, year, month, currency, source, cents, entries) rows to the sums: one
    upsert per key, so two writers adding to one month both count, then the emptied
    months go."""
    if not delta:
        return
    table = connection.ops.quote_name(FundsMonth._meta.db_table)
    with connection.cursor() as cur:
        upsert = (
            f"INSERT INTO {table} (unit_id, year, month, currency, source, cents, entries) "  # noqa: S608 - our table name
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (unit_id, year, month, currency, source) DO UPDATE SET "
            f"cents = {table}.cents + excluded.cents, entries = {table}.entries + excluded.entries"
        )
        cur.executemany(upsert, delta)
    FundsMonth.objects.filter(entries=0).filter(
        unit_id__in={d[0] for d in delta}, year__in={d[1] for d in delta}
    ).delete()


def funds_month_rows() -> dict[tuple[Any, ...], tuple[int, int]]:
    """The sums as counting rule 5 gives them now, from the entries."""
    return {key: (_cents(amount), n) for key, (amount, n) in rules.counted_funds().items() if n}


@transaction.atomic
def funds_month_rebuild() -> int:
    """Recompute every sum from the entries (after a bulk load that wrote rows directly,
    or to repair). Locks the table so a write that lands meanwhile waits and then adds
    its difference to the rebuilt sums. Returns the number of rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {FundsMonth._meta.db_table} IN EXCLUSIVE MODE")
    FundsMonth.objects.all().delete()
    rows = [
        FundsMonth(
            unit_id=unit, year=y, month=m, currency=currency, source=source, cents=c, entries=n
        )
        for (unit, y, m, currency, source), (c, n) in funds_month_rows().items()
    ]
    FundsMonth.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def funds_month_drift() -> list[tuple[Any, Any, Any]]:
    """Keys whose stored sum differs from the entries: [(key, stored, recomputed)]."""
    stored = {
        (r[0], r[1], r[2], r[3], r[4]): (r[5], r[6])
        for r in FundsMonth.objects.values_list(
            "unit_id", "year", "month", "currency", "source", "cents", "entries"
        )
    }
    fresh = funds_month_rows()
    return [
        (key, stored.get(key), fresh.get(key))
        for key in sorted(stored.keys() | fresh.keys())
        if stored.get(key) != fresh.get(key)
    ]


# --- Work bulletins (招商工作简报) -----------------------------------------------------------
def _bulletin_frozen(bulletin):
    return ValidationError(f"“{bulletin.title}”已于发布时冻结，不能再修改或重新生成。")


def bulletin_generate(
    *, actor: Any, kind: str, year: Any, period: Any, today: date | None = None
) -> Any:
    """A draft bulletin for the period, generated from the records. Refused for a period
    not yet begun, and when the period already has one (refresh that one instead)."""
    from django.utils import timezone

    from . import bulletins
    from .models import Bulletin

    today = today or timezone.localdate()
    if kind not in Bulletin.Kind.values:
        raise ValidationError({"kind": "请选择月度或季度。"})
    try:
        start, _end = bulletins.period_bounds(kind, int(year), int(period))
    except (TypeError, ValueError) as exc:
        raise ValidationError({"period": str(exc) if str(exc) else "期间不正确。"}) from exc
    if start > today:
        raise ValidationError({"period": "该期间尚未开始，不能生成简报。"})
    existing = Bulletin.objects.filter(kind=kind, year=year, period=period).first()
    if existing is not None:
        raise ValidationError(
            f"{existing.period_label}的简报已存在（{existing.get_status_display()}），请打开该简报。"
        )
    data = to_json(bulletins.bulletin_data(kind, int(year), int(period)))
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                kind=kind,
                year=year,
                period=period,
                title=f"{data['district']}招商工作简报（{data['label']}）",
                lead=bulletins.default_lead(data),
                data=data,
                created_by=actor,
            )
            audit_record(
                AuditEvent.Action.CREATE, actor=actor, obj=bulletin, detail=f"生成{bulletin}"
            )
    except IntegrityError as exc:
        raise ValidationError("该期简报刚刚已由他人生成，请刷新页面。") from exc
    return bulletin


@transaction.atomic
def bulletin_refresh(*, actor: Any, bulletin: Any, version: int) -> Any:
    """Regenerate a draft's figures from the records as they are now (the lead stays)."""
    from . import bulletins
    from .models import Bulletin

    data = to_json(bulletins.bulletin_data(bulletin.kind, bulletin.year, bulletin.period))
    rows = Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.DRAFT, version=version)
    if not rows.update(data=data, version=F("version") + 1):
        _refuse_bulletin_write(bulletin)
    bulletin.refresh_from_db()
    audit_record(AuditEvent.Action.UPDATE, actor=actor, obj=bulletin, detail="按最新数据重新生成")
    return bulletin


def _refuse_bulletin_write(bulletin):
    from .models import Bulletin

    current = Bulletin.objects.filter(pk=bulletin.pk).values_list("status", flat=True).first()
    if current == Bulletin.Status.ISSUED:
        raise _bulletin_frozen(bulletin)
    raise StaleEditError()


@transaction.atomic
def bulletin_lead_update(*, actor: Any, bulletin: Any, lead: Any, version: int) -> Any:
    from .models import Bulletin

    lead = (lead or "").strip()
    if not lead:
        raise ValidationError({"lead": "导语不能为空。"})
    if len(lead) > 2000:
        raise ValidationError({"lead": f"导语过长（{len(lead)}字），请控制在2000字以内。"})
    before = bulletin.lead
    rows = Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.DRAFT, version=version)
    if not rows.update(lead=lead, version=F("version") + 1):
        _refuse_bulletin_write(bulletin)
    bulletin.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE, actor=actor, obj=bulletin, changes={"lead": [before, lead]}
    )
    return bulletin


@transaction.atomic
def bulletin_issue(*, actor: Any, bulletin: Any, version: int) -> Any:
    """Freeze and number the bulletin (期号: the year's next), as one conditional update
    on the draft the user saw."""
    from django.utils import timezone

    from .models import Bulletin

    number = (Bulletin.objects.filter(year=bulletin.year).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            rows = Bulletin.objects.filter(
                pk=bulletin.pk, status=Bulletin.Status.DRAFT, version=version
            )
            done = rows.update(
                status=Bulletin.Status.ISSUED,
                number=number,
                issued_by=actor,
                issued_at=timezone.now(),
                version=F("version") + 1,
            )
    except IntegrityError as exc:  # another bulletin took the number meanwhile
        raise ValidationError("期号冲突：刚刚有其他简报发布，请重试。") from exc
    if not done:
        _refuse_bulletin_write(bulletin)
    bulletin.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=bulletin,
        changes={"status": ["草稿", "已发布"]},
        detail=f"发布{bulletin}（第{number}期）",
    )
    return bulletin

"""Writes of the reports app: the office's monthly exchange rates, and issuing a month's
report as a frozen snapshot (a new version each time, with what changed)."""

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.records import record_create, record_update

from .models import ExchangeRate, IssuedReport
from .monthly import monthly_report


@transaction.atomic
def exchange_rate_set(*, actor, year, month, currency, rate):
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


def to_json(report):
    """The snapshot: plain JSON (amounts as decimal strings, dates ISO)."""
    return json.loads(json.dumps(report, cls=DjangoJSONEncoder))


def flat_figures(data):
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


def diff_figures(before, after):
    old, new = flat_figures(before), flat_figures(after)
    return [
        {"figure": key, "before": old.get(key, "—"), "after": new.get(key, "—")}
        for key in sorted(set(old) | set(new))
        if old.get(key, "—") != new.get(key, "—")
    ]


def report_issue(*, actor, year, month, note="", today=None):
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

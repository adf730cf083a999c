"""Every write to targets: one audited upsert per unit and year."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import queue
from zhaoshang.common.records import record_create, record_update
from zhaoshang.org.models import Department
from zhaoshang.reference.calendar import add_working_days

from . import engine, registry, scoring
from .models import INDICATORS, Objection, Result, Scheme, Target

if TYPE_CHECKING:
    from zhaoshang.org.models import User

logger = logging.getLogger(__name__)
FIELDS = [code for code, _, _ in INDICATORS]


@transaction.atomic
def target_save(
    *, actor: User, year: int, department: Department, data: dict[str, Any], detail: str = ""
) -> tuple[Target, str]:
    """Set a unit's targets for a year (creating the row the first time). Values equal to
    what is stored change nothing and leave no audit line, so re-importing is a no-op.
    Returns (target, action) with action create / update / unchanged."""
    if year < 2000 or year > 2100:
        raise ValidationError({"year": f"年度“{year}”不正确。"})
    for code in FIELDS:
        value = data.get(code)
        if value is not None and Decimal(value) < 0:
            raise ValidationError({code: "目标不能为负数。"})
    values = {k: v for k, v in data.items() if k in FIELDS and v is not None}
    target = Target.objects.select_for_update().filter(year=year, department=department).first()
    if target is None:
        target = record_create(
            Target,
            actor=actor,
            data={"year": year, "department": department, **values},
            detail=detail,
        )
        return target, "create"
    changed = {k: v for k, v in values.items() if Decimal(getattr(target, k)) != Decimal(v)}
    if not changed:
        return target, "unchanged"
    return record_update(target, actor=actor, data=changed, detail=detail), "update"


# --- Schemes ---------------------------------------------------------------------------------
SCHEME_KEYS = ("code", "weight", "method", "target", "target_value", "cap", "step", "per_case")


def default_items() -> list[dict[str, Any]]:
    """A first scheme for a year with none: every registered indicator the Hexi text names,
    weighted to 100 points (the office edits it)."""
    weights = {
        "signed_projects": ("15", scoring.RATE, "target"),
        "agreed_investment": ("15", scoring.RATE, "target"),
        "funds_domestic": ("15", scoring.RATE, "target"),
        "major_projects": ("10", scoring.RATE, "target"),
        "head_enterprise_projects": ("5", scoring.RATE, "target"),
        "emerging_projects": ("5", scoring.RATE, "target"),
        "industry_fit": ("10", scoring.RANK, "none"),
        "new_drivers": ("5", scoring.RANK, "none"),
        "tickets_on_time": ("5", scoring.RATE, "fixed"),
        "complaints_on_time": ("5", scoring.RATE, "fixed"),
        "events_quota": ("5", scoring.RATE, "fixed"),
        "supervision_on_time": ("5", scoring.RATE, "fixed"),
    }
    items: list[dict[str, Any]] = []
    for code, (weight, method, target) in weights.items():
        if registry.get(code) is None:
            continue
        items.append(
            {
                "code": code,
                "weight": weight,
                "method": method,
                "target": target,
                "target_value": "100" if target == "fixed" else "0",
                "cap": "1.2" if method == scoring.RATE else "1",
                "step": "1" if method == scoring.RANK else "0",
                "per_case": "0",
                "groups": [],
            }
        )
    return items


def _clean_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every item; a clear Chinese message naming the indicator and the field."""
    out, seen = [], set()
    for item in items:
        code = item.get("code", "")
        ind = registry.get(code)
        if ind is None:
            raise ValidationError(f"没有名为“{code}”的考核指标。")
        if code in seen:
            raise ValidationError(f"指标“{ind.label}”重复。")
        seen.add(code)
        if item.get("method") not in scoring.METHODS:
            raise ValidationError(f"指标“{ind.label}”的计分方法不正确。")
        if item.get("target", "none") not in scoring.TARGET_RULES:
            raise ValidationError(f"指标“{ind.label}”的目标设定方式不正确。")
        if item.get("target") == "target" and not ind.target_field:
            raise ValidationError(
                f"指标“{ind.label}”没有下达的目标任务，请选择统一目标值或不设目标。"
            )
        clean: dict[str, Any] = {"code": code}
        for key, label in (
            ("weight", "权重"),
            ("target_value", "目标值"),
            ("cap", "封顶系数"),
            ("step", "名次间隔分"),
            ("per_case", "每件分值"),
        ):
            raw = str(item.get(key) or "0").strip()
            try:
                value = Decimal(raw)
            except InvalidOperation:
                raise ValidationError(f"指标“{ind.label}”的{label}“{raw}”不是数字。") from None
            if value < 0 or value > 10000:
                raise ValidationError(f"指标“{ind.label}”的{label}应在0到10000之间。")
            clean[key] = str(value)
        if item["method"] == scoring.RATE and Decimal(clean["cap"]) < 1:
            raise ValidationError(f"指标“{ind.label}”的封顶系数不能小于1。")
        clean["method"] = item["method"]
        clean["target"] = item.get("target", "none")
        groups = [g for g in item.get("groups") or [] if g]
        if any(g not in dict(Department.Kind.choices) for g in groups):
            raise ValidationError(f"指标“{ind.label}”的适用单位类型不正确。")
        clean["groups"] = groups
        out.append(clean)
    if not out:
        raise ValidationError("考核办法至少应有一项指标。")
    return out


@transaction.atomic
def scheme_save(
    *,
    actor: User | None,
    year: int,
    items: list[dict[str, Any]],
    call_in: list[dict[str, Any]] | None = None,
    call_in_last: bool = False,
    title: str = "",
    note: str = "",
) -> Scheme:
    """Save the year's scheme as its next version (an unchanged scheme stays as it is)."""
    if year < 2000 or year > 2100:
        raise ValidationError(f"年度“{year}”不正确。")
    clean = _clean_items(items)
    rules = []
    for rule in call_in or []:
        ind = registry.get(rule.get("code", ""))
        if ind is None:
            raise ValidationError(f"约谈规则中没有名为“{rule.get('code')}”的指标。")
        try:
            below = Decimal(str(rule.get("below")).strip())
        except InvalidOperation:
            raise ValidationError(f"约谈规则“{ind.label}”的临界值不是数字。") from None
        rules.append({"code": ind.code, "below": str(below)})
    latest = Scheme.objects.select_for_update().filter(year=year).order_by("-version").first()
    title = title.strip() or f"{year}年度招商引资工作考核办法"
    if (
        latest is not None
        and latest.items == clean
        and latest.call_in == rules
        and latest.call_in_last == call_in_last
        and latest.title == title
    ):
        return latest
    scheme = Scheme.objects.create(
        year=year,
        version=(latest.version + 1) if latest else 1,
        title=title,
        items=clean,
        call_in=rules,
        call_in_last=call_in_last,
        note=note.strip()[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=scheme,
        detail=f"保存{year}年考核办法第{scheme.version}版" + (f"：{note}" if note else ""),
    )
    return scheme


# --- Results ---------------------------------------------------------------------------------
def _check_period(kind: str, period: int) -> int:
    if kind == Result.Kind.YEAR:
        return 0
    top = 12 if kind == Result.Kind.MONTH else 4
    if kind not in Result.Kind.values or not 1 <= period <= top:
        raise ValidationError("考核期间不正确。")
    return period


@transaction.atomic
def result_request(
    *, actor: User | None, year: int, kind: str, period: int = 0, reason: str = ""
) -> Result:
    """Queue a computation of the year's latest scheme for the period (the worker runs
    it). Once a result of the period is issued, a new one is its next version and needs
    the reason for the change."""
    period = _check_period(kind, period)
    scheme = Scheme.objects.filter(year=year).order_by("-version").first()
    if scheme is None:
        raise ValidationError(f"{year}年尚未制定考核办法，请先编辑考核办法。")
    issued = (
        Result.objects.filter(year=year, kind=kind, period=period, status=Result.Status.ISSUED)
        .order_by("-version")
        .first()
    )
    if issued is not None and not reason.strip():
        raise ValidationError("该期考核结果已发布，重新计算须填写修订原因。")
    result = Result.objects.create(
        year=year,
        kind=kind,
        period=period,
        scheme=scheme,
        version=(issued.version + 1) if issued else 1,
        previous=issued,
        reason=reason.strip()[:200],
        lead=issued.lead if issued else "",
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=result,
        detail=f"计算{result.period_label}考核结果",
    )
    from . import tasks

    queue.send_after_commit(tasks.compute_result, result.pk)
    return result


def result_run(result_id: int) -> Result:
    """The worker's part: compute, report progress as it goes, store the data."""
    if not Result.objects.filter(pk=result_id, status=Result.Status.QUEUED).update(
        status=Result.Status.RUNNING, progress=1
    ):
        return Result.objects.get(pk=result_id)
    result = Result.objects.select_related("scheme").get(pk=result_id)

    def progress(pct: int) -> None:
        Result.objects.filter(pk=result_id).update(progress=pct)

    try:
        data = engine.compute(result.scheme, result.kind, result.period, progress)
    except Exception as exc:  # the page shows why; the worker log has the trace
        logger.exception("考核结果 %s 计算失败", result_id)
        Result.objects.filter(pk=result_id).update(status=Result.Status.FAILED, error=str(exc))
        result.refresh_from_db()
        return result
    changes = _changes(result.previous.data, data) if result.previous else []
    Result.objects.filter(pk=result_id, status=Result.Status.RUNNING).update(
        status=Result.Status.READY,
        progress=100,
        data=data,
        changes=changes,
        computed_at=timezone.now(),
    )
    result.refresh_from_db()
    return result


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit's figure, score, total or place that differs between two versions."""
    out = []
    for pk, sheet in after.get("units", {}).items():
        old = before.get("units", {}).get(pk, {})
        for key, label in (("total", "总分"), ("place", "组内名次")):
            if old.get(key) != sheet.get(key):
                out.append(
                    {
                        "unit": sheet["name"],
                        "what": label,
                        "before": old.get(key),
                        "after": sheet.get(key),
                    }
                )
        for code, cell in sheet["cells"].items():
            was = old.get("cells", {}).get(code, {})
            for key, label in (("figure", "完成数"), ("score", "得分")):
                if was.get(key) != cell.get(key):
                    ind = registry.get(code)
                    out.append(
                        {
                            "unit": sheet["name"],
                            "what": f"{ind.label if ind else code}{label}",
                            "before": was.get(key),
                            "after": cell.get(key),
                        }
                    )
    return out


OBJECTION_DAYS = 5


@transaction.atomic
def result_issue(
    *, actor: User | None, result: Result, lead: str | None = None, today: dt.date | None = None
) -> Result:
    """Freeze a computed result as issued. A final (year) result opens an objection window
    of ``OBJECTION_DAYS`` working days."""
    today = today or timezone.localdate()
    until = add_working_days(today, OBJECTION_DAYS) if result.kind == Result.Kind.YEAR else None
    fields: dict[str, Any] = {
        "status": Result.Status.ISSUED,
        "issued_by": actor,
        "issued_at": timezone.now(),
        "objection_until": until,
    }
    if lead is not None:
        fields["lead"] = lead.strip()
    if not Result.objects.filter(pk=result.pk, status=Result.Status.READY).update(**fields):
        raise ValidationError("只有已计算完成、尚未发布的考核结果可以发布。")
    result.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=result,
        detail=f"发布{result.period_label}考核结果第{result.version}版"
        + (f"（{result.reason}）" if result.reason else ""),
    )
    return result


@transaction.atomic
def result_lead_save(*, actor: User, result: Result, lead: str) -> Result:
    """The bulletin's lead paragraph, editable until the result is issued."""
    if not Result.objects.filter(pk=result.pk, status=Result.Status.READY).update(
        lead=lead.strip()
    ):
        raise ValidationError("考核结果已发布，通报导语不能再修改。")
    result.refresh_from_db()
    audit_record(AuditEvent.Action.UPDATE, actor=actor, obj=result, detail="修改通报导语")
    return result


# --- Objections ------------------------------------------------------------------------------
@transaction.atomic
def objection_file(
    *,
    actor: User,
    result: Result,
    unit: Department,
    text: str,
    indicator: str = "",
    today: dt.date | None = None,
) -> Objection:
    today = today or timezone.localdate()
    if result.status != Result.Status.ISSUED or result.objection_until is None:
        raise ValidationError("只能对已发布的年度考核结果提出异议。")
    if today > result.objection_until:
        raise ValidationError(
            f"异议期已于{result.objection_until.year}年{result.objection_until.month}月"
            f"{result.objection_until.day}日截止。"
        )
    if str(unit.pk) not in result.data.get("units", {}):
        raise ValidationError(f"{unit.name}不在本次考核范围内。")
    if not text.strip():
        raise ValidationError("请填写异议内容。")
    if indicator and indicator not in {i["code"] for i in result.data.get("items", [])}:
        raise ValidationError("涉及指标不正确。")
    return record_create(
        Objection,
        actor=actor,
        data={
            "result": result,
            "unit": unit,
            "text": text.strip(),
            "indicator": indicator,
            "filed_by": actor,
        },
    )


@transaction.atomic
def objection_answer(
    *, actor: User, objection: Objection, answer: str, accepted: bool
) -> Objection:
    if not answer.strip():
        raise ValidationError("请填写答复内容。")
    if objection.answered_at is not None:
        raise ValidationError("该异议已答复。")
    return record_update(
        objection,
        actor=actor,
        data={
            "answer": answer.strip(),
            "accepted": accepted,
            "answered_by": actor,
            "answered_at": timezone.now(),
        },
    )

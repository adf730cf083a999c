"""Every write of the promotion budget: finance sets a line and adjusts it (each
adjustment a recorded entry with its reason); a unit, or another module on its behalf,
posts spending to a line (``spending_post``, the one call events, finder rewards and
agency fees use).

Balances. A posting locks its line (``select_for_update``; SQLite's IMMEDIATE
transactions queue writers the same way), checks the balance on the locked row, adds
the entry and the line's running sum together: two postings that each fit the balance
but not both cannot both pass.

Permissions are checked by the pages and the API that call these; another module's
service calls ``spending_post`` as part of its own guarded step (a reward paid)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import uploads
from zhaoshang.common.formats import wan_number
from zhaoshang.common.records import record_create
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org import roles

from .models import WARNING_RATE, BudgetAdjustment, BudgetLine, Category, Spending

CENT = Decimal("0.01")


def _money(value: Any, field: str, label: str, *, negative: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: f"请填写{label}（元）。"})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: f"{label}最多保留两位小数（元到分）。"})
    if amount == 0 or (amount < 0 and not negative):
        raise ValidationError({field: f"{label}应大于零。"})
    if abs(amount) >= Decimal("1e14"):
        raise ValidationError({field: f"{label}过大，请核对（单位为元）。"})
    return amount


def _year(value: Any) -> int:
    if not isinstance(value, int) or not 2000 <= value <= 2100:
        raise ValidationError({"year": "年度应为 2000 至 2100 之间的四位年份。"})
    return value


def _label(category: str) -> str:
    try:
        return str(Category(category).label)
    except ValueError:
        raise ValidationError({"category": f"经费科目“{category}”不存在。"}) from None


def _wan(amount: Decimal) -> str:
    return f"{wan_number(amount)} 万元"


# --- Lines (finance) -----------------------------------------------------------------------
@transaction.atomic
def line_set(
    *,
    actor: Any,
    department: Any,
    year: int,
    category: str,
    approved: Any,
    note: str = "",
) -> BudgetLine:
    """Set up a unit's line for a year and category with its approved amount. A line is
    set once; later changes are adjustments (``line_adjust``)."""
    year = _year(year)
    label = _label(category)
    amount = _money(approved, "approved", "批复金额")
    if BudgetLine.objects.filter(department=department, year=year, category=category).exists():
        raise ValidationError(
            f"{department.name} {year} 年度已设“{label}”经费科目；如需增减金额，请在该科目下登记预算调整。"
        )
    return record_create(
        BudgetLine,
        actor=actor,
        data={
            "department": department,
            "year": year,
            "category": category,
            "approved": amount,
            "note": (note or "").strip(),
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


@transaction.atomic
def line_adjust(*, actor: Any, line: BudgetLine, amount: Any, reason: str) -> BudgetAdjustment:
    """Add ``amount`` (negative to reduce) to the line, with the reason. A reduction may
    not take the line below what is already spent."""
    amount = _money(amount, "amount", "调整金额", negative=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写调整理由（如追加预算的批复文号）。"})
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if locked.total + amount < locked.spent:
        raise ValidationError(
            {
                "amount": f"调减后科目金额将低于已支出：已支出 {_wan(locked.spent)}，"
                f"调整后金额 {_wan(locked.total + amount)}。"
            }
        )
    adjustment = record_create(
        BudgetAdjustment,
        actor=actor,
        data={
            "line": locked,
            "amount": amount,
            "reason": reason,
            "actor": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    locked.adjusted += amount
    fields = ["adjusted"]
    if locked.warned_at is not None and (locked.rate is None or locked.rate < WARNING_RATE):
        # Money added: the line is back below 90%, so the next crossing warns again.
        locked.warned_at = None
        fields.append("warned_at")
    locked.save(update_fields=fields)
    line.adjusted, line.warned_at = locked.adjusted, locked.warned_at
    return adjustment


# --- Spending ------------------------------------------------------------------------------
def _check_voucher(voucher: Any) -> None:
    from django.conf import settings

    try:
        uploads.check(
            voucher, allowed=uploads.ATTACHMENT_TYPES, max_bytes=settings.MAX_ATTACHMENT_BYTES
        )
    except uploads.UploadError as exc:
        raise ValidationError({"voucher": str(exc)}) from exc


def _warn(line: BudgetLine, actor: Any) -> None:
    from zhaoshang.notifications.services import notify

    rate = (line.rate or Decimal(0)) * 100
    people = recipients_in_unit(line.department_id, permission=roles.VIEW_BUDGET)
    people += permission_holders(roles.MANAGE_BUDGET)
    notify(
        recipients=people,
        title=f"经费预警：{line.department.name} {line.year} 年度“{line.get_category_display()}”已执行 {rate:.1f}%",
        body=f"科目金额 {_wan(line.total)}，已支出 {_wan(line.spent)}，余额 {_wan(line.balance)}。",
        url=f"/budget/lines/{line.pk}/",
        kind="budget_warning",
        actor=actor,
    )


@transaction.atomic
def spending_post(
    *,
    actor: Any,
    department: Any,
    year: int,
    category: str,
    amount: Any,
    occurred_on: dt.date,
    summary: str,
    source: models.Model | None = None,
    voucher: Any = None,
) -> Spending:
    """Record a spending on ``department``'s line for ``year`` and ``category``.

    Refused (ValidationError, in Chinese) when there is no such line or the amount
    passes its balance; the unit and finance are told once the line passes 90%."""
    year = _year(year)
    label = _label(category)
    amount = _money(amount, "amount", "支出金额")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "请填写支出摘要（用途）。"})
    if not isinstance(occurred_on, dt.date):
        raise ValidationError({"occurred_on": "请填写支出日期。"})
    if voucher:
        _check_voucher(voucher)
    line = (
        BudgetLine.objects.select_for_update()
        .select_related("department")
        .filter(department=department, year=year, category=category)
        .first()
    )
    if line is None:
        raise ValidationError(
            f"{department.name} {year} 年度未设“{label}”经费科目，请先由财政部门设立。"
        )
    if amount > line.balance:
        raise ValidationError(
            {"amount": f"超出经费余额：科目余额 {_wan(line.balance)}，本次支出 {_wan(amount)}。"}
        )
    if source is not None and source.pk is None:
        raise ValueError("spending_post: the source record must be saved first")
    spending = record_create(
        Spending,
        actor=actor,
        data={
            "line": line,
            "department": line.department,
            "year": year,
            "amount": amount,
            "occurred_on": occurred_on,
            "summary": summary,
            "voucher": voucher or "",
            "source_type": ContentType.objects.get_for_model(source) if source else None,
            "source_id": source.pk if source is not None else None,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    line.spent += amount
    fields = ["spent"]
    if line.warned_at is None and line.rate is not None and line.rate >= WARNING_RATE:
        line.warned_at = timezone.now()
        fields.append("warned_at")
        _warn(line, actor)
    line.save(update_fields=fields)
    return spending


def spending_for(source: models.Model) -> models.QuerySet:
    """The spending rows ``source`` (an event, a finder reward, an agency fee) posted.
    A system read, for the module that owns ``source``: its page scopes what it shows."""
    return Spending.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("line")


@transaction.atomic
def spending_reverse(
    *, actor: Any, spending: Spending, reason: str, today: dt.date | None = None
) -> Spending:
    """Undo a mistaken entry by a reversing one (红字冲销): the original stays, the line's
    spent sum goes back down, and both entries show in the line's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲销理由。"})
    if spending.amount <= 0:
        raise ValidationError("冲销记录不能再次冲销。")
    if Spending.objects.filter(
        source_type=ContentType.objects.get_for_model(Spending), source_id=spending.pk
    ).exists():
        raise ValidationError("该支出已冲销。")
    line = BudgetLine.objects.select_for_update().get(pk=spending.line_id)
    reversal = record_create(
        Spending,
        actor=actor,
        data={
            "line": line,
            "department_id": line.department_id,
            "year": line.year,
            "amount": -spending.amount,
            "occurred_on": today or timezone.localdate(),
            "summary": f"冲销：{spending.summary}（{reason}）"[:200],
            "source_type": ContentType.objects.get_for_model(Spending),
            "source_id": spending.pk,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    line.spent -= spending.amount
    line.save(update_fields=["spent"])
    audit_record(AuditEvent.Action.UPDATE, actor=actor, obj=spending, detail=f"冲销：{reason}")
    return reversal

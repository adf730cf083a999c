"""Reads of the promotion budget, always through ``for_user``: lines with their rates,
the spending list, and the execution report by unit and line."""

from decimal import Decimal
from typing import Any

from django.db.models import Q

from .models import BudgetLine, Category, Spending

# What a spending list row shows; the page reads these columns and nothing else.
SPENDING_VALUES = [
    "pk",
    "occurred_on",
    "amount",
    "summary",
    "voucher",
    "year",
    "line_id",
    "line__category",
    "department__name",
]


def lines(user: Any) -> Any:
    return BudgetLine.objects.for_user(user).select_related("department")


def line_for(user: Any, pk: Any) -> BudgetLine | None:
    return lines(user).filter(pk=pk).first()


def spendings(user: Any) -> Any:
    return Spending.objects.for_user(user)


def spending_for_user(user: Any, pk: Any) -> Spending | None:
    return spendings(user).select_related("line", "department").filter(pk=pk).first()


def year_of(params: Any, default: int) -> int:
    year = str(params.get("year", ""))
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else default


def filtered_spendings(user: Any, params: Any) -> Any:
    """The spending list's filters: year, unit, category, line, words of the summary."""
    qs = spendings(user)
    if (year := str(params.get("year", ""))).isdigit():
        qs = qs.filter(year=int(year))
    if (unit := str(params.get("department", ""))).isdigit():
        qs = qs.filter(department_id=int(unit))
    if (line := str(params.get("line", ""))).isdigit():
        qs = qs.filter(line_id=int(line))
    if (category := params.get("category", "")) in Category.values:
        qs = qs.filter(line__category=category)
    if q := str(params.get("q", "")).strip()[:50]:
        qs = qs.filter(Q(summary__contains=q))
    return qs


def spending_rows(qs: Any) -> Any:
    # Newest first, following the (department,) -occurred_on, -id indexes.
    return qs.order_by("-occurred_on", "-id").values(*SPENDING_VALUES)


def rate_percent(spent: Decimal, total: Decimal) -> Decimal | None:
    """Spent as a percentage of total, to one place; None for a total of nothing."""
    return (spent * 100 / total).quantize(Decimal("0.1")) if total > 0 else None


def report(user: Any, year: int) -> dict[str, Any]:
    """Execution by unit and line for ``year``: each unit's lines, the unit's subtotal,
    and the total; every figure read from the lines' kept sums."""
    units: dict[int, dict[str, Any]] = {}
    labels = dict(Category.choices)
    zero = Decimal("0.00")
    total: dict[str, Any] = dict.fromkeys(
        ("approved", "adjusted", "total", "spent", "balance"), zero
    )
    for line in lines(user).filter(year=year).order_by("department__path"):
        unit = units.setdefault(
            line.department_id,
            {"name": line.department.name, "lines": [], "sum": dict.fromkeys(total, zero)},
        )
        row = {
            "pk": line.pk,
            "code": line.category,
            "category": labels[line.category],
            "approved": line.approved,
            "adjusted": line.adjusted,
            "total": line.total,
            "spent": line.spent,
            "balance": line.balance,
            "rate": rate_percent(line.spent, line.total),
            "warned": line.warned_at is not None,
        }
        unit["lines"].append(row)
        for key in total:
            unit["sum"][key] += row[key]
            total[key] += row[key]
    order = {value: i for i, value in enumerate(Category.values)}
    for unit in units.values():
        # Lines in the order the office lists its categories (项目策划, 宣传推介 …).
        unit["lines"].sort(key=lambda r: order[r["code"]])
        unit["sum"]["rate"] = rate_percent(unit["sum"]["spent"], unit["sum"]["total"])
    total["rate"] = rate_percent(total["spent"], total["total"])
    return {"units": list(units.values()), "total": total}


def years(user: Any, today_year: int) -> list[int]:
    """The years that have lines, and this year and the next."""
    found = set(lines(user).values_list("year", flat=True).distinct().order_by())
    return sorted(found | {today_year, today_year + 1}, reverse=True)

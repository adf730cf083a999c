"""What the assessment reads from supervision: the on-time indicator and the dispatch
pack's section of overdue items.

Indicator: the share of the unit's supervision items due in the period (1 January to the
period's end) whose result it submitted by the deadline and by the period's end, and that
was not sent back (退回重办: the result did not stand). An item still open after its
deadline is late. A unit with no item due has nothing late.

Dispatch section: items with the department at the month's end and past their deadline,
each with its escalation level, so the dispatch meeting sees them beside stuck projects
and overdue problems."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse

from zhaoshang.assessment.dispatch import register_section
from zhaoshang.assessment.registry import RATE, Figure, Indicator, Period, rate_by_unit, register
from zhaoshang.common import formats
from zhaoshang.reports.rules import month_bounds

DONE = ("submitted", "closed")
WITH_DEPARTMENT = ("assigned", "in_progress", "returned")


def items_on_time(period: Period) -> dict[int, Figure]:
    from .models import Item

    rows = Item.objects.filter(due_on__range=(period.start, period.end)).values_list(
        "department_id", "pk", "status", "on_time", "submitted_on"
    )
    return rate_by_unit(
        (
            unit,
            pk,
            status in DONE
            and bool(on_time)
            and submitted_on is not None
            and submitted_on <= period.end,
        )
        for unit, pk, status, on_time, submitted_on in rows
    )


def item_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    from .queries import items

    rows = items(user).filter(pk__in=ids).order_by("due_on", "pk")
    headers = ["督办编号", "督办事项", "办结期限", "报请办结日期", "状态", "是否按期"]
    cells, links = [], []
    for item in rows:
        cells.append(
            [
                item.number or "",
                item.title,
                formats.cn_date(item.due_on),
                formats.cn_date(item.submitted_on),
                item.get_status_display(),
                "按期" if item.status in DONE and item.on_time else "超期",
            ]
        )
        links.append(reverse("supervision:item_detail", args=[item.pk]))
    return headers, cells, links


register(
    Indicator(
        code="supervision_on_time",
        label="督办事项按期办结率",
        kind=RATE,
        owner="supervision",
        rule=(
            "本年到期的督办事项中在办结期限内报请办结且未被退回重办的比例；"
            "无到期督办事项的单位不扣分"
        ),
        compute=items_on_time,
        records=item_records,
        order=45,
    )
)


@register_section
def overdue_items(year: int, month: int) -> dict[str, Any]:
    from .models import Item

    last = month_bounds(year, month)[1]
    rows: dict[int, list[list[Any]]] = defaultdict(list)
    for unit, number, title, due, level in (
        Item.objects.filter(status__in=WITH_DEPARTMENT, due_on__lt=last)
        .order_by("department_id", "due_on", "pk")
        .values_list("department_id", "number", "title", "due_on", "level")
    ):
        rows[unit].append(
            [number or "", title, formats.cn_date(due), (last - due).days, Item.Level(level).label]
        )
    return {
        "title": "超期督办事项",
        "headers": ["督办编号", "督办事项", "办结期限", "超期天数", "督办层级"],
        "rows": dict(rows),
    }

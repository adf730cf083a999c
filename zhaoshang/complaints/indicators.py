"""Assessment indicator owned by complaints: complaint checks reported on time.

A department's part in a complaint is the check it is assigned (``ComplaintTask``). The
figure is the share of its checks due in the period (1 January to the period's end) that
were reported on or before the due date; a check not reported by the period's end, or
reported late, is late. The complaint itself and who made it stay with the discipline
office: the records behind the figure are the department's own tasks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhaoshang.assessment.registry import RATE, Figure, Indicator, Period, rate_by_unit, register
from zhaoshang.common import formats


def complaints_on_time(period: Period) -> dict[int, Figure]:
    from .models import ComplaintTask

    rows = ComplaintTask.objects.filter(due_on__range=(period.start, period.end)).values_list(
        "department_id", "pk", "due_on", "reported_on"
    )
    return rate_by_unit(
        (unit, pk, reported is not None and reported <= due and reported <= period.end)
        for unit, pk, due, reported in rows
    )


def task_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    from .models import ComplaintTask

    rows = ComplaintTask.objects.for_user(user).filter(pk__in=ids).order_by("due_on", "pk")
    headers = ["交办编号", "报送期限", "报送日期", "是否按期"]
    cells, links = [], []
    for t in rows:
        on_time = t.reported_on is not None and t.reported_on <= t.due_on
        cells.append(
            [
                t.reference or "",
                formats.cn_date(t.due_on),
                formats.cn_date(t.reported_on),
                "按期" if on_time else "超期",
            ]
        )
        links.append(reverse("complaints:task_detail", args=[t.pk]))
    return headers, cells, links


register(
    Indicator(
        code="complaints_on_time",
        label="投诉核查按期办结率",
        kind=RATE,
        owner="complaints",
        rule="本年到期的投诉核查交办中按期报送核查情况的比例；无到期交办的单位不扣分",
        compute=complaints_on_time,
        records=task_records,
        order=41,
    )
)

"""Assessment indicator owned by aftercare: service tickets answered on time.

The figure is the share of the unit's tickets answered in the period (1 January to the
period's end) that were answered by their deadline (``Ticket.on_time``, set at the answer
by the deadline engine). A unit with no ticket answered has no figure: the scheme scores
it as having nothing late."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhaoshang.assessment.registry import RATE, Figure, Indicator, Period, rate_by_unit, register
from zhaoshang.common import formats


def tickets_on_time(period: Period) -> dict[int, Figure]:
    from .models import Ticket

    rows = Ticket.objects.filter(answered_on__range=(period.start, period.end)).values_list(
        "department_id", "pk", "on_time"
    )
    return rate_by_unit((unit, pk, bool(on_time)) for unit, pk, on_time in rows)


def ticket_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    from .models import Ticket

    rows = (
        Ticket.objects.for_user(user)
        .filter(pk__in=ids)
        .select_related("enterprise", "department")
        .order_by("answered_on", "pk")
    )
    headers = ["诉求编号", "企业", "诉求事项", "办结期限", "答复日期", "是否按期"]
    cells, links = [], []
    for t in rows:
        cells.append(
            [
                t.number or "",
                t.enterprise.name,
                t.title,
                formats.cn_date(t.due_on),
                formats.cn_date(t.answered_on),
                "按期" if t.on_time else "超期",
            ]
        )
        links.append(reverse("aftercare:ticket_detail", args=[t.pk]))
    return headers, cells, links


register(
    Indicator(
        code="tickets_on_time",
        label="企业诉求按期办结率",
        kind=RATE,
        owner="aftercare",
        rule="本年已答复的企业诉求中在办结期限内答复的比例；无应办诉求的单位不扣分",
        compute=tickets_on_time,
        records=ticket_records,
        order=40,
    )
)

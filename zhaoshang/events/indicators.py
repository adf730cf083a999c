"""Assessment indicator owned by events: promotion events against the unit's quota.

The figure is the share of the year's quota a unit has met: events it organised that had
started by the period's end, over its quota for the year (the year's setting, else its
zone's, else the default: ``queries.quota_rows``, the same table the quota page and the
home card show). Every promotion unit has a figure, 0 when it held none: a quota is owed
by all, unlike an on-time rate, where a unit with nothing due has nothing late."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from zhaoshang.assessment.registry import RATE, Figure, Indicator, Period, register
from zhaoshang.common import formats


def events_against_quota(period: Period) -> dict[int, Figure]:
    from .models import Event
    from .queries import quota_rows

    rows = quota_rows(None, period.year, period.end)
    ids: dict[int, list[int]] = {}
    for unit, pk in Event.objects.filter(
        year=period.year,
        starts_on__lte=period.end,
        organiser_id__in=[r["department_id"] for r in rows],
    ).values_list("organiser_id", "pk"):
        ids.setdefault(unit, []).append(pk)
    return {
        r["department_id"]: Figure(
            (Decimal(r["held"]) * 100 / Decimal(r["quota"])).quantize(Decimal("0.1"))
            if r["quota"]
            else Decimal(100),
            ids.get(r["department_id"], []),
        )
        for r in rows
    }


def event_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    from .queries import events

    rows = events(user).filter(pk__in=ids).order_by("starts_on", "pk")
    headers = ["活动名称", "活动类型", "举办城市", "开始日期", "结束日期"]
    cells, links = [], []
    for e in rows:
        cells.append(
            [
                e.title,
                e.get_event_type_display(),
                e.city,
                formats.cn_date(e.starts_on),
                formats.cn_date(e.ends_on),
            ]
        )
        links.append(reverse("events:event_detail", args=[e.pk]))
    return headers, cells, links


register(
    Indicator(
        code="events_quota",
        label="招商推介活动指标完成率",
        kind=RATE,
        owner="events",
        rule=(
            "本年已举办（开始日期不晚于统计截止日）的主办活动场次占年度活动指标的比例"
            "（指标默认 2 场，功能区按设定，可逐年逐单位设定）；未举办活动的单位为 0"
        ),
        compute=events_against_quota,
        records=event_records,
        order=50,
    )
)

"""Assessment indicator owned by agreements: incentives paid on time.

Once the finance office has allocated an incentive (``allocated_on``), the responsible
department pays it to the enterprise. Paid on time: paid within ``PAY_DAYS`` working days
of the allocation (the working calendar, ``reference.calendar``). The figure is the share,
among the unit's disbursements whose payment fell due in the period (1 January to the
period's end), of those paid by then; one still unpaid after its due date is late."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhaoshang.assessment.registry import RATE, Figure, Indicator, Period, rate_by_unit, register
from zhaoshang.common import formats
from zhaoshang.reference.calendar import add_working_days

PAY_DAYS = 10


def incentives_on_time(period: Period) -> dict[int, Figure]:
    from .models import Disbursement

    rows = Disbursement.objects.filter(
        allocated_on__isnull=False, allocated_on__lte=period.end
    ).values_list("agreement__department_id", "pk", "allocated_on", "paid_on")
    out = []
    for unit, pk, allocated, paid in rows:
        due = add_working_days(allocated, PAY_DAYS)
        if due < period.start or due > period.end:
            continue
        out.append((unit, pk, paid is not None and paid <= due))
    return rate_by_unit(out)


def disbursement_records(user: Any, ids: list[int]) -> tuple[list[str], list[list[Any]], list[str]]:
    from .models import Disbursement

    rows = (
        Disbursement.objects.for_user(user)
        .filter(pk__in=ids)
        .select_related("agreement")
        .order_by("allocated_on", "pk")
    )
    headers = ["协议编号", "年度", "拨付日期", "兑付期限", "兑付日期", "是否按期"]
    cells, links = [], []
    for d in rows:
        due = add_working_days(d.allocated_on, PAY_DAYS)
        cells.append(
            [
                d.agreement.number,
                d.year,
                formats.cn_date(d.allocated_on),
                formats.cn_date(due),
                formats.cn_date(d.paid_on),
                "按期" if d.paid_on and d.paid_on <= due else "超期",
            ]
        )
        links.append(reverse("agreements:disbursement_detail", args=[d.pk]))
    return headers, cells, links


register(
    Indicator(
        code="incentives_on_time",
        label="政策奖励按期兑现率",
        kind=RATE,
        owner="agreements",
        rule=f"财政拨付后{PAY_DAYS}个工作日内兑付企业为按期；本年到期应兑付事项中按期兑付的比例",
        compute=incentives_on_time,
        records=disbursement_records,
        order=42,
    )
)

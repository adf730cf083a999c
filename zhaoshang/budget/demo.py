"""Demo budget: this year's lines for the office, two departments, a zone and a street,
a few spending entries each, one line (区科技局 宣传推介) past 90% so its warning shows,
and one adjustment. Idempotent: a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhaoshang.org.models import User

from . import services
from .models import BudgetLine

# unit, category, approved (yuan)
LINES = [
    ("区招商办", "planning", "300000"),
    ("区招商办", "publicity", "800000"),
    ("区招商办", "outbound", "600000"),
    ("区招商办", "rewards", "2000000"),
    ("区招商办", "agency_fees", "1000000"),
    ("区商务局", "publicity", "400000"),
    ("区商务局", "outbound", "300000"),
    ("区科技局", "publicity", "200000"),
    ("区科技局", "outbound", "150000"),
    ("区科技局", "training", "100000"),
    ("陈塘科技商务区", "publicity", "500000"),
    ("陈塘科技商务区", "outbound", "400000"),
    ("友谊路街道", "publicity", "80000"),
]
# unit, category, amount, month, day, summary
SPENDING = [
    ("区招商办", "publicity", "120000", 3, 18, "招商宣传片制作"),
    ("区招商办", "outbound", "86000", 4, 22, "赴深圳、广州招商考察差旅费"),
    ("区招商办", "planning", "45000", 5, 9, "重点产业链招商策划咨询"),
    ("区商务局", "publicity", "60000", 6, 12, "河西区现代服务业专题推介会场地及布展"),
    ("区科技局", "publicity", "150000", 4, 16, "京津冀科技创新推介会会务费"),
    ("区科技局", "publicity", "32000", 9, 25, "科技招商宣传册印制"),
    ("区科技局", "outbound", "28000", 7, 8, "赴上海张江考察差旅费"),
    ("陈塘科技商务区", "publicity", "95000", 5, 20, "陈塘科技商务区云招商直播推介"),
    ("友谊路街道", "publicity", "12000", 8, 14, "楼宇招商宣传折页"),
]


def load_demo_budget(*, departments):
    if BudgetLine.objects.exists():
        return
    finance = User.objects.get(username="caizheng")
    year = timezone.localdate().year
    lines = {}
    for unit, category, approved in LINES:
        lines[unit, category] = services.line_set(
            actor=finance,
            department=departments[unit],
            year=year,
            category=category,
            approved=Decimal(approved),
            note=f"河财预〔{year}〕12号",
        )
    services.line_adjust(
        actor=finance,
        line=lines["区招商办", "outbound"],
        amount=Decimal("200000"),
        reason=f"下半年外出招商任务增加，经区政府同意追加（河财预〔{year}〕58号）",
    )
    for unit, category, amount, month, day, summary in SPENDING:
        services.spending_post(
            actor=None,
            department=departments[unit],
            year=year,
            category=category,
            amount=Decimal(amount),
            occurred_on=dt.date(year, month, day),
            summary=summary,
        )

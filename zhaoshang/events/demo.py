"""Demo events: this year's promotion events of several units (区商务局 meets its
quota, 区科技局 is one short, 陈塘科技商务区 — a named zone, quota 4 — has three), a lead
of 区科技局 recorded as an event's result, and one event's cost posted to the budget.
Idempotent: a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.org.models import User
from zhaoshang.pipeline.models import Project
from zhaoshang.reference.models import Zone

from . import services
from .models import Event

# organiser, type, title, month, day, days, city, partners
EVENTS = [
    (
        "区商务局",
        "conference",
        "河西区现代服务业招商推介会（上海）",
        4,
        18,
        1,
        "上海",
        ["区招商办"],
    ),
    ("区商务局", "themed", "总部经济专题招商座谈会", 9, 10, 1, "天津", []),
    ("区科技局", "conference", "京津冀科技创新合作推介会", 5, 16, 2, "北京", ["区招商办"]),
    ("陈塘科技商务区", "exhibition", "中国国际设计博览会河西展区", 3, 22, 3, "深圳", []),
    ("陈塘科技商务区", "online", "陈塘科技商务区云招商直播推介", 6, 6, 1, "线上", []),
    ("陈塘科技商务区", "outbound", "赴长三角生物医药企业考察", 10, 13, 4, "苏州", ["区科技局"]),
    (
        "区招商办",
        "conference",
        "河西区重点产业链招商大会",
        8,
        28,
        1,
        "天津",
        ["区商务局", "区科技局"],
    ),
    ("区招商办", "outbound", "赴粤港澳大湾区招商考察", 11, 4, 5, "深圳", []),
]


def load_demo_events(*, departments):
    if Event.objects.exists():
        return
    year = timezone.localdate().year
    chentang = Zone.objects.filter(name="陈塘科技商务区").first()
    if chentang is not None:
        services.zone_quota_set(actor=None, zone=chentang, quota=4)
    users = {u.department.name: u for u in User.objects.select_related("department")}
    firms = list(Enterprise.objects.order_by("pk")[:3])
    made = {}
    for unit, kind, title, month, day, days, city, partners in EVENTS:
        starts = dt.date(year, month, day)
        made[title] = services.event_create(
            actor=None,
            data={
                "title": title,
                "event_type": kind,
                "organiser": departments[unit],
                "partners": [departments[p] for p in partners],
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=days - 1),
                "city": city,
                "venue": "",
                "description": "",
                "enterprises": firms if unit == "区科技局" else [],
                "officials": [u for name, u in users.items() if name in (unit, *partners)],
            },
        )
    science = made["京津冀科技创新合作推介会"]
    lead = Project.objects.filter(department__name="区科技局", stage="lead").order_by("pk").first()
    if lead is not None:
        services.lead_link(actor=None, event=science, lead=lead)
    services.cost_post(
        actor=None,
        event=made["河西区现代服务业招商推介会（上海）"],
        category="publicity",
        amount=Decimal("38000"),
        occurred_on=dt.date(year, 4, 19),
        summary="会场租赁及布展费",
    )

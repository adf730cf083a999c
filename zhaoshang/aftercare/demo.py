"""Demo aftercare: the ticket types with their default units and time limits, a few
landed enterprises made key enterprises, visits done and planned, tickets in every state
(two of 区科技局's overdue, so its home page lists them), an expansion from a visit.
Idempotent: a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.org import roles
from zhaoshang.org.models import User

from . import services
from .models import Ticket, TicketType

# name, group, default unit, working days (Hexi H9, H22; Chengyang 五(五))
TYPES = [
    ("注册登记", "enterprise", "区商务局", 5),
    ("税务", "enterprise", "区税务局", 5),
    ("审批手续", "enterprise", "区发展改革委", 10),
    ("纳入统计", "enterprise", "区发展改革委", 10),
    ("用地用房", "enterprise", "区商务局", 10),
    ("融资", "enterprise", "区金融局", 10),
    ("用工", "enterprise", "区商务局", 10),
    ("人才住房", "talent", "区科技局", 15),
    ("落户", "talent", "区招商办", 15),
    ("子女入学", "talent", "区招商办", 15),
    ("就医", "talent", "区卫生健康委", 5),
    ("绿色通道", "talent", "区招商办", 3),
]

# Landed enterprises of the demo district: name, seed of the credit code, unit, street.
LOCAL = [
    ("天津河西精工智造有限公司", 8101, "区工业和信息化局", "陈塘庄街道"),
    ("天津友谊路商贸发展有限公司", 8102, "区商务局", "友谊路街道"),
    ("天津越秀医疗器械有限公司", 8103, "区卫生健康委", "越秀路街道"),
]


def _code(seed):
    body = f"91120103MB{seed:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _worker(unit):
    return next(
        (
            u
            for u in User.objects.filter(department=unit, is_active=True)
            if u.has_perm(roles.MANAGE_AFTERCARE)
        ),
        None,
    )


def load_demo_aftercare(*, departments):
    if TicketType.objects.exists():
        return
    office = User.objects.get(username="zhaoshangban")
    kejiju = User.objects.get(username="kejiju")
    types = {}
    for i, (name, group, unit, days) in enumerate(TYPES):
        types[name] = services.ticket_type_save(
            actor=None,
            data={
                "name": name,
                "group": group,
                "default_department": departments[unit],
                "deadline_days": days,
                "sort_order": (i + 1) * 10,
            },
        )
    today = timezone.localdate()
    enterprises = []
    for name, seed, unit, street in LOCAL:
        enterprise = Enterprise.objects.filter(name=name).first() or enterprise_create(
            actor=None,
            data={"name": name, "credit_code": _code(seed), "status": "local"},
            confirm_duplicates=True,
        )
        enterprises.append((enterprise, departments[unit], departments[street]))
    shuzhi = Enterprise.objects.get(name="天津河西数智科技有限公司")
    tianda = Enterprise.objects.get(name="天津大学设计研究院有限公司")
    enterprises += [
        (shuzhi, departments["区科技局"], departments["友谊路街道"]),
        (tianda, departments["区科技局"], None),
    ]
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    for enterprise, unit, street in enterprises:
        services.key_enterprise_add(
            actor=office,
            enterprise=enterprise,
            department=unit,
            street=street,
            since=today - dt.timedelta(days=400),
        )
    # Visits: 数智科技 visited this quarter (a finding became a ticket, an expansion);
    # 精工智造 last quarter only (so it is on the not-visited list); two planned.
    done = services.visit_plan(
        actor=kejiju,
        enterprise=shuzhi,
        planned_on=quarter_start,
        visitors="李静、区科技局企业服务科",
        purpose="季度走访",
    )
    services.visit_record(
        actor=kejiju,
        visit=done,
        visited_on=quarter_start,
        met_with="张总经理",
        findings="研发团队扩充，外地引进的两名博士需要人才公寓。",
    )
    services.visit_finding_to_ticket(
        actor=kejiju,
        visit=done,
        ticket_type=types["人才住房"],
        title="引进博士人才公寓两套",
        description="外地引进两名博士，申请区人才公寓。",
    )
    jinggong = enterprises[0][0]
    old = services.visit_plan(
        actor=office,
        enterprise=jinggong,
        planned_on=quarter_start - dt.timedelta(days=40),
        visitors="王晓明",
        purpose="上季度走访",
    )
    services.visit_record(
        actor=office,
        visit=old,
        visited_on=quarter_start - dt.timedelta(days=40),
        met_with="刘厂长",
        findings="生产正常；企业计划新上一条精密数控生产线。",
    )
    # The expansion is 区工业和信息化局's: a negotiating project of that unit.
    services.expansion_record(
        actor=office,
        enterprise=jinggong,
        kind="productive",
        estimated_investment=Decimal("30000000"),
        description="新上一条精密数控生产线，预计新增投资3000万元。",
        department=departments["区工业和信息化局"],
        visit=old,
    )
    for enterprise, unit, _ in enterprises[1:3]:
        services.visit_plan(
            actor=_worker(unit) or office,
            enterprise=enterprise,
            planned_on=today + dt.timedelta(days=7),
            visitors=f"{unit.name}企业服务专员",
            purpose="年度走访",
        )
    # Tickets: two of 区科技局's overdue; one answered and rated; one answered awaiting
    # the rating; one of 友谊路街道's area with the tax office.
    overdue_start = today - dt.timedelta(days=45)
    for title, kind in (("办公用房租金补贴申请进度", "人才住房"), ("研发人员住房保障", "人才住房")):
        services.ticket_raise(
            actor=kejiju,
            enterprise=shuzhi,
            ticket_type=types[kind],
            title=title,
            department=departments["区科技局"],
            street=departments["友谊路街道"],
            today=overdue_start,
        )
    answered = services.ticket_raise(
        actor=office,
        enterprise=tianda,
        ticket_type=types["就医"],
        title="外籍专家就医绿色通道",
        today=today - dt.timedelta(days=20),
    )
    services.ticket_answer(
        actor=office,
        ticket=answered,
        answer="已协调区人民医院国际门诊，专家凭服务卡优先就诊。",
        today=today - dt.timedelta(days=17),
    )
    answered.refresh_from_db()
    services.ticket_rate(
        actor=office, ticket=answered, rating=Ticket.Rating.SATISFIED, note="很及时"
    )
    tax = services.ticket_raise(
        actor=office,
        enterprise=enterprises[1][0],
        ticket_type=types["税务"],
        title="跨区迁入后发票领用",
        street=departments["友谊路街道"],
        today=today - dt.timedelta(days=6),
    )
    services.ticket_answer(
        actor=office,
        ticket=tax,
        answer="已办理发票领用，企业已领取。",
        today=today - dt.timedelta(days=1),
    )
    services.ticket_raise(
        actor=office,
        enterprise=jinggong,
        ticket_type=types["纳入统计"],
        title="规上工业企业纳统申报",
        today=today - dt.timedelta(days=2),
    )
    # The demo's messages are of past events: read already, so every inbox starts empty.
    from zhaoshang.notifications.models import Notification

    Notification.objects.filter(kind__in=["aftercare_ticket"], read_at__isnull=True).update(
        read_at=timezone.now()
    )

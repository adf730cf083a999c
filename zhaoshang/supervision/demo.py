"""Demo supervision items: on a 区科技局 project (in progress, with a progress report), on
区科技局's own work (overdue), on a service ticket answered by 区招商办 (submitted for
review), and one closed item with an accountability record. Idempotent."""

import datetime as dt

from django.utils import timezone

from zhaoshang.aftercare.models import Ticket
from zhaoshang.org.models import User
from zhaoshang.pipeline.models import Project

from . import services
from .models import Accountability, Item


def load_demo_supervision(*, departments):
    if Item.objects.exists():
        return
    ducha = User.objects.get(username="ducha")
    kejiju = User.objects.get(username="kejiju")
    office = User.objects.get(username="zhaoshangban")
    leader = User.objects.get(username="lingdao")
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    project = Project.objects.filter(department=departments["区科技局"]).order_by("pk").first()
    if project is not None:
        item = services.item_raise(
            actor=ducha,
            title="推动项目尽快完成注册落地",
            requirement="协调解决项目注册地址与办公场地问题，明确落地时间表，每周报送一次进展。",
            subject=Item.Subject.PROJECT,
            record=project,
            leader=leader,
            deadline_days=20,
            today=ago(7),
        )
        services.progress_report(
            actor=kejiju,
            item=item,
            text="已与企业对接两次，注册地址初步选定陈塘科技商务区，正在准备注册材料。",
            today=ago(3),
        )
    services.item_raise(
        actor=ducha,
        title="科技型企业补贴申报积压清理",
        requirement="清理今年以来积压的科技型企业补贴申报，逐件明确受理意见并报送台账。",
        subject=Item.Subject.DEPARTMENT,
        record=departments["区科技局"],
        leader=leader,
        deadline_days=5,
        today=ago(21),
    )
    ticket = Ticket.objects.order_by("pk").first()
    if ticket is not None:
        item = services.item_raise(
            actor=ducha,
            title="企业诉求超期未答复督办",
            requirement="督促责任单位答复企业诉求，并说明超期原因。",
            subject=Item.Subject.TICKET,
            record=ticket,
            department=departments["区招商办"],
            deadline_days=10,
            today=ago(6),
        )
        services.item_submit(
            actor=office,
            item=item,
            result="已会同责任单位答复企业，企业表示满意；超期原因系材料往返，已建立提醒机制。",
            today=ago(1),
        )
    closed = services.item_raise(
        actor=ducha,
        title="重点项目服务专员走访不到位",
        requirement="按月走访重点项目企业并报送走访记录。",
        subject=Item.Subject.DEPARTMENT,
        record=departments["区招商办"],
        deadline_days=10,
        today=ago(40),
    )
    services.item_submit(actor=office, item=closed, result="已补齐走访记录。", today=ago(20))
    closed.refresh_from_db()
    services.item_close(actor=ducha, item=closed, today=ago(19))
    if not Accountability.objects.exists():
        services.accountability_record(
            actor=ducha,
            item=closed,
            person="某科员（服务专员）",
            department=departments["区招商办"],
            failure="连续两个月未按要求走访重点项目企业，督办后超期办结。",
            measure=Accountability.Measure.TALK,
            decision_number="河西督查〔2026〕3号",
            decided_on=ago(18),
            today=ago(18),
        )

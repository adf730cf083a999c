"""Demo leads: held by several units, one suggested for a push, one pending push, two
lapsed to the pool; and a (disabled) group robot for 区科技局."""

import datetime
from decimal import Decimal

from django.utils import timezone

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.notifications.models import UnitWebhook
from zhaoshang.org.models import User
from zhaoshang.reference.models import KeyIndustry, Region

from ..models import Method, OwnerChange, Project
from ..projects import services as project_services
from . import services

# enterprise (added to the library when missing), registering user, lead name, plan,
# 万元, key industry, origin, method, referrer. Enterprises other demo steps do not use,
# so every lead here registers without an attribution conflict.
DEMO_LEADS = [
    (
        "中国建筑设计研究院有限公司",
        "kejiju",
        "中国院华北设计创新中心",
        "在陈塘科技商务区设立华北设计创新中心，承接京津冀城市更新设计业务",
        3000,
        "设计",
        "110000",
        Method.CHAIN,
        ("天津大学校友会", "organisation"),
    ),
    (
        "京东科技控股股份有限公司",
        "kejiju",
        "京东科技数字城市华北基地",
        "设立数字城市华北基地，建设城市数据运营平台",
        50000,
        "数字经济",
        "110000",
        Method.HEAD_ENTERPRISE,
        None,
    ),
    (
        "博世（中国）投资有限公司",
        "kejiju",
        "博世华北区域销售总部",
        "华北区域销售与服务总部落户小白楼商务区",
        12000,
        "商务商贸",
        "310000",
        Method.BUSINESS,
        ("德国商会天津代表处", "organisation"),
    ),
    (
        "招商银行股份有限公司",
        "youyilu",
        "招商银行金融科技华北中心",
        "设立金融科技华北中心，布局普惠金融与供应链金融",
        80000,
        "科技金融",
        "440000",
        Method.EVENT,
        None,
    ),
    (
        "中科智能机器人（天津）有限公司",
        "chentang",
        "中科智能机器人中试基地",
        "建设服务机器人中试基地和成果转化平台",
        6000,
        "数字经济",
        "110000",
        Method.INCUBATION,
        ("李教授", "person"),
    ),
    # These two were not worked: they lapse to the pool below.
    (
        "中国外运股份有限公司",
        "shangwuju",
        "中国外运航运服务集聚区项目",
        "航运代理、船舶管理等航运服务企业集聚",
        20000,
        "航运物流",
        "110000",
        Method.HEAD_ENTERPRISE,
        None,
    ),
    (
        "药明康德新药开发有限公司",
        "youyilu",
        "药明康德临床研究服务中心",
        "设立临床研究服务中心",
        15000,
        "生物医药",
        "310000",
        Method.OTHER,
        None,
    ),
]
POOLED = {"中国外运股份有限公司", "药明康德新药开发有限公司"}


def load_demo_leads(*, departments):
    today = timezone.localdate()
    created = {}
    for ent, username, name, plan, wan, key, origin, method, referrer in DEMO_LEADS:
        actor = User.objects.filter(username=username).first()
        if actor is None or Project.objects.filter(name=name).exists():
            continue
        enterprise = Enterprise.objects.filter(name=ent).first() or enterprise_create(
            actor=None,
            data={"name": ent, "hq_region": Region.objects.filter(code=origin).first()},
            confirm_duplicates=True,
        )
        created[ent] = services.lead_register(
            actor=actor,
            enterprise=enterprise,
            data={
                "name": name,
                "description": plan,
                "estimated_investment": Decimal(wan) * 10000,
                "key_industry": KeyIndustry.objects.filter(name=key).first(),
                "origin_region": Region.objects.filter(code=origin).first(),
                "method": method,
                "referrer_name": referrer[0] if referrer else "",
                "referrer_kind": referrer[1] if referrer else "",
            },
        )
    if not created:
        return
    kejiju = User.objects.get(username="kejiju")
    if p := created.get("中国建筑设计研究院有限公司"):
        project_services.ledger_entry_add(
            actor=kejiju,
            project=p,
            occurred_on=today,
            content="与设计研究院分管院长座谈，对方确认选址意向",
            next_step="陪同实地考察陈塘科技商务区载体",
        )
    if (p := created.get("博世（中国）投资有限公司")) and (unit := departments.get("区商务局")):
        services.lead_push(
            actor=kejiju,
            project=p,
            to_department=unit,
            reason="项目为商贸类区域总部，属区商务局主管的商务商贸产业，请接收跟进。",
        )
    # Age the unworked leads past the protection period, then run the nightly job.
    stale = [p.pk for e, p in created.items() if e in POOLED]
    if stale:
        long_ago = timezone.now() - datetime.timedelta(days=90)
        OwnerChange.objects.filter(project_id__in=stale).update(at=long_ago)
        Project.objects.filter(pk__in=stale).update(created_at=long_ago)
        services.leads_lapse(today=today, only=stale)
    if unit := departments.get("区科技局"):
        UnitWebhook.objects.get_or_create(
            department=unit,
            name="科技局招商工作群",
            defaults={
                "kind": UnitWebhook.Kind.WECOM,
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-key",
                "enabled": False,
            },
        )

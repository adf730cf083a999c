"""Demo leads: held by several units, one suggested for a push, one pending push, two
lapsed to the pool; and a (disabled) group robot for 区科技局."""

import datetime
from decimal import Decimal

from django.utils import timezone

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.notifications.models import UnitWebhook
from zhaoshang.org.models import User
from zhaoshang.reference.models import KeyIndustry, Region

from . import lead_services, services
from .models import Method, OwnerChange, Project

# enterprise, registering user, lead name, plan, 万元, key industry, origin, method, referrer
DEMO_LEADS = [
    (
        "天津大学设计研究院有限公司",
        "kejiju",
        "天津大学设计研究院工业设计中心",
        "在陈塘科技商务区设立工业设计中心，承接京津冀制造业设计业务",
        3000,
        "设计",
        "120000",
        Method.CHAIN,
        ("天津大学校友会", "organisation"),
    ),
    (
        "华为技术有限公司",
        "kejiju",
        "华为天津数字经济创新中心",
        "设立华为（天津）数字经济创新中心，建设鲲鹏生态适配平台",
        50000,
        "数字经济",
        "440000",
        Method.HEAD_ENTERPRISE,
        None,
    ),
    (
        "西门子（中国）有限公司",
        "kejiju",
        "西门子华北区域销售总部",
        "华北区域销售与服务总部落户小白楼商务区",
        12000,
        "商务商贸",
        "110000",
        Method.BUSINESS,
        ("德国商会天津代表处", "organisation"),
    ),
    (
        "中国平安保险（集团）股份有限公司",
        "youyilu",
        "平安科技金融华北总部",
        "设立科技金融华北总部，布局普惠金融与保险科技",
        80000,
        "科技金融",
        "440000",
        Method.EVENT,
        None,
    ),
    (
        "中科院计算所天津研究院有限公司",
        "chentang",
        "中科院计算所智能计算中试基地",
        "建设智能计算中试基地和成果转化平台",
        6000,
        "数字经济",
        "110000",
        Method.INCUBATION,
        ("李教授", "person"),
    ),
    # These two were not worked: they lapse to the pool below.
    (
        "中国远洋海运集团有限公司",
        "shangwuju",
        "中远海运航运服务集聚区项目",
        "航运金融、船舶管理等航运服务企业集聚",
        20000,
        "航运物流",
        "310000",
        Method.HEAD_ENTERPRISE,
        None,
    ),
    (
        "康希诺生物股份公司",
        "youyilu",
        "康希诺研发中心扩建",
        "扩建疫苗研发中心",
        15000,
        "生物医药",
        "120000",
        Method.OTHER,
        None,
    ),
]
POOLED = {"中国远洋海运集团有限公司", "康希诺生物股份公司"}


def load_demo_leads(*, departments):
    today = timezone.localdate()
    created = {}
    for ent, username, name, plan, wan, key, origin, method, referrer in DEMO_LEADS:
        enterprise = Enterprise.objects.filter(name=ent).first()
        actor = User.objects.filter(username=username).first()
        if (
            enterprise is None
            or actor is None
            or Project.objects.filter(enterprise=enterprise).exists()
        ):
            continue
        created[ent] = lead_services.lead_register(
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
    if p := created.get("天津大学设计研究院有限公司"):
        services.ledger_entry_add(
            actor=kejiju,
            project=p,
            occurred_on=today,
            content="与设计研究院分管院长座谈，对方确认选址意向",
            next_step="陪同实地考察陈塘科技商务区载体",
        )
    if (p := created.get("西门子（中国）有限公司")) and (unit := departments.get("区商务局")):
        lead_services.lead_push(
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
        lead_services.leads_lapse(today=today)
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

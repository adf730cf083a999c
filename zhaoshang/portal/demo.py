"""Demo data for the opportunity library, the policy library and the portal: the
district's introduction, promotion projects (published and kept internal), policies with
a revision and a draft, two landed enterprises that agreed to be shown, and an issued
bulletin — so `make run` shows every portal page filled. Written through the services,
as a clerk would; running it again changes nothing."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.opportunities import services as opportunity_services
from zhaoshang.opportunities.models import Opportunity
from zhaoshang.opportunities.models import Status as OS
from zhaoshang.org.models import User
from zhaoshang.pipeline.models import LANDED_STAGES, Project
from zhaoshang.policies import services as policy_services
from zhaoshang.policies.models import Policy
from zhaoshang.reference.models import Carrier, KeyIndustry, Zone

from . import services
from .models import Profile, Showcase

INTRO = (
    "河西区位于天津市中心城区东南部，是天津市的行政文化中心、金融商务聚集区。"
    "全区商务楼宇林立，交通便利，教育、医疗资源丰富，营商环境持续优化。"
)
STRATEGY = (
    "坚持“一核两轴三中心多点支撑”空间布局，聚焦金融、数字经济、科技服务、商贸、文化旅游等重点产业，"
    "以楼宇为载体，以产业链为纽带，开展建链、延链、补链、强链招商。"
)
INTRO_EN = (
    "Hexi District lies in the south-east of Tianjin's central city: the city's administrative "
    "and cultural centre, with a cluster of finance and business."
)
STRATEGY_EN = (
    "One core, two axes, three centres and many supporting points: finance, the digital "
    "economy, technology services, trade, culture and tourism, with office buildings as carriers."
)

OPPORTUNITIES = [
    # name, key industry, zone, investment (yuan), cooperation, status
    (
        "陈塘科技商务区数字经济产业园招商项目",
        "数字经济",
        "陈塘科技商务区",
        800_000_000,
        ["joint", "equity"],
        OS.PUBLISHED,
    ),
    (
        "小白楼金融街区总部楼宇招商项目",
        "金融",
        "泛友谊路小白楼金融圈",
        1_200_000_000,
        ["sole", "lease"],
        OS.PUBLISHED,
    ),
    (
        "新八大里数字内容产业基地",
        "数字经济",
        "新八大里数字经济聚集区",
        300_000_000,
        ["cooperation"],
        OS.NEGOTIATING,
    ),
    ("河西区养老服务综合体（内部储备）", None, None, 150_000_000, ["sole"], OS.IN_LIBRARY),
]

POLICIES = [
    # title, doc number, measures, rules, explanation
    (
        "河西区促进金融业高质量发展的若干措施",
        "津河西金融〔2021〕3号",
        "对新注册或新迁入的金融机构总部，按实缴注册资本给予一次性落户奖励，最高1000万元。",
        "申请单位须在本区注册并纳税，提交营业执照、实缴资本证明等材料，由区金融局受理审核。",
        "本措施旨在吸引金融机构总部落户，重点支持持牌金融机构。",
    ),
    (
        "河西区支持数字经济发展的实施办法",
        "津河西发改〔2020〕13号",
        "对数字经济企业租用本区楼宇办公的，给予三年房租补贴。",
        "补贴标准为每平方米每天1元，单个企业每年不超过100万元。",
        "重点支持软件和信息技术服务、数字内容、大数据等领域企业。",
    ),
]


def _office_user():
    return User.objects.filter(username="zhaoshangban").first()


@transaction.atomic
def load_demo_portal(*, departments):
    office = _office_user()
    if office is None or Profile.current() is not None:
        return
    services.profile_save(
        actor=office,
        data={
            "intro": INTRO,
            "strategy": STRATEGY,
            "intro_en": INTRO_EN,
            "strategy_en": STRATEGY_EN,
            "address": "天津市河西区友谊路",
            "phone": "022-12345678",
        },
    )
    keys = {k.name: k for k in KeyIndustry.objects.all()}
    zones = {z.name: z for z in Zone.objects.all()}
    for name, key, zone, amount, cooperation, status in OPPORTUNITIES:
        if Opportunity.objects.filter(name=name).exists():
            continue
        zone_row = zones.get(zone)
        carrier = Carrier.objects.filter(zone=zone_row).order_by("id").first() if zone_row else None
        item = opportunity_services.opportunity_create(
            actor=office,
            data={
                "name": name,
                "summary": f"{name}：位于{zone or '河西区'}，面向{key or '社会资本'}领域投资者开放合作。",
                "key_industry": keys.get(key),
                "zone": zone_row,
                "carrier": carrier,
                "investment": Decimal(amount),
                "cooperation": cooperation,
                "sought": "具备行业经验和资金实力的投资方",
                "expected_returns": "预计投资回收期6至8年",
                "contact": "区招商办 022-12345678",
            },
        )
        path = {
            OS.PUBLISHED: [OS.PUBLISHED],
            OS.NEGOTIATING: [OS.PUBLISHED, OS.NEGOTIATING],
        }.get(status, [])
        for step in path:
            opportunity_services.opportunity_move(actor=office, opportunity=item, to_status=step)
            item.refresh_from_db()
    finance = departments.get("区金融局")
    for title, number, measures, rules, explanation in POLICIES:
        if Policy.objects.filter(doc_number=number).exists():
            continue
        policy = policy_services.policy_create(
            actor=office,
            department=finance if "金融" in title else departments.get("区发展改革委"),
            data={
                "title": title,
                "doc_number": number,
                "industries": [k for n, k in keys.items() if n in title] or list(keys.values())[:1],
                "measures": measures,
                "rules": rules,
                "explanation": explanation,
                "valid_from": dt.date(int(number.split("〔")[1][:4]), 3, 1),
                "valid_until": None,
            },
        )
        policy_services.policy_publish(actor=office, policy=policy)
    # A revision of the finance measures: the 2021 text stays readable as 修订.
    old = Policy.objects.filter(doc_number="津河西金融〔2021〕3号").first()
    if old is not None and not Policy.objects.filter(supersedes=old).exists():
        revised = policy_services.policy_revise(
            actor=office,
            policy=old,
            data={
                "title": old.title,
                "doc_number": "津河西金融〔2024〕7号",
                "measures": old.measures.replace("最高1000万元", "最高2000万元"),
                "rules": old.rules,
                "explanation": old.explanation + "2024年修订：提高落户奖励上限。",
                "valid_from": dt.date(2024, 1, 1),
                "valid_until": None,
            },
        )
        policy_services.policy_publish(actor=office, policy=revised)
    # Landed enterprises that agreed to be shown.
    landed = (
        Project.objects.filter(stage__in=LANDED_STAGES)
        .select_related("enterprise", "key_industry")
        .order_by("id")[:2]
    )
    for project in landed:
        if not Showcase.objects.filter(enterprise=project.enterprise).exists():
            services.showcase_add(
                actor=office,
                enterprise=project.enterprise,
                data={
                    "display_name": project.enterprise.name,
                    "summary": f"{project.enterprise.name}已在河西区落户运营。",
                    "key_industry": project.key_industry,
                    "consent_on": timezone.localdate() - dt.timedelta(days=30),
                },
            )
    # Last month's bulletin, issued. (The portal's results wait for the office to issue
    # a monthly report: the demo issues none, so the figures are the office's decision.)
    from zhaoshang.reports import services as report_services
    from zhaoshang.reports.models import Bulletin
    from zhaoshang.reports.rules import previous_month

    year, month = previous_month(*timezone.localdate().timetuple()[:2])
    if not Bulletin.objects.filter(kind="month", year=year, period=month).exists():
        bulletin = report_services.bulletin_generate(
            actor=office, kind="month", year=year, period=month
        )
        report_services.bulletin_issue(actor=office, bulletin=bulletin, version=bulletin.version)

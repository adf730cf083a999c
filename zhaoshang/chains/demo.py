"""Demo chains: the six chains of the demo district (生物医药, 新一代信息技术, 高端装备,
金融服务, 商务商贸, 航运物流) with their links from upstream to downstream, a few local
and target enterprises to place and rank, one manual placement and one manual removal,
and one lead registered from a target. Idempotent: a chain already there is left alone."""

from decimal import Decimal

from stdnum.cn import uscc

from zhaoshang.enterprises.models import Enterprise, Tag
from zhaoshang.enterprises.services import enterprise_create, ranking_set
from zhaoshang.reference.models import Industry, KeyIndustry, Region

from . import services
from .models import Chain, ChainLead, Link

U, M, D = "upstream", "midstream", "downstream"

# chain -> (key industry, description, [(link, parent, position, classes, keywords)])
CHAINS = [
    (
        "生物医药",
        "生物医药",
        "以创新药研发和高端医疗器械为重点，补齐生产制造环节，延伸医药流通和医疗服务",
        [
            ("研发与原料", "", U, "", ""),
            ("新药研发", "研发与原料", U, "73", "新药、创新药、医药研发"),
            ("原料药", "研发与原料", U, "", "原料药、医药中间体"),
            ("生产制造", "", M, "", ""),
            ("化学药制剂", "生产制造", M, "27", "制药、药业"),
            ("生物制品", "生产制造", M, "", "生物制品、疫苗、生物技术"),
            ("医疗器械", "生产制造", M, "35", "医疗器械、医疗设备、生物医疗"),
            ("流通与服务", "", D, "", ""),
            ("医药流通", "流通与服务", D, "", "医药商业、医药物流、大药房"),
            ("医疗健康服务", "流通与服务", D, "", "医院管理、健康管理、体检"),
        ],
    ),
    (
        "新一代信息技术",
        "数字经济",
        "以软件和信息技术服务为主体，向上游集成电路设计延链，强化数据和安全服务",
        [
            ("基础硬件", "", U, "", ""),
            ("集成电路设计", "基础硬件", U, "39", "集成电路、芯片、半导体"),
            ("电子元器件", "基础硬件", U, "", "电子元件、传感器"),
            ("软件与平台", "", M, "", ""),
            ("基础软件", "软件与平台", M, "65", "软件"),
            ("云计算与数据中心", "软件与平台", M, "64", "云计算、数据中心、大数据"),
            ("人工智能", "软件与平台", M, "", "人工智能、智能科技、数智"),
            ("应用与服务", "", D, "", ""),
            ("信息安全", "应用与服务", D, "", "信息安全、网络安全"),
            ("电信与互联网服务", "应用与服务", D, "63", "通信、互联网"),
        ],
    ),
    (
        "高端装备",
        "",
        "依托设计和检测服务优势，引进整机和关键零部件企业，建设装备研发总部",
        [
            ("关键零部件", "", U, "34", "零部件、轴承、液压"),
            ("整机制造", "", M, "", ""),
            ("专用设备", "整机制造", M, "35", "专用设备、工程机械"),
            ("智能装备与机器人", "整机制造", M, "", "机器人、智能装备、数控"),
            ("轨道交通与航空装备", "整机制造", M, "37", "轨道交通、航空、航天"),
            ("工业设计与服务", "", D, "74", "工业设计、工程设计、设计研究院"),
            ("检验检测认证", "", D, "", "检测、认证、计量"),
        ],
    ),
    (
        "金融服务",
        "科技金融",
        "做强银行保险总部，补齐证券基金，发展金融科技和融资租赁",
        [
            ("银行", "", U, "66", "银行"),
            ("保险", "", U, "68", "保险"),
            ("资本市场", "", M, "", ""),
            ("证券期货", "资本市场", M, "", "证券、期货"),
            ("股权投资与基金", "资本市场", M, "", "基金、股权投资、创业投资"),
            ("金融科技与服务", "", D, "69", "金融科技、支付、金融服务"),
            ("融资租赁与保理", "", D, "", "融资租赁、商业保理"),
        ],
    ),
    (
        "商务商贸",
        "商务商贸",
        "发展总部经济和专业服务，提升商贸流通",
        [
            ("批发与进出口", "", U, "51", "贸易、进出口"),
            ("商务服务", "", M, "72", ""),
            ("法律与会计", "商务服务", M, "", "律师事务所、会计师事务所、税务师"),
            ("咨询与人力资源", "商务服务", M, "", "咨询、人力资源"),
            ("会展与广告", "商务服务", M, "", "会展、广告"),
            ("零售与消费", "", D, "52", "商贸、百货、零售"),
        ],
    ),
    (
        "航运物流",
        "航运物流",
        "以航运服务为特色，延伸供应链管理，补齐仓储冷链",
        [
            ("水上运输", "", U, "55", "航运、海运、船务"),
            ("货运代理与多式联运", "", M, "58", "货运代理、国际物流、多式联运"),
            ("仓储与冷链", "", M, "59", "仓储、冷链"),
            ("供应链管理", "", D, "", "供应链"),
            ("航运服务", "", D, "", "船舶管理、航运经纪、海事"),
        ],
    ),
]

# name, code body (17), class, status, ownership, region, rankings, tags, listed
ENTERPRISES = [
    (
        "天津河西康宁药业有限公司",
        "91120103MA05C0011",
        "27",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西博奥医疗器械有限公司",
        "91120103MA05C0012",
        "35",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西云数数据科技有限公司",
        "91120103MA05C0013",
        "64",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西安信信息安全技术有限公司",
        "91120103MA05C0014",
        "65",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西智联软件有限公司",
        "91120103MA05C0015",
        "65",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西汇通基金管理有限公司",
        "91120103MA05C0016",
        "67",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西津港供应链管理有限公司",
        "91120103MA05C0017",
        "72",
        "local",
        "local_soe",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西海通国际货运代理有限公司",
        "91120103MA05C0018",
        "58",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西友谊商贸有限公司",
        "91120103MA05C0019",
        "52",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西诚信会计师事务所有限公司",
        "91120103MA05C0020",
        "72",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西精工检测认证有限公司",
        "91120103MA05C0021",
        "74",
        "local",
        "private",
        "120000",
        [],
        [],
        "",
    ),
    (
        "天津河西渤海银行科技支行有限公司",
        "91120103MA05C0022",
        "66",
        "local",
        "local_soe",
        "120000",
        [],
        [],
        "",
    ),
    (
        "无锡药明康德新药开发股份有限公司",
        "91320200MA05C0031",
        "73",
        "target",
        "private",
        "320000",
        [("private500", 2025, 310)],
        [],
        "上交所",
    ),
    (
        "深圳迈瑞生物医疗电子股份有限公司",
        "91440300MA05C0032",
        "35",
        "target",
        "private",
        "440000",
        [("private500", 2025, 260), ("industry100", 2025, 1)],
        [],
        "深交所",
    ),
    (
        "中芯国际集成电路制造有限公司",
        "91310000MA05C0033",
        "39",
        "target",
        "foreign",
        "310000",
        [("china500", 2025, 280)],
        ["国际系"],
        "上交所",
    ),
    (
        "中国中车股份有限公司",
        "91110000MA05C0034",
        "37",
        "target",
        "central_soe",
        "110000",
        [("fortune500", 2025, 390), ("china500", 2025, 90)],
        ["央企系"],
        "上交所",
    ),
    (
        "三一重工股份有限公司",
        "91430000MA05C0035",
        "35",
        "target",
        "private",
        "430000",
        [("private500", 2025, 80)],
        [],
        "上交所",
    ),
    (
        "奇安信科技集团股份有限公司",
        "91110000MA05C0036",
        "65",
        "target",
        "private",
        "110000",
        [("little_giant", 2024, None)],
        [],
        "上交所",
    ),
    (
        "中信证券股份有限公司",
        "91440300MA05C0037",
        "67",
        "target",
        "central_soe",
        "440000",
        [("china500", 2025, 200)],
        ["央企系"],
        "上交所",
    ),
    (
        "顺丰控股股份有限公司",
        "91440300MA05C0038",
        "58",
        "target",
        "private",
        "440000",
        [("fortune500", 2025, 370), ("private500", 2025, 20)],
        [],
        "深交所",
    ),
    (
        "上海国际港务（集团）股份有限公司",
        "91310000MA05C0039",
        "55",
        "target",
        "local_soe",
        "310000",
        [("china500", 2025, 330)],
        [],
        "上交所",
    ),
    (
        "京东物流供应链有限公司",
        "91110000MA05C0040",
        "59",
        "target",
        "private",
        "110000",
        [("service500", 2025, 30)],
        [],
        "",
    ),
]


def _enterprises(departments):
    divisions = {i.code: i for i in Industry.objects.filter(level="division")}
    for name, body, code, status, ownership, region, rankings, tags, listed in ENTERPRISES:
        credit = body + uscc.calc_check_digit(body)
        if Enterprise.objects.filter(credit_code=credit).exists():
            continue
        e = enterprise_create(
            actor=None,
            data={
                "name": name,
                "credit_code": credit,
                "ownership": ownership,
                "status": status,
                "hq_region": Region.objects.filter(code=region).first(),
                "listing_exchange": listed,
                "registered_capital": Decimal(10_000_000),
                "industries": [divisions[code]] if code in divisions else [],
                "tags": list(Tag.objects.filter(name__in=tags)),
            },
            confirm_duplicates=True,
        )
        for kind, year, place in rankings:
            ranking_set(actor=None, enterprise=e, kind=kind, year=year, rank=place)


def load_demo_chains(*, departments):
    _enterprises(departments)
    for order, (name, key, description, links) in enumerate(CHAINS, start=1):
        if Chain.objects.filter(name=name).exists():
            continue
        chain = services.chain_create(
            actor=None,
            data={
                "name": name,
                "key_industry": KeyIndustry.objects.filter(name=key).first() if key else None,
                "description": description,
                "sort_order": order * 10,
            },
        )
        made: dict[str, Link] = {}
        for i, (link, parent, position, codes, keywords) in enumerate(links, start=1):
            made[link] = services.link_save(
                actor=None,
                chain=chain,
                data={
                    "name": link,
                    "parent": made.get(parent),
                    "position": position,
                    "keywords": keywords,
                    "sort_order": i * 10,
                },
                industries=services.parse_industry_codes(codes),
                recompute=False,
            )
        services.placements_recompute(actor=None, chain=chain)
    _manual(departments)


def _manual(departments):
    """One manual placement and one manual removal, and one lead from a target."""
    from zhaoshang.org.models import User

    office = User.objects.filter(username="zhaoshangban").first()
    ai = Link.objects.filter(chain__name="新一代信息技术", name="人工智能").first()
    local = Enterprise.objects.filter(name="天津河西智联软件有限公司").first()
    if office and ai and local and not ai.placements.filter(enterprise=local).exists():
        services.placement_add(
            actor=office, link=ai, enterprise=local, note="主营智能客服软件，经走访确认"
        )
    design = Link.objects.filter(chain__name="高端装备", name="工业设计与服务").first()
    school = Enterprise.objects.filter(name="天津大学设计研究院有限公司").first()
    if (
        office
        and design
        and school
        and not design.placements.filter(enterprise=school, removed=True).exists()
    ):
        services.placement_remove(
            actor=office, link=design, enterprise=school, note="以建筑设计为主，不属装备设计"
        )
    devices = Link.objects.filter(chain__name="生物医药", name="医疗器械").first()
    target = Enterprise.objects.filter(name="深圳迈瑞生物医疗电子股份有限公司").first()
    if office and devices and target and not ChainLead.objects.filter(link=devices).exists():
        from zhaoshang.enterprises.queries import library

        if not target.projects.exists():
            services.target_register_lead(
                actor=office, link=devices, enterprise=target, library=library(office)
            )

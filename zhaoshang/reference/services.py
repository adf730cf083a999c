"""Writes to reference data: key industries, zones, carriers (and their Excel import)."""

from decimal import Decimal

from django.db import transaction

from zhaoshang.common.records import record_create, record_update

from .models import Carrier, Industry, KeyIndustry, Zone


def key_industry_create(*, actor, data):
    return record_create(KeyIndustry, actor=actor, data=data)


def key_industry_update(*, actor, key_industry, data, version):
    return record_update(key_industry, actor=actor, data=data, version=version)


def zone_create(*, actor, data):
    return record_create(Zone, actor=actor, data=data)


def zone_update(*, actor, zone, data, version):
    return record_update(zone, actor=actor, data=data, version=version)


def carrier_create(*, actor, data, detail=""):
    return record_create(Carrier, actor=actor, data=data, detail=detail)


def carrier_update(*, actor, carrier, data, version):
    return record_update(carrier, actor=actor, data=data, version=version)


# --- Demo data --------------------------------------------------------------------------
DEMO_KEY_INDUSTRIES = [
    # name, national divisions, strategic emerging, owner, positioning
    (
        "科技金融",
        ["66", "67", "68", "69", "75"],
        False,
        "区金融局",
        "金融与科技融合，服务科技型企业",
    ),
    ("数字经济", ["63", "64", "65"], True, "区工业和信息化局", "软件、互联网、数据服务"),
    ("生物医药", ["27", "35", "73"], True, "区卫生健康委", "创新药、医疗器械、研发服务"),
    ("航运物流", ["55", "58", "59", "60"], False, "区交通运输局", "航运服务、供应链管理"),
    ("设计", ["74"], True, "区科技局", "工业设计、工程设计、创意设计"),
    ("商务商贸", ["51", "52", "72"], False, "区商务局", "商贸流通、商务服务"),
    ("文旅融合", ["86", "87", "88", "61", "62"], False, "区文化和旅游局", "文化创意、旅游、会展"),
    ("总部经济", ["72"], False, "区发展改革委", "企业总部、地区总部、功能性总部"),
]
DEMO_ZONES = [
    ("泛友谊路小白楼金融圈", "金融、总部经济集聚区", ["科技金融", "总部经济"]),
    ("新八大里数字经济聚集区", "数字经济主题园区", ["数字经济"]),
    ("陈塘科技商务区", "科技服务、设计创意、生物医药研发", ["设计", "生物医药"]),
]
DEMO_CARRIERS = [
    # kind, name, address, zone, total, vacant, leading, operator, idle, major
    (
        "building",
        "小白楼国际金融中心",
        "河西区友谊路32号",
        "泛友谊路小白楼金融圈",
        86000,
        9200,
        ["科技金融"],
        "天津小白楼置业有限公司",
        False,
        False,
    ),
    (
        "building",
        "友谊路金融广场",
        "河西区友谊路41号",
        "泛友谊路小白楼金融圈",
        52000,
        3100,
        ["科技金融", "总部经济"],
        "天津友谊资产运营有限公司",
        False,
        False,
    ),
    (
        "building",
        "河西总部经济大厦",
        "河西区围堤道125号",
        "泛友谊路小白楼金融圈",
        64000,
        12800,
        ["总部经济"],
        "河西区国有资产经营公司",
        False,
        False,
    ),
    (
        "building",
        "八大里数字大厦",
        "河西区黑牛城道与珠江道交口",
        "新八大里数字经济聚集区",
        71000,
        15600,
        ["数字经济"],
        "天津八大里投资发展有限公司",
        False,
        False,
    ),
    (
        "building",
        "新八大里软件园一号楼",
        "河西区黑牛城道58号",
        "新八大里数字经济聚集区",
        38000,
        6400,
        ["数字经济"],
        "天津八大里投资发展有限公司",
        False,
        False,
    ),
    (
        "building",
        "陈塘科技大厦",
        "河西区洞庭路",
        "陈塘科技商务区",
        45000,
        8700,
        ["设计"],
        "陈塘科技商务区管委会",
        False,
        False,
    ),
    (
        "building",
        "陈塘设计中心",
        "河西区内江路与洞庭路交口",
        "陈塘科技商务区",
        29000,
        2500,
        ["设计", "文旅融合"],
        "陈塘科技商务区管委会",
        False,
        False,
    ),
    (
        "park",
        "陈塘生物医药孵化园",
        "河西区微山路",
        "陈塘科技商务区",
        56000,
        11000,
        ["生物医药"],
        "天津陈塘产业园运营有限公司",
        False,
        False,
    ),
    (
        "park",
        "河西文化创意产业园",
        "河西区解放南路",
        None,
        33000,
        4100,
        ["文旅融合"],
        "河西区文化产业发展中心",
        False,
        False,
    ),
    (
        "land",
        "陈塘片区03-12地块",
        "河西区洞庭路以东、微山路以北",
        "陈塘科技商务区",
        86,
        86,
        ["生物医药"],
        "河西区土地整理中心",
        True,
        True,
    ),
    (
        "land",
        "八大里片区07-05地块",
        "河西区珠江道以南",
        "新八大里数字经济聚集区",
        42,
        42,
        ["数字经济"],
        "河西区土地整理中心",
        True,
        False,
    ),
    (
        "land",
        "挂甲寺储备地块",
        "河西区大沽南路与微山路交口",
        None,
        25.5,
        0,
        ["商务商贸"],
        "河西区土地整理中心",
        False,
        False,
    ),
]


@transaction.atomic
def load_demo_reference(*, departments):
    """Key industries, zones and carriers of the demo district (idempotent)."""
    office = departments.get("区招商办")
    keys = {}
    for order, (name, divisions, emerging, owner, positioning) in enumerate(
        DEMO_KEY_INDUSTRIES, start=1
    ):
        key = KeyIndustry.objects.filter(name=name).first() or key_industry_create(
            actor=None,
            data={
                "name": name,
                "strategic_emerging": emerging,
                "department": departments.get(owner, office),
                "description": positioning,
                "sort_order": order,
                "divisions": list(Industry.objects.filter(code__in=divisions)),
            },
        )
        keys[name] = key
    zones = {}
    for name, positioning, leading in DEMO_ZONES:
        zones[name] = Zone.objects.filter(name=name).first() or zone_create(
            actor=None,
            data={
                "name": name,
                "positioning": positioning,
                "department": departments.get(name),
                "key_industries": [keys[k] for k in leading],
            },
        )
    for kind, name, address, zone, total, vacant, leading, operator, idle, major in DEMO_CARRIERS:
        if Carrier.objects.filter(kind=kind, name=name).exists():
            continue
        carrier_create(
            actor=None,
            data={
                "kind": kind,
                "name": name,
                "address": address,
                "zone": zones.get(zone),
                "total_area": Decimal(str(total)),
                "vacant_area": Decimal(str(vacant)),
                "operator": operator,
                "contact_name": "招商部",
                "contact_phone": "022-2830" + str(1000 + len(name)),
                "idle_reserve": idle,
                "reserved_for_major": major,
                "leading_industries": [keys[k] for k in leading],
            },
        )

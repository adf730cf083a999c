"""Demo enterprises: well-known targets from the 500 lists and a few local firms, each
followed by the unit that owns its industry."""

from decimal import Decimal

from stdnum.cn import uscc

from zhaoshang.reference.models import Industry, KeyIndustry, Region

from .models import Enterprise, Tag
from .services import contact_add, enterprise_create, ranking_set

BUILTIN_TAGS = ["中科系", "高校系", "央企系", "国际系"]

# name, code body (17 chars), ownership, region, key industry, unit, capital 万元, rankings, tags, status
DEMO = [
    (
        "天津河西数智科技有限公司",
        "91120103MA05L1234",
        "private",
        "120000",
        "数字经济",
        "区科技局",
        5000,
        [],
        [],
        "local",
    ),
    (
        "华为技术有限公司",
        "91440300192203821",
        "private",
        "440000",
        "数字经济",
        "区工业和信息化局",
        4041113,
        [("fortune500", 2025, 103), ("private500", 2025, 1)],
        [],
        "target",
    ),
    (
        "中国平安保险（集团）股份有限公司",
        "91440300100012316",
        "private",
        "440000",
        "科技金融",
        "区金融局",
        1821080,
        [("fortune500", 2025, 53)],
        [],
        "target",
    ),
    (
        "中国远洋海运集团有限公司",
        "91310000MA1FL1MMX",
        "central_soe",
        "310000",
        "航运物流",
        "区交通运输局",
        1100000,
        [("fortune500", 2025, 231), ("china500", 2025, 40)],
        ["央企系"],
        "target",
    ),
    (
        "中科院计算所天津研究院有限公司",
        "91120103MA06ABCD1",
        "research",
        "120000",
        "数字经济",
        "区科技局",
        3000,
        [],
        ["中科系"],
        "target",
    ),
    (
        "天津大学设计研究院有限公司",
        "91120103MA07ABCD2",
        "university",
        "120000",
        "设计",
        "区科技局",
        2000,
        [("high_tech", 2024, None)],
        ["高校系"],
        "local",
    ),
    (
        "康希诺生物股份公司",
        "91120116MA05N1XY3",
        "private",
        "120000",
        "生物医药",
        "区卫生健康委",
        24747,
        [("little_giant", 2024, None)],
        [],
        "target",
    ),
    (
        "西门子（中国）有限公司",
        "91110000100004567",
        "foreign",
        "110000",
        "总部经济",
        "区发展改革委",
        100000,
        [("fortune500", 2025, 124)],
        ["国际系"],
        "target",
    ),
]


def load_demo_enterprises(*, departments):
    for name in BUILTIN_TAGS:
        Tag.objects.get_or_create(name=name, defaults={"is_builtin": True})
    for name, body, ownership, region, key, unit, capital, rankings, tags, status in DEMO:
        code = body + uscc.calc_check_digit(body)
        if Enterprise.objects.filter(credit_code=code).exists():
            continue
        e = enterprise_create(
            actor=None,
            data={
                "name": name,
                "credit_code": code,
                "ownership": ownership,
                "hq_region": Region.objects.get(code=region),
                "department": departments.get(unit),
                "registered_capital": Decimal(capital) * 10000,
                "status": status,
                "key_industries": list(KeyIndustry.objects.filter(name=key)),
                "industries": list(
                    Industry.objects.filter(
                        code__in=[
                            d.code
                            for k in KeyIndustry.objects.filter(name=key)
                            for d in k.divisions.all()
                        ][:1]
                    )
                ),
                "tags": list(Tag.objects.filter(name__in=tags)),
                "notes": "已与企业投资发展部初步接洽。" if status == "target" else "",
            },
            confirm_duplicates=True,
        )
        for kind, year, rank in rankings:
            ranking_set(actor=None, enterprise=e, kind=kind, year=year, rank=rank)
        contact_add(
            actor=None,
            enterprise=e,
            data={"name": "张经理", "title": "投资发展部", "phone": "13800138000"},
        )

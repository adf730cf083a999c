"""Enterprises for tests, through ``enterprise_create`` (credit-code check, search keys,
audit line). Names of a sequence look alike to the duplicate control, so a factory
enterprise is created as a clerk who has seen the candidates and confirmed."""

import factory
from stdnum.cn import uscc

from zhaoshang.enterprises.models import Enterprise, Status
from zhaoshang.enterprises.services import enterprise_create, ranking_set

# Distinct, meaningful-looking names: the fuzzy duplicate control and the search index
# see Chinese words, not "企业1 / 企业2".
_NAMES = "华信 恒通 瑞丰 海川 博远 嘉禾 鼎盛 启明 天元 泰和 安澜 知行".split()


def credit_code(n):
    """A checksum-valid unified social credit code, distinct for each ``n``."""
    body = f"91120103MA{n % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def _name(n):
    return f"天津{_NAMES[n % len(_NAMES)]}测试{n}科技有限公司"


def an_enterprise():
    """The library's first enterprise, or a new one in an empty library: for a test that
    needs some enterprise to hang a project on and does not care which."""
    return Enterprise.objects.order_by("pk").first() or EnterpriseFactory()


class EnterpriseFactory(factory.Factory):
    """``EnterpriseFactory(department=unit, status="local", rankings=[("fortune500", 2025, 9)])``."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(_name)
    credit_code = factory.Sequence(credit_code)
    status = Status.TARGET
    department = None
    rankings = ()
    actor = None

    @classmethod
    def _create(cls, model_class, rankings=(), actor=None, **data):
        enterprise = enterprise_create(actor=actor, data=data, confirm_duplicates=True)
        for kind, year, rank in rankings:
            ranking_set(actor=actor, enterprise=enterprise, kind=kind, year=year, rank=rank)
        return enterprise


# A small library the enterprise, lead and import tests search, filter and match against:
# real names of the kinds the office follows (a 500-list target, a central SOE, a foreign
# group, a university and an academy spin-off, a local firm), each with the following
# unit given by name. Tests name the enterprise they mean from here.
# name, code body (17 chars), ownership, region, unit, rankings, tags, status
KNOWN = [
    (
        "天津河西数智科技有限公司",
        "91120103MA05L1234",
        "private",
        "120000",
        "区科技局",
        [],
        [],
        "local",
    ),
    (
        "华为技术有限公司",
        "91440300192203821",
        "private",
        "440000",
        "区工业和信息化局",
        [("fortune500", 2025, 103), ("private500", 2025, 1)],
        [],
        "target",
    ),
    (
        "中国平安保险（集团）股份有限公司",
        "91440300100012316",
        "private",
        "440000",
        "区金融局",
        [("fortune500", 2025, 53)],
        [],
        "target",
    ),
    (
        "中国远洋海运集团有限公司",
        "91310000MA1FL1MMX",
        "central_soe",
        "310000",
        "区工业和信息化局",
        [("fortune500", 2025, 231), ("china500", 2025, 40)],
        ["央企系"],
        "target",
    ),
    (
        "中科院计算所天津研究院有限公司",
        "91120103MA06ABCD1",
        "research",
        "120000",
        "区科技局",
        [],
        ["中科系"],
        "target",
    ),
    (
        "天津大学设计研究院有限公司",
        "91120103MA07ABCD2",
        "university",
        "120000",
        "区科技局",
        [("high_tech", 2024, None)],
        ["高校系"],
        "local",
    ),
    (
        "西门子（中国）有限公司",
        "91110000100004567",
        "foreign",
        "110000",
        "区工业和信息化局",
        [("fortune500", 2025, 124)],
        ["国际系"],
        "target",
    ),
]
TAGS = ["中科系", "高校系", "央企系", "国际系"]
# The key industry of each (set when that key industry exists).
KNOWN_INDUSTRY = {
    "天津河西数智科技有限公司": "数字经济",
    "华为技术有限公司": "数字经济",
    "中国平安保险（集团）股份有限公司": "科技金融",
    "中国远洋海运集团有限公司": "航运物流",
    "中科院计算所天津研究院有限公司": "数字经济",
    "天津大学设计研究院有限公司": "设计",
    "西门子（中国）有限公司": "总部经济",
}


def known_enterprises():
    """The enterprises of ``KNOWN`` by name, each followed by its unit (which must exist:
    the personas' units) with one contact, 张经理 13800138000 (idempotent)."""
    from decimal import Decimal

    from zhaoshang.enterprises.models import Tag
    from zhaoshang.enterprises.services import contact_add
    from zhaoshang.org.models import Department
    from zhaoshang.reference.models import KeyIndustry, Region

    for name in TAGS:
        Tag.objects.get_or_create(name=name, defaults={"is_builtin": True})
    made = {}
    for name, body, ownership, region, unit, rankings, tags, status in KNOWN:
        code = body + uscc.calc_check_digit(body)
        existing = Enterprise.objects.filter(credit_code=code).first()
        if existing is not None:
            made[name] = existing
            continue
        enterprise = EnterpriseFactory(
            name=name,
            credit_code=code,
            ownership=ownership,
            hq_region=Region.objects.get(code=region),
            department=Department.objects.get(name=unit),
            registered_capital=Decimal(10_000_000),
            status=status,
            tags=list(Tag.objects.filter(name__in=tags)),
            key_industries=list(KeyIndustry.objects.filter(name=KNOWN_INDUSTRY[name])),
            rankings=rankings,
        )
        contact_add(
            actor=None,
            enterprise=enterprise,
            data={"name": "张经理", "title": "投资发展部", "phone": "13800138000"},
        )
        made[name] = enterprise
    return made

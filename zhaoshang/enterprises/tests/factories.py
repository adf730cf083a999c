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

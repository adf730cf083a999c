"""Partners, rules and a landed project with funds in place, for the reward tests."""

import datetime as dt
from decimal import Decimal

from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.partners import services
from zhaoshang.partners.models import Partner
from zhaoshang.pipeline.models import Stage
from zhaoshang.pipeline.tests.factories import FundsEntryFactory, ProjectFactory

FUNDS_ON = dt.date(2026, 3, 2)


def partner(actor, *, kind=Partner.Kind.INTERMEDIARY, name="北京华信投资咨询有限公司", **extra):
    return services.partner_create(actor=actor, data={"kind": kind, "name": name, **extra})


def rules(actor):
    """The office's table: 一般 (≥5000万, funds ≥1000万): 5万 + 0.2%, cap 20万;
    重大 (≥5亿, funds ≥1亿): 20万 + 0.3%, cap 100万."""
    made = []
    for name, inv, funds, fixed, rate, cap in [
        ("一般项目", 50_000_000, 10_000_000, 50_000, "0.2", 200_000),
        ("重大项目", 500_000_000, 100_000_000, 200_000, "0.3", 1_000_000),
    ]:
        made.append(
            services.rule_save(
                actor=actor,
                data={
                    "name": name,
                    "min_investment": Decimal(inv),
                    "min_funds": Decimal(funds),
                    "fixed_amount": Decimal(fixed),
                    "rate": Decimal(rate),
                    "cap": Decimal(cap),
                    "is_active": True,
                },
            )
        )
    return made


def referred_project(
    clerk, referrer, *, stage=Stage.LANDED, investment=80_000_000, funds=(20_000_000,)
):
    """A project of ``clerk``'s unit referred by ``referrer``, at ``stage``, agreed for
    ``investment`` yuan, with funds in place entered on 2 March 2026."""
    project = ProjectFactory(
        actor=clerk,
        stage=stage,
        enterprise=EnterpriseFactory(),
        agreed_investment=Decimal(investment),
        referrer=referrer,
    )
    for amount in funds:
        FundsEntryFactory(
            project=project, actor=clerk, received_on=FUNDS_ON, amount=Decimal(amount)
        )
    return project

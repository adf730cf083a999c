import datetime as dt
import itertools
from decimal import Decimal

import pytest

from zhaoshang.reports.demo import make_project

_names = itertools.count(1)


@pytest.fixture
def units(demo):
    """The demo units, without the demo's projects, rates and targets: each test counts
    only what it builds."""
    from zhaoshang.assessment.models import Target
    from zhaoshang.org.models import Department
    from zhaoshang.pipeline.models import Project
    from zhaoshang.reports.models import ExchangeRate, FundsMonth

    Project.objects.all().delete()
    FundsMonth.objects.all().delete()  # the sums of the entries just deleted
    ExchangeRate.objects.all().delete()
    Target.objects.all().delete()

    return {d.short_name or d.name: d for d in Department.objects.all()}


@pytest.fixture
def enterprise(units):
    from zhaoshang.enterprises.models import Enterprise

    return Enterprise.objects.order_by("pk").first()


@pytest.fixture
def build(enterprise):
    """build(unit, signed_on=..., amount=万元, registered_at=...) → a signed project."""

    def make(unit, *, signed_on=None, amount=1000, registered_at=None, stage=None, **fields):
        from zhaoshang.pipeline.models import Stage
        from zhaoshang.reports.demo import at_local

        registered_at = registered_at or at_local(dt.date(2025, 1, 2))
        return make_project(
            name=f"测试项目{next(_names)}",
            enterprise=fields.pop("enterprise", enterprise),
            unit=unit,
            registered_at=registered_at,
            stage=stage or (Stage.SIGNED if signed_on else Stage.NEGOTIATING),
            signed_on=signed_on,
            amount=Decimal(amount) * 10000 if amount is not None else None,
            **fields,
        )

    return make


@pytest.fixture
def usd_rates(units):
    from zhaoshang.reports.models import ExchangeRate

    for year in (2025, 2026):
        for month in range(1, 13):
            ExchangeRate.objects.create(year=year, month=month, currency="USD", rate=Decimal("7.0"))

from decimal import Decimal

import pytest

from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.tests.factories import past_project


@pytest.fixture
def units(demo):
    """The personas' units by short name, with no projects, rates or targets: each test
    counts only what it builds."""
    from zhaoshang.org.models import Department

    return {d.short_name or d.name: d for d in Department.objects.all()}


@pytest.fixture
def enterprise(units):
    return EnterpriseFactory()


@pytest.fixture
def build(enterprise):
    """build(unit, signed_on=..., amount=万元, registered_at=...) → a signed project."""

    def make(unit, *, signed_on=None, amount=1000, registered_at=None, stage=None, **fields):
        return past_project(
            unit,
            enterprise=fields.pop("enterprise", enterprise),
            signed_on=signed_on,
            amount=amount,
            registered_at=registered_at,
            stage=stage,
            **fields,
        )

    return make


@pytest.fixture
def usd_rates(units):
    from zhaoshang.reports.models import ExchangeRate

    for year in (2025, 2026):
        for month in range(1, 13):
            ExchangeRate.objects.create(year=year, month=month, currency="USD", rate=Decimal("7.0"))

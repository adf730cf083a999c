import pytest

from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.tests.factories import past_project


@pytest.fixture
def units(demo):
    """The personas' units by name, with no projects or targets."""
    from zhaoshang.org.models import Department

    return {d.name: d for d in Department.objects.all()}


@pytest.fixture
def build(units):
    """build(unit, signed_on=..., amount=万元) → a signed project."""
    enterprise = EnterpriseFactory()

    def make(unit, *, signed_on=None, amount=1000, **fields):
        return past_project(
            unit,
            enterprise=fields.pop("enterprise", enterprise),
            signed_on=signed_on,
            amount=amount,
            **fields,
        )

    return make

"""An enterprise merge (enterprises.enterprise_merge) moves the duplicate's agreements and
operating figures to the survivor with an audit line each, and refuses when both hold
figures of one period and source (nothing is chosen between silently)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.agreements.models import Agreement, OperatingData
from zhaoshang.audit.models import AuditEvent
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import enterprise_create, enterprise_merge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]


def _figures(enterprise, unit, year, tax):
    return OperatingData.objects.create(
        enterprise=enterprise,
        year=year,
        source="tax",
        tax_district=Decimal(tax),
        department=unit,
    )


def test_a_merge_moves_agreements_and_figures_with_an_audit_line_each(demo):
    office = demo["office_staff"]
    agreement = Agreement.objects.order_by("pk").first()
    duplicate = agreement.enterprise
    survivor = enterprise_create(
        actor=office, data={"name": "天津合并测试存续科技有限公司"}, confirm_duplicates=True
    )
    figures = _figures(duplicate, office.department, 2019, "100")
    enterprise_merge(actor=office, survivor=survivor, duplicate=duplicate)
    agreement.refresh_from_db()
    figures.refresh_from_db()
    assert agreement.enterprise == survivor and figures.enterprise == survivor
    lines = AuditEvent.objects.filter(detail__startswith="企业合并", object_id=str(agreement.pk))
    assert lines.filter(object_type__icontains="agreement").exists()


def test_a_merge_is_refused_naming_the_period_both_hold(demo):
    office = demo["office_staff"]
    a = enterprise_create(actor=office, data={"name": "天津合并测试甲科技有限公司"})
    b = enterprise_create(
        actor=office, data={"name": "天津合并测试乙科技有限公司"}, confirm_duplicates=True
    )
    _figures(a, office.department, 2019, "100")
    kept = _figures(b, office.department, 2019, "120")
    with pytest.raises(ValidationError) as refused:
        enterprise_merge(actor=office, survivor=a, duplicate=b)
    assert "2019年" in refused.value.messages[0]
    kept.refresh_from_db()
    assert kept.enterprise == b
    assert Enterprise.objects.get(pk=b.pk).merged_into_id is None

"""Targets for tests, through ``target_save`` (the audited upsert the form and the import
use). Amounts in yuan as stored; a test states them in 万元 as ``wan(50000)``."""

from decimal import Decimal

import factory

from zhaoshang.assessment.models import Target
from zhaoshang.assessment.services import target_save


def wan(amount):
    return Decimal(amount) * 10000


class TargetFactory(factory.Factory):
    """``TargetFactory(department=unit, year=2026, signed_projects=6, agreed_investment=wan(50000))``."""

    class Meta:
        model = Target

    year = 2026
    department = None
    actor = None
    signed_projects = 3

    @classmethod
    def _create(cls, model_class, year, department, actor=None, **data):
        target, _ = target_save(actor=actor, year=year, department=department, data=data)
        return target

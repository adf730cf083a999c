import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.enterprises.tests.factories import EnterpriseFactory, an_enterprise
from zhaoshang.pipeline.models import MajorLevel, OwnerChange, Project, Stage, StageChange
from zhaoshang.pipeline.projects.services import ledger_entry_add, project_create

pytestmark = pytest.mark.django_db


def test_registering_writes_the_first_owner_and_stage_rows(demo):
    clerk = demo["department_staff"]
    enterprise = an_enterprise()
    project = project_create(
        actor=clerk,
        data={"name": "测试项目", "enterprise": enterprise, "estimated_investment": Decimal("2e8")},
    )
    assert project.stage == Stage.LEAD
    assert project.department == project.registered_department == clerk.department
    assert project.major_level == MajorLevel.MAJOR
    owner = OwnerChange.objects.get(project=project)
    assert (owner.kind, owner.to_department) == (OwnerChange.Kind.REGISTER, clerk.department)
    change = StageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage) == ("", Stage.LEAD)


def test_the_ledger_date_only_moves_forward(demo):
    clerk = demo["department_staff"]
    project = project_create(
        actor=clerk,
        data={"name": "台账项目", "enterprise": an_enterprise()},
    )
    ledger_entry_add(
        actor=clerk, project=project, occurred_on=dt.date(2026, 5, 2), content="首次洽谈"
    )
    ledger_entry_add(actor=clerk, project=project, occurred_on=dt.date(2026, 4, 1), content="补记")
    assert Project.objects.get(pk=project.pk).last_ledger_on == dt.date(2026, 5, 2)


def test_head_enterprise_projects_are_those_of_500_list_enterprises(demo):
    from zhaoshang.enterprises.models import Ranking

    clerk = demo["department_staff"]
    ranked, plain = EnterpriseFactory(), EnterpriseFactory()
    Ranking.objects.filter(enterprise__in=[ranked, plain]).delete()
    Ranking.objects.create(enterprise=ranked, kind="fortune500", year=2025, rank=88)
    Ranking.objects.create(enterprise=plain, kind="high_tech", year=2025)
    a = project_create(actor=clerk, data={"name": "头部项目", "enterprise": ranked})
    b = project_create(actor=clerk, data={"name": "一般项目", "enterprise": plain})
    heads = set(Project.objects.filter(pk__in=[a.pk, b.pk]).head_enterprise())
    assert heads == {a}

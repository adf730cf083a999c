import datetime as dt
import itertools
from decimal import Decimal

import pytest

from zhaoshang.audit.models import AuditEvent
from zhaoshang.enterprises.tests.factories import an_enterprise
from zhaoshang.pipeline.models import MajorLevel, Project, Stage, StageChange
from zhaoshang.pipeline.projects import workflow
from zhaoshang.pipeline.projects.services import project_create
from zhaoshang.pipeline.projects.workflow import (
    TRANSITIONS,
    MoveConflict,
    MoveRefused,
    project_move,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
VALID_USCC = "91310000MA1FL4CN3P"
# What each target stage needs, so every row of the table can be exercised.
NEEDS = {
    Stage.SIGNED: {
        "signed_on": dt.date(2026, 11, 2),
        "agreed_investment": Decimal("250000000"),
        "agreement_no": "HX-2026-018",
    },
    Stage.LANDED: {"registered_credit_code": VALID_USCC, "registered_on": dt.date(2026, 11, 10)},
    Stage.CONSTRUCTION: {"construction_on": dt.date(2026, 11, 12)},
    Stage.OPERATING: {"operating_on": dt.date(2026, 11, 20)},
}


@pytest.fixture(autouse=True)
def _moves_without_admission_evaluation(db):
    # Admission evaluation registers a signing guard (approval_services.evaluation_missing)
    # above PipelineConfig.evaluation_threshold; these tests are about the move itself, so
    # their projects stay below it. test_approvals covers the guard.
    from zhaoshang.pipeline.models import PipelineConfig

    config = PipelineConfig.current()
    config.evaluation_threshold = Decimal("1e13")
    config.save()


def _project(demo, stage, before_hold=""):
    clerk = demo["department_staff"]
    project = project_create(
        actor=clerk,
        data={"name": f"测试项目{stage}", "enterprise": an_enterprise()},
    )
    Project.objects.filter(pk=project.pk).update(stage=stage, stage_before_hold=before_hold)
    project.refresh_from_db()
    return project


@pytest.mark.parametrize(("src", "dst"), list(TRANSITIONS))
def test_every_move_in_the_table_is_allowed(demo, src, dst):
    before_hold = dst if src == Stage.ON_HOLD and dst != Stage.DROPPED else ""
    project = _project(demo, src, before_hold)
    # Audit rows of earlier committed tests may name a reused id; count only this move's.
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    change = project_move(
        actor=demo["department_staff"],
        project=project,
        to_stage=dst,
        data=NEEDS.get(dst, {}),
        reason="测试原因",
        today=TODAY,
    )
    project.refresh_from_db()
    assert project.stage == dst
    assert (change.from_stage, change.to_stage) == (src, dst)
    assert change.department == project.department
    if dst in workflow.DATE_FIELD and src != Stage.ON_HOLD:
        assert change.occurred_on == NEEDS[dst][workflow.DATE_FIELD[dst]]
    assert (
        AuditEvent.objects.filter(
            pk__gt=last_event,
            object_type="pipeline.project",
            object_id=str(project.pk),
            detail__startswith="阶段变更",
        ).count()
        == 1
    )


REFUSED = [
    (src, dst)
    for src, dst in itertools.product(Stage.values, Stage.values)
    if (src, dst) not in TRANSITIONS
]


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_every_move_outside_the_table_is_refused(demo, src, dst):
    project = _project(demo, src, Stage.NEGOTIATING if src == Stage.ON_HOLD else "")
    with pytest.raises(MoveRefused) as refused:
        project_move(
            actor=demo["department_staff"],
            project=project,
            to_stage=dst,
            data=NEEDS.get(dst, {}),
            reason="测试",
            today=TODAY,
        )
    assert "不能" in refused.value.messages[0]
    project.refresh_from_db()
    assert project.stage == src
    assert StageChange.objects.filter(project=project).count() == 1  # only the registration


def test_signing_names_what_is_missing_and_changes_nothing(demo):
    project = _project(demo, Stage.NEGOTIATING)
    with pytest.raises(MoveRefused) as refused:
        project_move(
            actor=demo["department_staff"],
            project=project,
            to_stage=Stage.SIGNED,
            data={"signed_on": dt.date(2026, 11, 2)},
            today=TODAY,
        )
    message = refused.value.messages[0]
    assert "协议投资额" in message and "协议编号或协议文件" in message
    assert "签约日期" not in message
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING


def test_signing_sets_the_level_and_a_voided_agreement_clears_the_date(demo):
    project = _project(demo, Stage.NEGOTIATING)
    clerk = demo["department_staff"]
    data = {**NEEDS[Stage.SIGNED], "agreed_investment": Decimal("1200000000")}
    project_move(actor=clerk, project=project, to_stage=Stage.SIGNED, data=data, today=TODAY)
    assert (project.major_level, project.signed_on) == (MajorLevel.VERY_MAJOR, dt.date(2026, 11, 2))
    with pytest.raises(MoveRefused, match="须填写原因"):
        project_move(actor=clerk, project=project, to_stage=Stage.NEGOTIATING, today=TODAY)
    change = project_move(
        actor=clerk,
        project=project,
        to_stage=Stage.NEGOTIATING,
        reason="投资方董事会未批准，协议作废",
        data={"occurred_on": dt.date(2026, 11, 15)},
        today=TODAY,
    )
    assert project.signed_on is None and project.stage == Stage.NEGOTIATING
    assert change.occurred_on == dt.date(2026, 11, 15)


def test_landing_refuses_an_invalid_credit_code(demo):
    project = _project(demo, Stage.SIGNED)
    with pytest.raises(MoveRefused, match="校验位不正确"):
        project_move(
            actor=demo["department_staff"],
            project=project,
            to_stage=Stage.LANDED,
            data={"registered_credit_code": "91310000MA1FL4CN31", "registered_on": TODAY},
            today=TODAY,
        )


def test_a_date_in_the_future_is_refused(demo):
    project = _project(demo, Stage.LANDED)
    with pytest.raises(MoveRefused, match="开工日期不能晚于今天"):
        project_move(
            actor=demo["department_staff"],
            project=project,
            to_stage=Stage.CONSTRUCTION,
            data={"construction_on": TODAY + dt.timedelta(days=1)},
            today=TODAY,
        )


def test_hold_returns_only_to_the_stage_it_left(demo):
    project = _project(demo, Stage.SIGNED)
    clerk = demo["department_staff"]
    project_move(actor=clerk, project=project, to_stage=Stage.ON_HOLD, reason="资金未落实")
    assert (project.stage_before_hold, project.dropped_reason) == (Stage.SIGNED, "资金未落实")
    with pytest.raises(MoveRefused, match="只能恢复到搁置前的阶段“签约”"):
        project_move(actor=clerk, project=project, to_stage=Stage.NEGOTIATING)
    project_move(actor=clerk, project=project, to_stage=Stage.SIGNED)
    assert (project.stage, project.stage_before_hold) == (Stage.SIGNED, "")


def test_a_registered_guard_refuses(demo):
    project = _project(demo, Stage.NEGOTIATING)

    def guard(project, data):
        return "须先完成准入评估" if data["agreed_investment"] > 100 else None

    workflow.register_check(Stage.SIGNED, guard)
    try:
        with pytest.raises(MoveRefused, match="须先完成准入评估"):
            project_move(
                actor=demo["department_staff"],
                project=project,
                to_stage=Stage.SIGNED,
                data=NEEDS[Stage.SIGNED],
                today=TODAY,
            )
    finally:
        workflow.CHECKS[Stage.SIGNED].remove(guard)


def test_a_stale_copy_loses_to_the_first_mover(demo):
    """Two people opened the project in 洽谈; the first signs, the second drops it."""
    project = _project(demo, Stage.NEGOTIATING)
    first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
    project_move(
        actor=demo["department_staff"],
        project=first,
        to_stage=Stage.SIGNED,
        data=NEEDS[Stage.SIGNED],
        today=TODAY,
    )
    with pytest.raises(MoveConflict, match="已被他人从“洽谈”转为“签约”"):
        project_move(
            actor=demo["department_head"], project=second, to_stage=Stage.DROPPED, reason="放弃"
        )
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED
    assert list(StageChange.objects.filter(project=project).values_list("to_stage", flat=True)) == [
        Stage.LEAD,
        Stage.SIGNED,
    ]

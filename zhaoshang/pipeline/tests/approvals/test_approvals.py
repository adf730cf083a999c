"""Admission evaluation and tailored terms: totals, decisions, the signing guard, the
approval loop, who may do what."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.enterprises.tests.factories import an_enterprise
from zhaoshang.pipeline.approvals import services as svc
from zhaoshang.pipeline.approvals import workflow as terms_workflow
from zhaoshang.pipeline.models import (
    Evaluation,
    EvaluationScore,
    MeetingRecord,
    PipelineConfig,
    Project,
    TermsApproval,
    TermsState,
    TermsStep,
)
from zhaoshang.pipeline.projects.services import project_create, project_update


# --- Totals (pure) ------------------------------------------------------------------------
def crit(pk, weight, max_score=10):
    return SimpleNamespace(pk=pk, weight=Decimal(weight), max_score=Decimal(max_score))


def test_sheet_total_is_the_weighted_share_of_full_marks_out_of_100():
    criteria = [crit(1, 20), crit(2, 30, max_score=5), crit(3, 50, max_score=100)]
    # 20·(8/10) + 30·(5/5) + 50·(40/100) = 16 + 30 + 20 = 66 of 100 weight.
    assert svc.sheet_total(criteria, {1: 8, 2: 5, 3: 40}) == Decimal(66)
    # A criterion left unscored counts zero.
    assert svc.sheet_total(criteria, {2: 5}) == Decimal(30)
    # Weights need not add up to 100: 1·1 + 3·0.5 over 4 → 62.5.
    assert svc.sheet_total([crit(1, 1), crit(2, 3)], {1: 10, 2: 5}) == Decimal("62.5")


weights = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2)
maxima = st.decimals(min_value=Decimal(1), max_value=Decimal(100), places=1)


@st.composite
def sheets(draw):
    n = draw(st.integers(1, 8))
    criteria = [crit(i, draw(weights), draw(maxima)) for i in range(n)]
    reviewers = draw(st.integers(1, 4))
    scores = [
        {c.pk: draw(st.decimals(min_value=0, max_value=c.max_score, places=1)) for c in criteria}
        for _ in range(reviewers)
    ]
    return criteria, scores


@given(sheets(), st.integers(1, 50))
def test_total_properties(sheet, factor):
    criteria, scores = sheet
    totals = [svc.sheet_total(criteria, s) for s in scores]
    assert all(Decimal(0) <= t <= Decimal(100) for t in totals)
    # Full marks are 100, nothing is 0.
    assert svc.sheet_total(criteria, {c.pk: c.max_score for c in criteria}) == 100
    assert svc.sheet_total(criteria, {}) == 0
    # Only the ratio of weights matters.
    scaled = [crit(c.pk, c.weight * factor, c.max_score) for c in criteria]
    assert abs(svc.sheet_total(scaled, scores[0]) - totals[0]) < Decimal("1e-20")
    # The evaluation's total (mean of sheets) is the sheet total of the mean scores.
    mean = {c.pk: sum(s[c.pk] for s in scores) / len(scores) for c in criteria}
    assert abs(sum(totals) / len(totals) - svc.sheet_total(criteria, mean)) < Decimal("1e-20")


# --- Fixtures -----------------------------------------------------------------------------
@pytest.fixture
def people(demo):
    return {
        "office": demo["office_staff"],
        "clerk": demo["department_staff"],  # 区科技局
        "head": demo["department_head"],  # 区商务局
        "other": demo["street_staff"],  # 友谊路街道
        "leader": demo["leader"],
    }


@pytest.fixture
def project(people):
    return project_create(
        actor=people["clerk"],
        data={
            "name": "测试评估项目",
            "enterprise": an_enterprise(),
            "estimated_investment": Decimal("200000000"),
            "investment_intensity": Decimal("350"),
            "expected_jobs": 80,
        },
        stage="negotiating",
    )


@pytest.fixture
def template(people):
    office = people["office"]
    t = svc.evaluation_template_create(actor=office, data={"name": "测试模板"})
    svc.criterion_add(
        actor=office,
        template=t,
        data={
            "dimension": "industry_structure",
            "name": "产业方向",
            "weight": Decimal(40),
            "rule": "manual",
            "max_score": Decimal(10),
        },
    )
    svc.criterion_add(
        actor=office,
        template=t,
        data={
            "dimension": "economic_benefit",
            "name": "投资强度",
            "weight": Decimal(40),
            "rule": "computed",
            "max_score": Decimal(10),
            "source_field": "investment_intensity",
            "thresholds": "500:10；300:6；100:2",
        },
    )
    svc.criterion_add(
        actor=office,
        template=t,
        data={
            "dimension": "social_benefit",
            "name": "带动就业",
            "weight": Decimal(20),
            "rule": "computed",
            "max_score": Decimal(5),
            "source_field": "expected_jobs",
            "thresholds": "200:5；50:3",
        },
    )
    return t


def manual_ids(template):
    return [c.pk for c in template.criteria.filter(rule="manual")]


def score_all(evaluation, users, marks):
    for user, mark in zip(users, marks, strict=True):
        svc.evaluation_score_save(
            actor=user,
            evaluation=evaluation,
            scores={cid: (mark, "") for cid in manual_ids(evaluation.template)},
            submit=True,
        )


# --- Evaluations --------------------------------------------------------------------------
def test_computed_criteria_are_stored_when_the_evaluation_starts(people, project, template):
    e = svc.evaluation_create(
        actor=people["office"], project=project, template=template, reviewers=[people["clerk"]]
    )
    stored = {s.criterion.name: (s.value, s.score) for s in e.scores.select_related("criterion")}
    assert stored == {"投资强度": (Decimal(350), Decimal(6)), "带动就业": (Decimal(80), Decimal(3))}
    # A later edit of the project does not change this evaluation.
    Project.objects.filter(pk=project.pk).update(investment_intensity=900, expected_jobs=1000)
    score_all(e, [people["clerk"]], [10])
    decided = svc.evaluation_decide(
        actor=people["office"], evaluation=e, decision="admit", reasons="符合产业方向"
    )
    # 40·10/10 + 40·6/10 + 20·3/5 = 40 + 24 + 12 = 76.
    assert decided.total == Decimal("76.00")


def test_total_is_the_mean_of_reviewers_sheets(people, project, template):
    reviewers = [people["clerk"], people["head"]]
    e = svc.evaluation_create(
        actor=people["office"], project=project, template=template, reviewers=reviewers
    )
    score_all(e, reviewers, [10, 5])
    per_reviewer, overall = svc.evaluation_totals(e)
    # Computed part is 36 for both; manual 40 and 20.
    assert sorted(per_reviewer.values()) == [Decimal(56), Decimal(76)]
    assert overall == Decimal(66)


def test_template_freezes_once_used_and_copies_into_a_new_edition(people, project, template):
    office = people["office"]
    svc.evaluation_create(
        actor=office, project=project, template=template, reviewers=[people["clerk"]]
    )
    template.refresh_from_db()
    assert template.frozen
    with pytest.raises(ValidationError, match="已用于项目评估"):
        svc.criterion_add(
            actor=office,
            template=template,
            data={
                "dimension": "land_planning",
                "name": "新",
                "weight": 1,
                "rule": "manual",
                "max_score": 10,
            },
        )
    with pytest.raises(ValidationError, match="已用于项目评估"):
        svc.criterion_delete(actor=office, criterion=template.criteria.first())
    copy = svc.evaluation_template_copy(actor=office, template=template)
    assert (copy.edition, copy.criteria.count(), copy.frozen) == (2, 3, False)
    template.refresh_from_db()
    assert not template.is_active  # the old edition is no longer offered


def test_bad_template_input_is_refused_with_a_clear_message(people, template):
    office = people["office"]
    with pytest.raises(ValidationError, match="无法识别计分档次“高:10”"):
        svc.parse_thresholds("300:10；高:10")
    with pytest.raises(ValidationError, match="超过了该指标的满分"):
        svc.criterion_add(
            actor=office,
            template=template,
            data={
                "dimension": "high_tech",
                "name": "科技",
                "weight": Decimal(5),
                "rule": "computed",
                "max_score": Decimal(5),
                "source_field": "tech_content",
                "thresholds": "80:10",
            },
        )
    with pytest.raises(PermissionDenied):
        svc.evaluation_template_create(actor=people["clerk"], data={"name": "越权"})


def test_reviewer_scores_are_checked(people, project, template):
    e = svc.evaluation_create(
        actor=people["office"], project=project, template=template, reviewers=[people["clerk"]]
    )
    (cid,) = manual_ids(template)
    with pytest.raises(ValidationError, match="须在0至10之间"):
        svc.evaluation_score_save(actor=people["clerk"], evaluation=e, scores={cid: ("11", "")})
    with pytest.raises(ValidationError, match="尚未评分"):
        svc.evaluation_score_save(
            actor=people["clerk"], evaluation=e, scores={cid: ("", "")}, submit=True
        )
    assert not EvaluationScore.objects.filter(evaluation=e, reviewer__isnull=False).exists()
    with pytest.raises(PermissionDenied, match="不是该项目准入评估的评审人"):
        svc.evaluation_score_save(actor=people["head"], evaluation=e, scores={cid: ("5", "")})
    svc.evaluation_score_save(
        actor=people["clerk"], evaluation=e, scores={cid: ("7.5", "好")}, submit=True
    )
    with pytest.raises(ValidationError, match="已提交评分"):
        svc.evaluation_score_save(actor=people["clerk"], evaluation=e, scores={cid: ("9", "")})


def test_decision_needs_every_sheet_reasons_and_conditions_and_is_recorded_once(
    people, project, template
):
    office = people["office"]
    reviewers = [people["clerk"], people["head"]]
    e = svc.evaluation_create(actor=office, project=project, template=template, reviewers=reviewers)
    score_all(e, reviewers[:1], [8])
    with pytest.raises(ValidationError, match=f"{people['head'].full_name}尚未提交评分"):
        svc.evaluation_decide(actor=office, evaluation=e, decision="admit", reasons="好")
    score_all(e, reviewers[1:], [6])
    with pytest.raises(ValidationError) as info:
        svc.evaluation_decide(actor=office, evaluation=e, decision="conditional", reasons="")
    assert set(info.value.message_dict) == {"reasons", "conditions"}
    with pytest.raises(PermissionDenied):
        svc.evaluation_decide(actor=people["clerk"], evaluation=e, decision="admit", reasons="好")
    svc.evaluation_decide(
        actor=office,
        evaluation=e,
        decision="conditional",
        conditions="开工前取得环评批复",
        reasons="总体符合",
        today=dt.date(2026, 11, 20),
    )
    e.refresh_from_db()
    assert (e.decision, e.conditions, e.decided_on) == (
        "conditional",
        "开工前取得环评批复",
        dt.date(2026, 11, 20),
    )
    # A second decision (say, a colleague's stale page) changes nothing.
    with pytest.raises(ValidationError, match="已作出结论"):
        svc.evaluation_decide(
            actor=office,
            evaluation=Evaluation.objects.get(pk=e.pk),
            decision="reject",
            reasons="不",
        )
    assert Evaluation.objects.get(pk=e.pk).decision == "conditional"


# --- The signing guard --------------------------------------------------------------------
def test_signing_is_refused_above_the_threshold_without_an_admission(people, project, template):
    message = svc.evaluation_missing(project, {"agreed_investment": Decimal("150000000")})
    assert (
        "15,000.00万元" in message and "10,000.00万元" in message and "尚未完成准入评估" in message
    )
    # Below the configured size no evaluation is needed.
    assert svc.evaluation_missing(project, {"agreed_investment": Decimal("90000000")}) is None
    config = PipelineConfig.current()
    config.evaluation_threshold = Decimal("500000000")
    config.save()
    assert svc.evaluation_missing(project, {"agreed_investment": Decimal("150000000")}) is None
    config.evaluation_threshold = Decimal("100000000")
    config.save()
    # The estimated investment counts when the move names no agreed amount.
    assert svc.evaluation_missing(project, {}) is not None

    office = people["office"]
    e = svc.evaluation_create(
        actor=office, project=project, template=template, reviewers=[people["clerk"]]
    )
    score_all(e, [people["clerk"]], [3])
    svc.evaluation_decide(actor=office, evaluation=e, decision="reject", reasons="不符合")
    assert "不准入" in svc.evaluation_missing(project, {})
    e2 = svc.evaluation_create(
        actor=office, project=project, template=template, reviewers=[people["clerk"]]
    )
    score_all(e2, [people["clerk"]], [9])
    svc.evaluation_decide(actor=office, evaluation=e2, decision="admit", reasons="整改后符合")
    assert svc.evaluation_missing(project, {"agreed_investment": Decimal("150000000")}) is None


# --- Tailored terms -----------------------------------------------------------------------
def test_session_numbers_are_read_and_written_the_official_way():
    for text in ("第138次常务会议", "138", "第 138 次", "区政府第138次常务会议", "第138次常务会"):
        assert svc.session_normalize(text) == "第138次常务会议"
    for bad in ("", "常务会议", "第0次", "第一百次", "138、139"):
        with pytest.raises(ValidationError, match="无法识别"):
            svc.session_normalize(bad)


TODAY = dt.date(2026, 11, 23)


def meeting(decision, session, opinion="", held_on=None):
    return {
        "held_on": held_on or dt.date(2026, 11, 1),
        "session": session,
        "attendees": "区长、副区长",
        "decision": decision,
        "opinion": opinion,
        "minutes": "会议研究了该项目一企一策事项。",
    }


def prepare_round(approval, clerk, office, core):
    svc.terms_document_save(actor=clerk, approval=approval, kind="core_terms", text=core)
    svc.terms_submit(
        actor=clerk,
        approval=approval,
        action="submit_terms",
        expected_state=TermsState.DRAFTING_TERMS,
    )
    svc.terms_document_save(actor=office, approval=approval, kind="agreement", text="协议：" + core)
    svc.terms_document_save(actor=office, approval=approval, kind="rules", text="细则：" + core)
    svc.terms_submit(
        actor=office,
        approval=approval,
        action="submit_to_meeting",
        expected_state=TermsState.DRAFTING_AGREEMENT,
    )


def test_the_approval_loop_through_a_return_a_second_meeting_and_the_freeze(people, project):
    clerk, office = people["clerk"], people["office"]
    approval = svc.terms_start(actor=clerk, project=project)
    with pytest.raises(ValidationError, match="尚未起草核心条款"):
        svc.terms_submit(
            actor=clerk, approval=approval, action="submit_terms", expected_state=approval.state
        )
    prepare_round(approval, clerk, office, "租金减免三年")
    with pytest.raises(ValidationError, match="退回修改须写明退回理由"):
        svc.meeting_record(
            actor=office, approval=approval, today=TODAY, data=meeting("returned", "137")
        )
    svc.meeting_record(
        actor=office,
        approval=approval,
        today=TODAY,
        data=meeting("returned", "137", opinion="减免期过长"),
    )
    with pytest.raises(ValidationError, match="会议日期不能晚于今天"):
        svc.meeting_record(
            actor=office,
            approval=approval,
            today=TODAY,
            data=meeting("approved", "138", held_on=dt.date(2026, 11, 24)),
        )
    approval.refresh_from_db()
    assert (approval.state, approval.round) == (TermsState.DRAFTING_TERMS, 2)
    # The second round: new versions, another meeting, approval.
    prepare_round(approval, clerk, office, "租金减免两年")
    svc.meeting_record(
        actor=office,
        approval=approval,
        today=TODAY,
        data=meeting("approved", "第138次", held_on=dt.date(2026, 11, 15)),
    )
    approval.refresh_from_db()
    project.refresh_from_db()
    assert approval.state == TermsState.APPROVED and approval.approved_on == dt.date(2026, 11, 15)
    assert project.tailored_terms
    sessions = list(approval.meetings.values_list("round", "session", "decision"))
    assert sessions == [
        (1, "第137次常务会议", MeetingRecord.Decision.RETURNED),
        (2, "第138次常务会议", MeetingRecord.Decision.APPROVED),
    ]
    core = list(approval.documents.filter(kind="core_terms").values_list("number", "round", "text"))
    assert core == [(1, 1, "租金减免三年"), (2, 2, "租金减免两年")]
    steps = list(approval.steps.values_list("action", "round"))
    assert steps == [
        ("start", 1),
        ("submit_terms", 1),
        ("submit_to_meeting", 1),
        ("return", 1),
        ("submit_terms", 2),
        ("submit_to_meeting", 2),
        ("approve", 2),
    ]
    # Frozen: nobody edits, nobody restarts.
    for actor, kind in ((clerk, "core_terms"), (office, "agreement")):
        with pytest.raises(ValidationError, match="条款已冻结"):
            svc.terms_document_save(actor=actor, approval=approval, kind=kind, text="再改")
    with pytest.raises(ValidationError, match="条款已冻结"):
        svc.terms_start(actor=clerk, project=project)
    with pytest.raises(ValidationError):
        svc.meeting_record(
            actor=office, approval=approval, today=TODAY, data=meeting("returned", "139", "再议")
        )
    assert approval.documents.count() == 6


def test_diff_between_versions_marks_what_changed():
    from zhaoshang.pipeline.approvals.queries import text_diff

    assert text_diff("前三年租金减半", "前两年租金减半") == [
        ("same", "前"),
        ("del", "三"),
        ("ins", "两"),
        ("same", "年租金减半"),
    ]


def test_who_may_do_what_in_the_approval(people, project):
    clerk, office, other = people["clerk"], people["office"], people["other"]
    with pytest.raises(PermissionDenied):
        svc.terms_start(actor=other, project=project)
    approval = svc.terms_start(actor=clerk, project=project)
    with pytest.raises(ValidationError, match="正在办理"):
        svc.terms_start(actor=office, project=project)
    # Another unit's clerk and the office do not draft this unit's core terms.
    for actor in (other, office):
        with pytest.raises(PermissionDenied, match="核心条款由项目责任单位起草"):
            svc.terms_document_save(actor=actor, approval=approval, kind="core_terms", text="x")
    svc.terms_document_save(actor=clerk, approval=approval, kind="core_terms", text="条款")
    # The department does not draft the agreement or take it to the meeting.
    with pytest.raises(PermissionDenied):
        svc.terms_document_save(actor=clerk, approval=approval, kind="agreement", text="协议")
    svc.terms_submit(
        actor=clerk, approval=approval, action="submit_terms", expected_state=approval.state
    )
    with pytest.raises(PermissionDenied):
        svc.terms_submit(
            actor=clerk,
            approval=approval,
            action="submit_to_meeting",
            expected_state=approval.state,
        )
    with pytest.raises(PermissionDenied):
        svc.meeting_record(actor=clerk, approval=approval, data=meeting("approved", "138"))
    # Core terms are closed once submitted.
    with pytest.raises(ValidationError, match="此时不能修改核心条款"):
        svc.terms_document_save(actor=clerk, approval=approval, kind="core_terms", text="改")


def test_two_people_moving_one_approval_one_wins_one_history_row(people, project):
    clerk = people["clerk"]
    approval = svc.terms_start(actor=clerk, project=project)
    svc.terms_document_save(actor=clerk, approval=approval, kind="core_terms", text="条款")
    stale = TermsApproval.objects.get(pk=approval.pk)  # a second tab, opened before the move
    svc.terms_submit(
        actor=clerk,
        approval=approval,
        action="submit_terms",
        expected_state=TermsState.DRAFTING_TERMS,
    )
    with pytest.raises(ValidationError, match="已被他人处理"):
        terms_workflow.terms_move(
            actor=clerk,
            approval=stale,
            action="submit_terms",
            expected_state=TermsState.DRAFTING_TERMS,
        )
    assert TermsStep.objects.filter(approval=approval, action="submit_terms").count() == 1
    with pytest.raises(ValidationError, match="不能执行"):
        terms_workflow.terms_move(actor=clerk, approval=approval, action="approve")


def test_the_transition_table_is_the_only_way_between_states():
    table = {(m.from_state, m.to_state) for m in terms_workflow.MOVES.values()}
    assert table == {
        ("", TermsState.DRAFTING_TERMS),
        (TermsState.DRAFTING_TERMS, TermsState.DRAFTING_AGREEMENT),
        (TermsState.DRAFTING_AGREEMENT, TermsState.AWAITING_MEETING),
        (TermsState.AWAITING_MEETING, TermsState.APPROVED),
        (TermsState.AWAITING_MEETING, TermsState.DRAFTING_TERMS),
    }
    # Nothing leaves approval.
    assert not terms_workflow.allowed_actions(TermsState.APPROVED)


def test_the_signing_move_runs_the_guard(people, project, template):
    from zhaoshang.pipeline.projects.workflow import MoveRefused, project_move

    clerk, office = people["clerk"], people["office"]
    signing = {
        "signed_on": dt.date(2026, 11, 20),
        "agreed_investment": "150000000",
        "agreement_no": "HX-2026-001",
    }
    with pytest.raises(MoveRefused, match="须经准入评估"):
        project_move(actor=clerk, project=project, to_stage="signed", data=signing, today=TODAY)
    project.refresh_from_db()
    assert project.stage == "negotiating" and project.signed_on is None
    # Below the size no evaluation is asked for.
    small = project_create(
        actor=clerk,
        data={"name": "小项目", "enterprise": project.enterprise},
        stage="negotiating",
    )
    project_move(
        actor=clerk,
        project=small,
        to_stage="signed",
        data={**signing, "agreed_investment": "30000000"},
        today=TODAY,
    )
    # After 有条件准入 the big one signs.
    e = svc.evaluation_create(actor=office, project=project, template=template, reviewers=[clerk])
    score_all(e, [clerk], [8])
    svc.evaluation_decide(
        actor=office, evaluation=e, decision="conditional", conditions="环评", reasons="符合"
    )
    project_move(actor=clerk, project=project, to_stage="signed", data=signing, today=TODAY)
    assert Project.objects.get(pk=project.pk).stage == "signed"


def test_tailored_terms_cannot_be_ticked_on_the_project_form(people, project, client_for):
    from zhaoshang.pipeline.projects.forms import ProjectForm

    c = client_for("department_staff")  # 区科技局, the project's unit
    url = f"/pipeline/projects/{project.pk}/edit/"
    assert 'name="tailored_terms"' not in c.get(url).content.decode()
    # A hand-made POST with the box ticked saves the edit and leaves the flag alone.
    form = ProjectForm(instance=project, user=people["clerk"])
    post = {n: form[n].value() for n in form.fields if form[n].value() not in (None, False)}
    response = c.post(url, {**post, "name": "改名后的项目", "tailored_terms": "on"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "改名后的项目" and not project.tailored_terms
    # The service refuses the flag from any caller (API, import) and changes nothing.
    with pytest.raises(ValidationError, match="不能手工勾选"):
        project_update(
            actor=people["clerk"],
            project=project,
            data={"tailored_terms": True, "name": "又改名"},
            version=project.version,
        )
    project.refresh_from_db()
    assert project.name == "改名后的项目" and not project.tailored_terms


def test_a_tailored_terms_project_signs_only_after_the_meeting_approves(people, project):
    from zhaoshang.pipeline.projects.workflow import MoveRefused, project_move

    clerk, office = people["clerk"], people["office"]
    config = PipelineConfig.current()
    config.evaluation_threshold = Decimal("1e10")  # this test is about the terms, not 准入评估
    config.save()
    signing = {
        "signed_on": dt.date(2026, 11, 20),
        "agreed_investment": "150000000",
        "agreement_no": "HX-2026-002",
    }
    approval = svc.terms_start(actor=clerk, project=project)
    with pytest.raises(MoveRefused, match="一企一策正在审批（当前环节：责任单位拟定核心条款）"):
        project_move(actor=clerk, project=project, to_stage="signed", data=signing, today=TODAY)
    prepare_round(approval, clerk, office, "租金减免两年")
    with pytest.raises(MoveRefused, match="须经区政府常务会议审议通过后方可签约"):
        project_move(actor=clerk, project=project, to_stage="signed", data=signing, today=TODAY)
    project.refresh_from_db()
    assert project.stage == "negotiating" and project.signed_on is None
    svc.meeting_record(
        actor=office, approval=approval, today=TODAY, data=meeting("approved", "第139次")
    )
    project.refresh_from_db()
    project_move(actor=clerk, project=project, to_stage="signed", data=signing, today=TODAY)
    assert Project.objects.get(pk=project.pk).stage == "signed"


def test_a_project_flagged_tailored_without_an_approval_does_not_sign(people, project):
    from zhaoshang.pipeline.projects.workflow import MoveRefused, project_move

    config = PipelineConfig.current()
    config.evaluation_threshold = Decimal("1e10")
    config.save()
    # A flag ticked by hand before only the approval loop could set it.
    Project.objects.filter(pk=project.pk).update(tailored_terms=True)
    project.refresh_from_db()
    with pytest.raises(MoveRefused, match="没有区政府常务会议审议通过的记录"):
        project_move(
            actor=people["clerk"],
            project=project,
            to_stage="signed",
            data={
                "signed_on": dt.date(2026, 11, 20),
                "agreed_investment": "150000000",
                "agreement_no": "HX-2026-003",
            },
            today=TODAY,
        )
    assert Project.objects.get(pk=project.pk).stage == "negotiating"


def test_the_people_concerned_are_told_at_each_step(people, project, template):
    from zhaoshang.notifications.models import Notification

    clerk, head, office = people["clerk"], people["head"], people["office"]

    Notification.objects.all().delete()  # the demo's own messages

    def told(user, kind):
        return Notification.objects.filter(recipient=user, kind=kind).count()

    e = svc.evaluation_create(
        actor=office, project=project, template=template, reviewers=[clerk, head]
    )
    assert told(clerk, "evaluation_review") == told(head, "evaluation_review") == 1
    score_all(e, [clerk, head], [7, 8])
    assert told(office, "evaluation_decide") == 1
    approval = svc.terms_start(actor=office, project=project)
    assert told(clerk, "tailored_terms") == 1  # 区科技局 is asked for core terms
    svc.terms_document_save(actor=clerk, approval=approval, kind="core_terms", text="条款")
    svc.terms_submit(
        actor=clerk, approval=approval, action="submit_terms", expected_state=approval.state
    )
    assert told(office, "tailored_terms") == 1  # the office is asked for the agreement
    # Another unit hears nothing of it.
    assert not Notification.objects.filter(recipient=people["other"]).exists()


def test_every_terms_move_outside_the_table_is_refused_and_changes_nothing(people, project):
    import itertools

    from zhaoshang.common.workflow import MoveRefused

    office = people["office"]
    approval = svc.terms_start(actor=people["clerk"], project=project)
    states = ["", *TermsState.values]
    steps = TermsStep.objects.filter(approval=approval).count()
    # By action (the pages' buttons): each action only from its own state.
    for move, state in itertools.product(terms_workflow.MOVES.values(), TermsState.values):
        if move.action == "start" or state == move.from_state:
            continue
        TermsApproval.objects.filter(pk=approval.pk).update(state=state)
        approval.refresh_from_db()
        with pytest.raises(MoveRefused, match="不能执行"):
            terms_workflow.terms_move(
                actor=office, approval=approval, action=move.action, note="理由"
            )
        assert TermsApproval.objects.get(pk=approval.pk).state == state
    # By (from, to): nothing outside the table, whatever the caller asks.
    for src, dst in itertools.product(states, states):
        if (src, dst) in terms_workflow.TRANSITIONS or not src:
            continue
        TermsApproval.objects.filter(pk=approval.pk).update(state=src)
        approval.refresh_from_db()
        with pytest.raises(MoveRefused, match="不能从"):
            terms_workflow.TERMS.move(approval, dst, actor=office, note="理由")
        assert TermsApproval.objects.get(pk=approval.pk).state == src
    assert TermsStep.objects.filter(approval=approval).count() == steps

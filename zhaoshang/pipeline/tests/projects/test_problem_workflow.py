"""Problems' one transition table: resolve, close and reopen, each a conditional UPDATE
with one ProblemStep. Every test names its own "today"."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.audit.models import AuditEvent
from zhaoshang.pipeline.models import Problem, ProblemStep
from zhaoshang.pipeline.projects import problem_workflow, services
from zhaoshang.pipeline.projects.problem_workflow import ProblemMoveConflict, ProblemMoveRefused
from zhaoshang.pipeline.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

S = Problem.Status
RAISED_ON = dt.date(2026, 11, 2)  # a Monday


@pytest.fixture
def problem(demo):
    clerk = demo["department_staff"]
    return services.problem_raise(
        actor=clerk,
        project=ProjectFactory(actor=clerk),
        category="land",
        title="用地指标未落实",
        owner_department=clerk.department,
        deadline_days=5,
        today=RAISED_ON,
    )


def _steps(problem):
    return list(
        ProblemStep.objects.filter(problem=problem)
        .order_by("id")
        .values_list("kind", "from_status", "to_status", "note")
    )


def test_resolving_a_resolved_problem_again_is_refused(demo, problem):
    clerk = demo["department_staff"]
    services.problem_resolve(actor=clerk, problem=problem, resolution="已协调规划部门落实指标")
    again = Problem.objects.get(pk=problem.pk)
    with pytest.raises(ProblemMoveRefused, match="该问题已解决，不能再次办结"):
        services.problem_resolve(actor=clerk, problem=again, resolution="再次办结")
    with pytest.raises(ProblemMoveRefused, match="不能从“已解决”直接转为“已关闭”"):
        services.problem_close(actor=clerk, problem=again, note="关闭")
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (S.RESOLVED, "已协调规划部门落实指标")
    assert [s[0] for s in _steps(problem)] == ["raise", "resolve"]


def test_of_two_people_resolving_at_once_only_the_first_counts(demo, problem):
    clerk, office = demo["department_staff"], demo["office_staff"]
    seen_by_office = Problem.objects.get(pk=problem.pk)  # opened before the clerk saves
    services.problem_resolve(actor=clerk, problem=problem, resolution="区科技局已办结")
    with pytest.raises(ProblemMoveConflict, match="已被他人从“办理中”转为“已解决”"):
        services.problem_close(actor=office, problem=seen_by_office, note="不再需要")
    assert Problem.objects.get(pk=problem.pk).status == S.RESOLVED
    assert [s[0] for s in _steps(problem)] == ["raise", "resolve"]


def test_a_resolved_problem_is_reopened_with_a_reason_and_a_new_deadline(demo, problem):
    clerk = demo["department_staff"]
    services.problem_resolve(
        actor=clerk, problem=problem, resolution="已落实", today=dt.date(2026, 11, 6)
    )
    with pytest.raises(ProblemMoveRefused, match="请填写重新打开的原因"):
        services.problem_reopen(actor=clerk, problem=problem, note="  ")
    # A time limit past a year of working days is refused, not a server error (found by
    # fuzzing the API with 1,041,615 days).
    with pytest.raises(ProblemMoveRefused, match="办理时限应为 1 至 250 个工作日"):
        services.problem_reopen(actor=clerk, problem=problem, note="重办", deadline_days=1041615)
    problem.refresh_from_db()
    assert problem.status == S.RESOLVED
    # Thursday 24 December 2026 + 10 working days runs into 2027, counted by the working
    # calendar (Monday to Friday until 2027 is entered).
    step = services.problem_reopen(
        actor=clerk,
        problem=problem,
        note="企业反映指标仍未下达",
        deadline_days=10,
        today=dt.date(2026, 12, 24),
    )
    problem.refresh_from_db()
    assert (problem.status, problem.resolution, problem.resolved_on) == (S.OPEN, "", None)
    assert (problem.deadline_days, problem.due_on) == (10, dt.date(2027, 1, 7))
    assert step.actor == clerk and step.kind == ProblemStep.Kind.REOPEN
    assert _steps(problem) == [
        ("raise", "", "open", ""),
        ("resolve", "open", "resolved", "已落实"),
        ("reopen", "resolved", "open", "企业反映指标仍未下达"),
    ]
    # Open again: it can be answered and resolved again, and the audit trail says so.
    services.problem_reply(actor=clerk, problem=problem, note="已再次对接")
    services.problem_resolve(actor=clerk, problem=problem, resolution="指标已下达")
    assert AuditEvent.objects.filter(
        object_type="pipeline.problem", detail__startswith="问题重新打开"
    ).exists()


def test_a_closed_problem_is_reopened_with_its_own_deadline(demo, problem):
    office = demo["office_staff"]
    services.problem_close(actor=office, problem=problem, note="企业暂缓项目")
    with pytest.raises(ProblemMoveRefused, match="该问题已关闭，不能再次关闭"):
        services.problem_close(actor=office, problem=problem, note="再关闭")
    services.problem_reopen(
        actor=office, problem=problem, note="企业恢复推进", today=dt.date(2026, 11, 23)
    )
    problem.refresh_from_db()
    assert (problem.status, problem.due_on) == (S.OPEN, dt.date(2026, 11, 30))  # 5 days
    with pytest.raises(ProblemMoveRefused, match="正在办理中，无需重新打开"):
        services.problem_reopen(actor=office, problem=problem, note="再打开")


def test_every_move_outside_the_table_is_refused_and_changes_nothing(demo, problem):
    clerk = demo["department_staff"]
    forbidden = [
        pair
        for pair in itertools.product(S.values, S.values)
        if pair not in problem_workflow.TRANSITIONS
    ]
    assert len(forbidden) == 5  # open→open, resolved→resolved/closed, closed→closed/resolved
    for src, dst in forbidden:
        Problem.objects.filter(pk=problem.pk).update(status=src)
        problem.refresh_from_db()
        before = ProblemStep.objects.count()
        with pytest.raises(ProblemMoveRefused):
            problem_workflow.problem_move(actor=clerk, problem=problem, to_status=dst, note="x")
        assert Problem.objects.get(pk=problem.pk).status == src
        assert ProblemStep.objects.count() == before
    # A move in the table, by someone who may not work on projects, is refused too.
    Problem.objects.filter(pk=problem.pk).update(status=S.OPEN)
    problem.refresh_from_db()
    with pytest.raises(ProblemMoveRefused, match="您没有权限"):
        services.problem_resolve(actor=demo["leader"], problem=problem, resolution="已解决")


def test_the_project_page_reopens_a_resolved_problem(demo, problem, client_for):
    clerk = demo["department_staff"]
    services.problem_resolve(actor=clerk, problem=problem, resolution="已落实")
    problem.refresh_from_db()
    c = client_for("department_staff")
    url = f"/pipeline/projects/{problem.project_id}/"
    assert "重新打开" in c.get(url).content.decode()
    response = c.post(
        f"{url}problems/{problem.pk}/",
        {"action": "reopen", "note": "指标仍未下达", "version": problem.version},
        follow=True,
    )
    assert "重新打开已记录" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == S.OPEN
    api = c.post(
        f"/api/pipeline/problems/{problem.pk}/reopen",
        {"note": "再开"},
        content_type="application/json",
    )
    assert api.status_code == 422 and "无需重新打开" in str(api.json())


def _problem_form(html):
    """The problem's action form in the page's problem list (not its timeline line)."""
    problems = html.split('id="problems"', 1)[1]
    return problems.split("用地指标未落实", 1)[1].split("</form>", 1)[0]


def test_the_page_offers_escalation_and_overdue_by_the_services_rule(demo, problem, client_for):
    """One function decides whether a problem may be escalated (and whether it is overdue);
    the project page shows its answer and problem_escalate refuses by the same rule."""
    clerk, office = demo["department_staff"], demo["office_staff"]
    assert services.problem_may_escalate(problem, clerk)  # 责任单位 → 招商办: the unit may
    assert not services.problem_overdue(problem, problem.due_on)
    assert services.problem_overdue(problem, problem.due_on + dt.timedelta(days=1))
    problem.level = Problem.Level.OFFICE  # next is the joint meeting: the office only
    assert not services.problem_may_escalate(problem, clerk)
    assert services.problem_may_escalate(problem, office)
    with pytest.raises(ValidationError, match="只有招商办"):
        services.problem_escalate(actor=clerk, problem=problem, note="请联席会议协调")
    Problem.objects.filter(pk=problem.pk).update(level=Problem.Level.OFFICE)
    html = client_for("department_staff").get(f"/pipeline/projects/{problem.project_id}/")
    form = _problem_form(html.content.decode())
    assert 'value="reply"' in form and 'value="escalate"' not in form
    html = client_for("office_staff").get(f"/pipeline/projects/{problem.project_id}/")
    form = _problem_form(html.content.decode())
    assert 'value="escalate"' in form
    problem.level = Problem.Level.JOINT_MEETING
    assert not services.problem_may_escalate(problem, office)

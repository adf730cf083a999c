"""Pages of admission evaluation and tailored terms: scope, the reviewer's explicit
access, exports, query counts, and a browser round of scoring and deciding."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.conftest import login
from zhaoshang.enterprises.tests.factories import an_enterprise
from zhaoshang.pipeline.approvals import services as svc
from zhaoshang.pipeline.models import Evaluation, Project, TermsApproval
from zhaoshang.pipeline.projects.sections import sections_for, timeline_for
from zhaoshang.pipeline.projects.services import project_create
from zhaoshang.pipeline.tests.factories import EvaluationTemplateFactory

# The demo's own approvals (an evaluated project with terms approved through two
# meetings) are what these pages are checked on.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]
KEJIJU_PROJECT = "新能源汽车电驱系统生产基地"  # demo: 区科技局, evaluated, terms approved
CHENTANG_PROJECT = "智能算力中心二期"  # demo: 陈塘, 李静 of 区科技局 reviews it


@pytest.fixture
def other(demo):
    from django.test import Client

    c = Client()
    c.force_login(demo["street_staff"])
    return c


def test_another_units_clerk_neither_reads_nor_acts(demo, other):
    project = Project.objects.get(name=KEJIJU_PROJECT)
    evaluation = project.evaluations.get()
    approval = project.terms_approvals.get()
    for url in (
        reverse("pipeline:evaluation_detail", args=[evaluation.pk]),
        reverse("pipeline:evaluation_score", args=[evaluation.pk]),
        reverse("pipeline:project_terms", args=[project.pk]),
        reverse("pipeline:terms_document", args=[approval.pk, "core_terms"]),
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("pipeline:terms_start", args=[project.pk])).status_code == 404
    response = other.post(
        reverse("pipeline:terms_submit", args=[approval.pk]),
        {"action": "submit_terms", "expected_state": approval.state},
    )
    assert response.status_code == 404
    # Lists and exports show none of it.
    for name in ("pipeline:evaluation_list", "pipeline:terms_list"):
        body = other.get(reverse(name)).content.decode()
        assert KEJIJU_PROJECT not in body
        export = other.get(reverse(name) + "?export=xlsx")
        rows = list(load_workbook(io.BytesIO(export.content)).active.values)
        assert rows[1:] == []


def test_a_reviewer_reads_the_evaluation_they_review_and_nothing_else(demo, client_for):
    clerk = client_for("department_staff")  # 李静, 区科技局
    project = Project.objects.get(name=CHENTANG_PROJECT)  # 陈塘's: outside her scope
    evaluation = project.evaluations.get()
    assert not Project.objects.for_user(demo["department_staff"]).filter(pk=project.pk).exists()
    page = clerk.get(reverse("pipeline:evaluation_detail", args=[evaluation.pk]))
    assert page.status_code == 200 and "预计 / 协议投资额" in page.content.decode()
    assert clerk.get(reverse("pipeline:evaluation_score", args=[evaluation.pk])).status_code == 200
    # Not the project's tailored terms, nor its place in the lists, nor a new evaluation.
    assert clerk.get(reverse("pipeline:project_terms", args=[project.pk])).status_code == 404
    assert CHENTANG_PROJECT not in clerk.get(reverse("pipeline:terms_list")).content.decode()
    assert CHENTANG_PROJECT in clerk.get(reverse("pipeline:review_list")).content.decode()
    # Once she is no longer a reviewer, the page is closed to her.
    evaluation.reviewers.filter(user=demo["department_staff"]).delete()
    assert clerk.get(reverse("pipeline:evaluation_detail", args=[evaluation.pk])).status_code == 404


def test_scoring_through_the_page_reports_errors_by_criterion(demo, client_for):
    clerk = client_for("department_staff")
    evaluation = Evaluation.objects.get(project__name=CHENTANG_PROJECT)
    manual = list(evaluation.template.criteria.filter(rule="manual"))
    url = reverse("pipeline:evaluation_score", args=[evaluation.pk])
    data = {f"score_{c.pk}": "8" for c in manual} | {f"score_{manual[0].pk}": "12", "submit": "1"}
    body = clerk.post(url, data).content.decode()
    assert f"“{manual[0].name}”的得分须在0至10之间" in body
    assert not evaluation.scores.filter(reviewer__user=demo["department_staff"]).exists()
    data[f"score_{manual[0].pk}"] = "9"
    assert clerk.post(url, data).status_code == 302
    assert evaluation.reviewers.get(user=demo["department_staff"]).submitted_at is not None


def test_terms_page_shows_rounds_versions_diffs_and_meetings(demo, client_for):
    project = Project.objects.get(name=KEJIJU_PROJECT)
    body = client_for("leader").get(reverse("pipeline:project_terms", args=[project.pk])).content
    body = body.decode()
    assert "第137次常务会议" in body and "第138次常务会议" in body
    assert "退回修改" in body and "条款已冻结" in body
    assert '<del class="text-danger">三</del><ins class="text-success">两</ins>' in body
    # A frozen approval offers no drafting, submitting or new start.
    assert "起草/修改" not in body and "发起一企一策审批" not in body


def test_project_page_sections_and_timeline(demo, rf):
    project = Project.objects.get(name=KEJIJU_PROJECT)
    request = rf.get("/")
    request.user = demo["office_staff"]
    titles = [s["title"] for s in sections_for(request, project)]
    assert {"准入评估", "一企一策"} <= set(titles)
    # Rendered on the project's own page.
    from django.test import Client

    c = Client()
    c.force_login(demo["office_staff"])
    body = c.get(reverse("pipeline:project_detail", args=[project.pk])).content.decode()
    assert "有条件准入" in body and reverse("pipeline:project_terms", args=[project.pk]) in body
    texts = [item.text for item in timeline_for(project)]
    assert any("评估结论：有条件准入" in t for t in texts)
    assert any("常务会议审议通过" in t for t in texts)


def _more_approvals(demo, n):
    office = demo["office_staff"]
    clerk = demo["department_staff"]
    enterprise = an_enterprise()
    template = EvaluationTemplateFactory(actor=office)
    start = Project.objects.count()
    for i in range(n):
        p = project_create(
            actor=clerk,
            data={
                "name": f"批量项目{start + i}",
                "enterprise": enterprise,
                "estimated_investment": Decimal("3e8"),
            },
            stage="negotiating",
        )
        svc.terms_start(actor=clerk, project=p)
        svc.evaluation_create(actor=office, project=p, template=template, reviewers=[clerk])


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("office_staff", "pipeline:evaluation_list"),
        ("office_staff", "pipeline:terms_list"),
        ("department_staff", "pipeline:review_list"),
        ("department_staff", "pipeline:terms_list"),
        ("office_staff", "pipeline:evaluation_template_list"),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(demo, client_for, role, name):
    c = client_for(role)
    url = reverse(name)
    c.get(url)  # warm caches (permissions, filter lists)
    _more_approvals(demo, 2)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    _more_approvals(demo, 8)
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_approval_list_filters_by_state_and_unit(demo, client_for):
    c = client_for("office_staff")
    body = c.get(reverse("pipeline:terms_list") + "?state=approved").content.decode()
    assert KEJIJU_PROJECT in body and CHENTANG_PROJECT not in body
    chentang = demo["zone_head"].department_id
    body = c.get(reverse("pipeline:terms_list") + f"?department={chentang}").content.decode()
    assert CHENTANG_PROJECT in body and KEJIJU_PROJECT not in body
    export = c.get(reverse("pipeline:terms_list") + "?export=xlsx&state=awaiting_meeting")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert [r[0] for r in rows[1:]] == [CHENTANG_PROJECT] and rows[1][3] == "待提交常务会议审议"


def test_meeting_form_refuses_a_bad_session_and_changes_nothing(demo, client_for):
    approval = TermsApproval.objects.get(project__name=CHENTANG_PROJECT)
    c = client_for("office_staff")
    response = c.post(
        reverse("pipeline:terms_meeting", args=[approval.pk]),
        {
            "held_on": "2026年11月1日",
            "session": "常务会",
            "attendees": "区长",
            "decision": "approved",
            "minutes": "同意",
        },
    )
    assert "会次“常务会”无法识别" in response.content.decode()
    approval.refresh_from_db()
    assert approval.state == "awaiting_meeting" and not approval.meetings.exists()


def test_home_card_counts_waiting_work(demo, client_for):
    body = client_for("department_staff").get(reverse("org:home")).content.decode()
    assert "准入评估与一企一策" in body and "待我评审" in body


# --- Browser ----------------------------------------------------------------------------
def test_browser_a_reviewer_scores_and_the_office_decides(page, demo):
    evaluation = Evaluation.objects.get(project__name=CHENTANG_PROJECT)
    manual = list(evaluation.template.criteria.filter(rule="manual"))
    # 杨帆 (陈塘) has not scored yet either; take him off so 李静's sheet is the last.
    evaluation.reviewers.filter(user__username=demo["zone_head"].username).delete()

    login(page, demo["department_staff"].username)
    page.goto(reverse("pipeline:review_list"))
    page.get_by_role("link", name="评分").click()
    for c in manual:
        page.get_by_label(f"{c.name}得分").fill("9")
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_url(f"**{reverse('pipeline:evaluation_detail', args=[evaluation.pk])}")
    assert "评分已提交" in page.content()
    page.get_by_role("button", name="退出").click()

    login(page, demo["office_staff"].username)
    page.goto(reverse("pipeline:evaluation_detail", args=[evaluation.pk]))
    page.select_option("select[name=decision]", "conditional")
    page.fill("textarea[name=conditions]", "投产后三年内亩均税收不低于30万元")
    page.fill("textarea[name=reasons]", "属数字经济重点产业，算力配套需求强")
    page.get_by_role("button", name="记录结论").click()
    page.wait_for_selector("text=已记录评估结论：有条件准入")
    evaluation.refresh_from_db()
    assert evaluation.decision == "conditional"
    assert evaluation.total is not None
    assert page.inner_text("#overall") == str(evaluation.total)


# --- API --------------------------------------------------------------------------------
def test_api_reads_with_the_pages_scope_and_the_reviewers_widening(demo, client_for, other):
    clerk = client_for("department_staff")  # 李静: reviews 陈塘's evaluation
    chentang_eval = Evaluation.objects.get(project__name=CHENTANG_PROJECT)
    body = clerk.get(f"/api/approvals/evaluations/{chentang_eval.pk}").json()
    assert body["project"] == CHENTANG_PROJECT and len(body["criteria"]) == 10
    # Sheets not yet submitted show no scores.
    assert {s["reviewer"]: bool(s["scores"]) for s in body["sheets"]} == {
        "李静": False,
        "赵国强": True,
        "杨帆": False,
    }
    # Her list is her unit's; the widening is for the one evaluation only.
    rows = clerk.get("/api/approvals/evaluations").json()
    kejiju = demo["department_staff"].department.name
    assert KEJIJU_PROJECT in [e["project"] for e in rows]
    assert {e["department"] for e in rows} == {kejiju}
    approval = TermsApproval.objects.get(project__name=CHENTANG_PROJECT)
    assert clerk.get(f"/api/approvals/terms/{approval.pk}").status_code == 404
    assert other.get(f"/api/approvals/evaluations/{chentang_eval.pk}").status_code == 404

    office = client_for("office_staff")
    kejiju = TermsApproval.objects.get(project__name=KEJIJU_PROJECT)
    terms = office.get(f"/api/approvals/terms/{kejiju.pk}").json()
    assert terms["state"] == "approved" and terms["round"] == 2
    assert [m["session"] for m in terms["meetings"]] == ["第137次常务会议", "第138次常务会议"]
    states = {t["project"]: t["state"] for t in office.get("/api/approvals/terms").json()}
    assert states == {KEJIJU_PROJECT: "approved", CHENTANG_PROJECT: "awaiting_meeting"}

"""Each router of the API as another system and a browser meet it: who gets in
(auth), what a caller of one unit reads of another's (scope), and the answers to bad
requests (errors), in Chinese with the status the API's contract names."""

import pytest

from zhaoshang.api.tests.factories import ApiKeyFactory
from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.models import Stage
from zhaoshang.pipeline.tests.factories import (
    EvaluationTemplateFactory,
    LeadFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

# Router prefix (an API key's module) → one read every caller with the module's
# permission may make.
READS = {
    "org": "/api/org/departments",
    "reference": "/api/reference/key-industries",
    "enterprises": "/api/enterprises/",
    "pipeline": "/api/pipeline/projects",
    "leads": "/api/leads/",
    "approvals": "/api/approvals/evaluations",
    "reports": "/api/reports/dashboard",
    "aftercare": "/api/aftercare/tickets",
    "complaints": "/api/complaints/",
    "agreements": "/api/agreements/",
}


def test_every_router_is_covered_here():
    from zhaoshang.api import keys

    assert set(keys.modules()) == set(READS)


# --- Auth -----------------------------------------------------------------------------------
@pytest.mark.parametrize("module", sorted(READS))
def test_without_a_session_or_key_the_answer_is_401_in_chinese(client, module):
    response = client.get(READS[module])
    assert response.status_code == 401
    assert "X-API-Key" in response.json()["detail"]


@pytest.mark.parametrize("module", sorted(READS))
def test_a_key_reads_its_modules_and_nothing_else(demo, call, module):
    others = [m for m in READS if m != module]
    _, raw = ApiKeyFactory(
        actor=demo["system_admin"],
        department=demo["office_staff"].department,
        role="leader",
        modules=others,
    )
    refused = call(raw, "GET", READS[module])
    assert refused.status_code == 403
    assert refused.json()["detail"]
    _, raw = ApiKeyFactory(
        actor=demo["system_admin"],
        department=demo["office_staff"].department,
        role="leader",
        name="全模块对接系统",
        modules=[module],
    )
    assert call(raw, "GET", READS[module]).status_code == 200


def test_a_revoked_key_is_refused_with_401(demo, call):
    from zhaoshang.api.services import api_key_revoke

    key, raw = ApiKeyFactory(
        actor=demo["system_admin"], department=demo["department_staff"].department
    )
    assert call(raw, "GET", "/api/org/me").status_code == 200
    api_key_revoke(actor=demo["system_admin"], key=key)
    assert call(raw, "GET", "/api/org/me").status_code == 401


@pytest.mark.parametrize("module", sorted(READS))
def test_a_role_without_the_modules_permission_gets_403(client_for, module):
    # The audit administrator reads the audit log and nothing of the business.
    response = client_for("audit_admin").get(READS[module])
    assert response.status_code == 403
    assert "权限" in response.json()["detail"]


# --- Scope ----------------------------------------------------------------------------------
NOT_FOUND = {"detail": "记录不存在，或不在您的数据范围内。"}


def test_org_a_unit_clerk_reads_their_own_unit_only(demo, client_for):
    clerk = client_for("department_staff")
    names = {d["name"] for d in clerk.get("/api/org/departments").json()}
    assert names == {"区科技局"}
    street = demo["street_staff"].department
    response = clerk.get(f"/api/org/departments/{street.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    office = client_for("office_staff").get(f"/api/org/departments/{street.pk}")
    assert office.status_code == 200 and office.json()["name"] == "友谊路街道"


def test_reference_data_is_read_by_every_unit_and_a_missing_record_is_404(demo, client_for):
    from zhaoshang.reference.tests.factories import CarrierFactory

    carrier = CarrierFactory(name="陈塘科技大厦")
    street = client_for("street_staff")
    assert street.get(f"/api/reference/carriers/{carrier.pk}").json()["name"] == "陈塘科技大厦"
    response = street.get(f"/api/reference/carriers/{carrier.pk + 1000}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_enterprises_the_following_units_notes_and_contacts_stay_with_it(demo, client_for):
    from zhaoshang.enterprises.services import contact_add

    clerk = demo["department_staff"]
    enterprise = EnterpriseFactory(department=clerk.department, notes="拟在陈塘设立研发中心")
    contact_add(actor=clerk, enterprise=enterprise, data={"name": "张经理", "phone": "13800138000"})
    own = client_for("department_staff").get(f"/api/enterprises/{enterprise.pk}").json()
    assert own["notes"] == "拟在陈塘设立研发中心" and not own["contacts_masked"]
    other = client_for("street_staff").get(f"/api/enterprises/{enterprise.pk}").json()
    assert other["notes"] is None and other["contacts_masked"]
    assert other["contacts"][0]["phone"] != "13800138000"


def test_pipeline_another_units_project_is_404_like_a_missing_one(demo, client_for):
    project = ProjectFactory(actor=demo["department_staff"])
    street = client_for("street_staff")
    hidden = street.get(f"/api/pipeline/projects/{project.pk}")
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)
    assert street.get("/api/pipeline/projects").json()["items"] == []
    own = client_for("department_staff").get(f"/api/pipeline/projects/{project.pk}")
    assert own.status_code == 200 and own.json()["department"] == "区科技局"


def test_leads_another_units_lead_is_404(demo, client_for):
    lead = LeadFactory(actor=demo["department_staff"])
    street = client_for("street_staff")
    assert street.get(f"/api/leads/{lead.pk}").status_code == 404
    assert [x["id"] for x in client_for("department_staff").get("/api/leads/").json()["items"]] == [
        lead.pk
    ]


def test_approvals_an_evaluation_is_read_by_its_unit_not_by_another(demo, client_for):
    from zhaoshang.pipeline.approvals.services import evaluation_create

    office, clerk = demo["office_staff"], demo["department_staff"]
    project = ProjectFactory(actor=clerk, stage=Stage.NEGOTIATING)
    evaluation = evaluation_create(
        actor=office,
        project=project,
        template=EvaluationTemplateFactory(actor=office),
        reviewers=[office],
    )
    path = f"/api/approvals/evaluations/{evaluation.pk}"
    assert client_for("department_staff").get(path).status_code == 200
    assert client_for("street_staff").get(path).status_code == 404
    assert client_for("street_staff").get("/api/approvals/evaluations").json() == []


def test_reports_the_district_figures_are_not_a_units_to_read(client_for):
    # A unit's clerk reads the unit's own dashboard, not the district's monthly report.
    clerk = client_for("department_staff")
    assert clerk.get("/api/reports/monthly", {"year": 2026, "month": 3}).status_code == 403
    assert clerk.get("/api/reports/dashboard/unit").status_code == 200
    assert client_for("leader").get("/api/reports/dashboard/unit").status_code == 403


# --- Errors ---------------------------------------------------------------------------------
def test_a_bad_query_parameter_is_422_naming_it(client_for):
    office = client_for("office_staff")
    response = office.get("/api/reports/monthly", {"year": "二〇二六"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "year"]


def test_a_bad_body_is_422_naming_the_field_and_writes_nothing(demo, client_for):
    from zhaoshang.enterprises.models import Enterprise

    office = client_for("office_staff")
    response = office.post(
        "/api/enterprises/",
        {"name": "天津某某科技有限公司", "credit_code": "123"},
        content_type="application/json",
    )
    assert response.status_code == 422
    # The message names the field and what is wrong with it.
    assert "统一社会信用代码“123”应为 18 位" in str(response.json()["errors"])
    assert not Enterprise.objects.exists()


def test_a_stage_move_against_a_stale_stage_is_409_and_names_the_current_one(demo, client_for):
    project = ProjectFactory(actor=demo["department_staff"], stage=Stage.NEGOTIATING)
    clerk = client_for("department_staff")
    response = clerk.post(
        f"/api/pipeline/projects/{project.pk}/move",
        {"to_stage": "negotiating", "expected_stage": "lead", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["stage"] == "negotiating"
    assert response.json()["detail"]


def test_a_write_with_a_read_only_key_is_403(demo, call):
    _, raw = ApiKeyFactory(
        actor=demo["system_admin"], department=demo["department_staff"].department
    )
    response = call(raw, "POST", "/api/pipeline/projects", json={"name": "接口登记的项目"})
    assert response.status_code == 403

"""The one exception handler of the API: each refusal answers with its status and a
Chinese message, whichever router raised it."""

import pytest

from zhaoshang.pipeline.models import Stage
from zhaoshang.pipeline.tests.factories import ProjectFactory

# Every test here signs in; the library holds 华为技术有限公司 for the duplicate check.
pytestmark = pytest.mark.usefixtures("library")


def _negotiating(demo):
    """A project of 区科技局 in negotiation."""
    return ProjectFactory(actor=demo["department_staff"], stage=Stage.NEGOTIATING)


def _move(c, project, to, expected, reason=""):
    return c.post(
        f"/api/pipeline/projects/{project.pk}/move",
        {"to_stage": to, "expected_stage": expected, "reason": reason},
        content_type="application/json",
    )


def test_a_service_refusing_the_input_answers_422_with_errors_by_field(demo, client_for):
    c = client_for("department_staff")
    project = _negotiating(demo)
    refused = _move(c, project, "operating", "negotiating")
    assert refused.status_code == 422
    body = refused.json()
    assert body["detail"] == "项目不能从“洽谈”直接转为“投产运营”。"
    assert body["errors"] == {"__all__": ["项目不能从“洽谈”直接转为“投产运营”。"]}
    # Another router, the same answer.
    bad = client_for("office_staff").post(
        "/api/enterprises/",
        {"name": "某公司", "credit_code": "914403001922038217"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "校验位" in bad.json()["detail"] and "校验位" in bad.json()["errors"]["__all__"][0]


def test_a_possible_duplicate_answers_409_with_the_candidates(client_for):
    dup = client_for("office_staff").post(
        "/api/enterprises/", {"name": "华为技术（深圳）有限公司"}, content_type="application/json"
    )
    assert dup.status_code == 409
    assert dup.json()["candidates"][0]["name"] == "华为技术有限公司"
    assert dup.json()["detail"].startswith("企业库中可能已有该企业")


def test_a_move_made_meanwhile_answers_409_with_the_state_now(demo, client_for):
    c = client_for("department_staff")
    project = _negotiating(demo)
    assert _move(c, project, "on_hold", "negotiating", "等待企业决策").status_code == 200
    lost = _move(c, project, "dropped", "negotiating", "放弃")
    assert lost.status_code == 409
    assert lost.json()["stage"] == "on_hold"
    assert "已被他人" in lost.json()["detail"] and "您的操作未执行" in lost.json()["detail"]


def test_no_permission_answers_403_in_chinese(client_for):
    c = client_for("department_staff")  # reads its own dashboard, not the district report
    response = c.get("/api/reports/monthly?year=2026&month=1")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert all(not ch.isascii() for ch in response.json()["detail"][:2])


def test_a_parameter_of_the_wrong_type_answers_422_naming_where_in_chinese(client_for):
    c = client_for("office_staff")
    response = c.get("/api/reference/carriers?zone=abc")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"][0]["loc"] == ["query", "zone"]  # ninja's own list, unchanged
    assert body["message"].startswith("请求数据格式不正确：查询参数“zone”")

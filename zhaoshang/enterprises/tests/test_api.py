"""The enterprise API: the same validation, duplicate control, scope and masking."""

import json

import pytest

from zhaoshang.enterprises.models import Enterprise

pytestmark = pytest.mark.usefixtures("library")


def post(c, url, data):
    return c.post(url, json.dumps(data), content_type="application/json")


def test_search_and_masking(demo, client_for):
    e = Enterprise.objects.get(name="天津河西数智科技有限公司")
    data = client_for("department_head").get("/api/enterprises/", {"q": "数智"}).json()
    assert [i["name"] for i in data["items"]] == [e.name]
    other = client_for("department_head").get(f"/api/enterprises/{e.pk}").json()
    assert (
        other["contacts_masked"]
        and other["contacts"][0]["phone"] == "138****8000"
        and other["notes"] is None
    )
    own = client_for("department_staff").get(f"/api/enterprises/{e.pk}").json()
    assert own["contacts"][0]["phone"] == "13800138000"
    assert client_for("department_head").get("/api/enterprises/", {"q": "数"}).status_code == 400


def test_create_with_validation_and_duplicate_control(demo, client_for):
    c = client_for("office_staff")
    bad = post(c, "/api/enterprises/", {"name": "某公司", "credit_code": "914403001922038217"})
    assert bad.status_code == 422 and "校验位" in bad.json()["errors"]["__all__"][0]
    dup = post(c, "/api/enterprises/", {"name": "华为技术（深圳）有限公司"})
    assert dup.status_code == 409 and dup.json()["candidates"][0]["name"] == "华为技术有限公司"
    ok = post(
        c, "/api/enterprises/", {"name": "华为技术（深圳）有限公司", "confirm_duplicates": True}
    )
    assert ok.status_code == 201
    made = ok.json()
    stale = c.patch(
        f"/api/enterprises/{made['id']}",
        json.dumps({"version": 99, "name": "改名"}),
        content_type="application/json",
    )
    assert stale.status_code == 422 and "已被他人修改" in json.dumps(
        stale.json(), ensure_ascii=False
    )
    renamed = c.patch(
        f"/api/enterprises/{made['id']}",
        json.dumps({"version": made["version"], "name": "华为深圳公司"}),
        content_type="application/json",
    )
    assert (
        renamed.status_code == 200 and "华为技术（深圳）有限公司" in renamed.json()["former_names"]
    )


def test_other_units_cannot_patch(demo, client_for):
    e = Enterprise.objects.get(name="天津河西数智科技有限公司")
    response = client_for("department_head").patch(
        f"/api/enterprises/{e.pk}",
        json.dumps({"version": e.version, "name": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403

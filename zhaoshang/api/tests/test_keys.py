"""API keys for other systems: made by the system administrator and shown once, kept
only as a digest, limited by role, unit, modules, read/write, expiry and a rate, every
call audited."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhaoshang.api.models import ApiKey
from zhaoshang.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

KEY = re.compile(r"zsk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def _form(demo, **data):
    from zhaoshang.api import keys
    from zhaoshang.org.models import Department, Role

    return {
        "name": "市招商引资平台",
        "description": "市级平台汇总全区项目",
        "department": Department.objects.get(name="区招商办").pk,
        "role": Role.objects.get(code="leader").pk,
        "access": "read",
        "modules": list(keys.modules()),
        "rate_per_minute": 600,
        "expires_on": "",
        **data,
    }


def test_the_administrator_sees_the_key_once_and_only_a_digest_is_kept(demo, client_for, call):
    admin = client_for("system_admin")
    response = admin.post("/org/api-keys/new/", _form(demo))
    assert response.status_code == 200
    raw = KEY.search(response.content.decode()).group()
    assert "no-store" in response["Cache-Control"]

    key = ApiKey.objects.get()
    assert key.name == "市招商引资平台" and key.user.department.name == "区招商办"
    secret = raw.split("_", 2)[2]
    stored = [str(v) for v in ApiKey.objects.values().get().values()]
    stored += [str(v) for e in AuditEvent.objects.values("changes", "detail") for v in e.values()]
    assert not [v for v in stored if secret in v], "密钥明文不得保存在数据库或审计日志中"
    assert key.prefix in raw and key.secret_hash != secret
    # The list never shows it again, only its prefix.
    listing = admin.get("/org/api-keys/").content.decode()
    assert secret not in listing and f"zsk_{key.prefix}" in listing
    # The service account cannot sign in with anything.
    assert not key.user.has_usable_password()

    me = call(raw, "GET", "/api/org/me")
    assert me.status_code == 200
    assert me.json()["username"] == key.user.username
    assert me.json()["data_scope"] == "all"


def test_bad_input_on_the_form_says_what_is_wrong_and_makes_nothing(demo, client_for):
    from zhaoshang.org.models import User

    admin = client_for("system_admin")
    users = User.objects.count()
    response = admin.post("/org/api-keys/new/", _form(demo, modules=[], rate_per_minute=0))
    page = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一个可调用的模块" in page or "这个字段是必填项" in page
    assert ApiKey.objects.count() == 0 and User.objects.count() == users
    assert not KEY.search(page)


def test_a_key_never_gets_an_administrator_role_or_a_past_expiry(demo, make_key):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make_key(role="security_admin")
    assert "业务角色" in str(exc.value)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        make_key(expires_on=yesterday)
    assert "有效期不能早于今天" in str(exc.value)
    assert ApiKey.objects.count() == 0


def test_a_key_needs_no_csrf_token_and_a_session_still_does(demo, make_key, call, client_for):
    from django.test import Client

    from zhaoshang.enterprises.models import Enterprise

    _, raw = make_key(access="read_write")
    body = {"name": "接口新增测试有限公司", "confirm_duplicates": True}
    response = call(raw, "POST", "/api/enterprises/", json=body)
    assert response.status_code == 201, response.content.decode()
    created = Enterprise.objects.get(name="接口新增测试有限公司")
    assert created.created_by.username.startswith("api-")

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo["department_staff"])
    refused = browser.post(
        "/api/enterprises/", {"name": "无令牌有限公司"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Enterprise.objects.filter(name="无令牌有限公司").exists()


def test_a_read_only_key_cannot_write(demo, make_key, call):
    from zhaoshang.enterprises.models import Enterprise

    _, raw = make_key(access="read")
    response = call(raw, "POST", "/api/enterprises/", json={"name": "只读密钥写入有限公司"})
    assert response.status_code == 403
    assert "只读" in response.json()["detail"]
    assert not Enterprise.objects.filter(name="只读密钥写入有限公司").exists()
    assert call(raw, "GET", "/api/enterprises/").status_code == 200


def test_a_key_for_one_module_is_refused_on_the_others(demo, make_key, call):
    _, raw = make_key(modules=["enterprises"])
    assert call(raw, "GET", "/api/enterprises/").status_code == 200
    response = call(raw, "GET", "/api/pipeline/projects")
    assert response.status_code == 403
    assert response.json()["detail"] == "该接口密钥无权调用“项目”模块的接口。"


def test_revoked_expired_unknown_and_malformed_keys_get_401(demo, make_key, call, client_for):
    key, raw = make_key()
    assert call(raw, "GET", "/api/org/me").status_code == 200

    admin = client_for("system_admin")
    assert admin.post(f"/org/api-keys/{key.pk}/revoke/").status_code == 302
    response = call(raw, "GET", "/api/org/me")
    assert response.status_code == 401 and "吊销" in response.json()["detail"]

    expired, expired_raw = make_key(name="过期系统")
    ApiKey.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = call(expired_raw, "GET", "/api/org/me")
    assert response.status_code == 401 and "有效期" in response.json()["detail"]

    other = make_key(name="另一系统")[1]
    wrong_secret = other[:17] + raw[17:]  # a real prefix with another key's secret
    for bad in (wrong_secret, "zsk_0123456789ab_" + "y" * 43, "Bearer abc", "zsk_短"):
        response = call(bad, "GET", "/api/org/me")
        assert response.status_code == 401, bad
        assert response.json()["detail"].startswith("接口密钥")
    # Without any key or session: 401 too, saying how to call.
    assert "X-API-Key" in call(None, "GET", "/api/org/me").json()["detail"]


def test_expiry_counts_the_whole_last_day_in_the_districts_time():
    key = ApiKey(expires_on=datetime.date(2026, 12, 7))
    shanghai = timezone.get_fixed_timezone(8 * 60)
    last_minute = datetime.datetime(2026, 12, 7, 23, 59, tzinfo=shanghai)
    next_day = datetime.datetime(2026, 12, 8, 0, 0, tzinfo=shanghai)
    assert not key.is_expired(now=last_minute)
    assert key.is_expired(now=next_day)
    assert not ApiKey(expires_on=None).is_expired(now=next_day)


def test_a_key_reads_only_its_units_data_as_a_person_of_that_unit_would(demo, make_key, call):
    from zhaoshang.enterprises.tests.factories import known_enterprises
    from zhaoshang.pipeline.tests.factories import ProjectFactory

    kejiju = demo["department_staff"].department
    project = ProjectFactory(actor=demo["department_staff"])
    ProjectFactory(actor=demo["street_staff"])  # the other key's own
    enterprise = known_enterprises()["天津河西数智科技有限公司"]  # 区科技局's
    _, own = make_key(unit="区科技局")
    _, other = make_key(unit="友谊路街道")

    assert call(own, "GET", f"/api/pipeline/projects/{project.pk}").status_code == 200
    assert call(other, "GET", f"/api/pipeline/projects/{project.pk}").status_code == 404
    listed = call(other, "GET", "/api/pipeline/projects").json()["items"]
    assert project.pk not in {p["id"] for p in listed}
    assert all(p["department_id"] != kejiju.pk for p in listed)

    mine = call(own, "GET", f"/api/enterprises/{enterprise.pk}").json()
    theirs = call(other, "GET", f"/api/enterprises/{enterprise.pk}").json()
    assert mine["contacts_masked"] is False and mine["contacts"][0]["phone"] == "13800138000"
    assert theirs["contacts_masked"] is True and theirs["notes"] is None
    assert "13800138000" not in str(theirs)


def test_last_used_is_written_at_most_once_a_minute(demo, make_key, call):
    key, raw = make_key()
    assert key.last_used_at is None
    call(raw, "GET", "/api/org/me")
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        assert call(raw, "GET", "/api/org/me").status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "api_apikey" in q["sql"]
    ]
    assert writes == []
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    call(raw, "GET", "/api/org/me")
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first - datetime.timedelta(minutes=2)


def test_every_call_with_a_key_leaves_one_audit_line(demo, make_key, call):
    key, raw = make_key(modules=["org"])
    before = AuditEvent.objects.filter(action="api_call").count()
    call(raw, "GET", "/api/org/me")
    call(raw, "GET", "/api/enterprises/?q=%E5%8D%8E%E4%B8%BA")  # 华为
    call("zsk_0123456789ab_" + "z" * 43, "GET", "/api/org/me?q=%00")
    lines = list(AuditEvent.objects.filter(action="api_call").order_by("id"))[before:]
    assert [(e.object_id, e.detail, e.result) for e in lines] == [
        (str(key.pk), "GET /api/org/me → 200", "success"),
        (str(key.pk), "GET /api/enterprises/?q=华为 → 403", "failure"),
        ("", "GET /api/org/me?q=\\x00 → 401", "failure"),
    ]
    assert lines[0].username == key.user.username
    assert "0123456789ab" in lines[2].object_repr
    # A browser's calls are not API-key calls: no line.
    from django.test import Client

    browser = Client()
    browser.force_login(demo["department_staff"])
    browser.get("/api/org/me")
    assert AuditEvent.objects.filter(action="api_call").count() == before + 3


def test_each_key_has_its_own_rate_limit(demo, make_key, call):
    _, slow = make_key(rate_per_minute=2)
    _, other = make_key(name="另一系统", rate_per_minute=2)
    assert call(slow, "GET", "/api/org/me").status_code == 200
    assert call(slow, "GET", "/api/org/me").status_code == 200
    refused = call(slow, "GET", "/api/org/me")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("调用过于频繁：该接口密钥每分钟最多调用 2 次")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert call(other, "GET", "/api/org/me").status_code == 200


def test_the_openapi_schema_documents_the_key_header(demo, client_for):
    schema = client_for("office_staff").get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"} in schemes.values()
    name = next(n for n, s in schemes.items() if s.get("name") == "X-API-Key")
    operation = schema["paths"]["/api/enterprises/"]["get"]
    assert {name: []} in operation["security"]
    assert "X-API-Key" in schema["info"]["description"]

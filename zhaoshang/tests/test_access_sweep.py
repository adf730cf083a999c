"""The access sweep: every URL pattern, requested as anonymous, as each role and as a user
of another unit, against a table of what each may get. A new URL without a row fails
the sweep, so nobody adds a page without deciding who may open it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

BUSINESS = {
    "office_staff",
    "department_staff",
    "department_head",
    "leader",
    "supervision",
    "finance",
    "tax",
    "discipline",
}
ADMINS = {"system_admin", "security_admin", "audit_admin"}
EVERYONE = BUSINESS | ADMINS
ROLES = sorted(EVERYONE)
WORKERS = {"office_staff", "department_staff", "department_head"}


def first(model_path):
    """kwargs maker: the pk of the first row of a model (demo data)."""

    def make(demo):
        from django.apps import apps

        model = apps.get_model(model_path)
        return {"pk": model.objects.order_by("pk").values_list("pk", flat=True).first()}

    return make


def two_enterprises(demo):
    from zhaoshang.enterprises.models import Enterprise

    a, b = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:2]
    return {"pk": a, "other": b}


def kejiju_import(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.enterprises import importing

    upload = SimpleUploadedFile("名录.csv", "企业名称\n测试导入企业有限公司\n".encode())
    return {"pk": importing.store(upload, kind="enterprises", user=demo["department_staff"]).pk}


def kejiju_unit(demo):
    return {"pk": demo["department_staff"].department_id}


def kejiju_unit_api(demo):
    return {"department_id": demo["department_staff"].department_id}


def kejiju_user(demo):
    return {"pk": demo["department_staff"].pk}


def kejiju_grant(demo):
    return {
        "pk": demo["department_staff"].pk,
        "role_pk": demo["department_staff"].grants.first().role_id,
    }


def kejiju_notification(demo):
    from zhaoshang.notifications.models import Notification

    n = Notification.objects.create(
        recipient=demo["department_staff"], kind="test", title="测试消息", url="/"
    )
    return {"pk": n.pk}


def kejiju_webhook(demo):
    from zhaoshang.notifications.models import UnitWebhook

    hook, _ = UnitWebhook.objects.get_or_create(
        department=demo["department_staff"].department,
        name="招商工作群",
        defaults={"kind": "wecom", "url": "http://127.0.0.1:9/robot", "enabled": False},
    )
    return {"pk": hook.pk}


# Targets, the monthly report and dashboards (issue 5).
REPORT_READERS = {"office_staff", "leader", "supervision"}
UNIT_REPORTERS = {"department_staff", "department_head"}


def kejiju_target(demo):
    return {"year": 2026, "unit": demo["department_staff"].department_id}


def issued_report(demo):
    from django.utils import timezone

    from zhaoshang.reports.rules import previous_month
    from zhaoshang.reports.services import report_issue

    year, month = previous_month(*timezone.localdate().timetuple()[:2])
    return {"pk": report_issue(actor=demo["office_staff"], year=year, month=month).pk}


# url name -> (kwargs maker or None, roles that get the page, {persona: other status})
# Roles not listed get 403; anonymous gets a redirect to login (302) unless stated.
# "other_unit" is a department clerk of 友谊路街道 reading records of 区科技局.
TABLE = {
    "org:home": (None, EVERYONE, {}),
    "org:login": (None, set(), {"anonymous": 200, "*": 302}),
    "org:logout": (None, set(), {"anonymous": 405, "*": 405}),
    "org:profile": (None, EVERYONE, {}),
    "org:password_change": (None, EVERYONE, {}),
    "org:otp_setup": (None, EVERYONE, {}),
    "org:otp_verify": (None, EVERYONE, {}),
    "org:department_list": (None, BUSINESS | {"system_admin", "security_admin"}, {}),
    "org:department_create": (None, {"system_admin"}, {}),
    "org:department_edit": (kejiju_unit, {"system_admin"}, {}),
    "org:user_list": (None, {"system_admin", "security_admin"}, {}),
    "org:user_create": (None, {"system_admin"}, {}),
    "org:user_detail": (kejiju_user, {"system_admin", "security_admin"}, {}),
    "org:user_edit": (kejiju_user, {"system_admin"}, {}),
    "org:user_reset_password": (kejiju_user, {"system_admin"}, {}),
    "org:grant_add": (kejiju_user, set(), {"security_admin": 405}),
    "org:grant_remove": (kejiju_grant, set(), {"security_admin": 405}),
    "org:role_list": (None, {"system_admin", "security_admin"}, {}),
    "org:grant_list": (None, {"system_admin", "security_admin"}, {}),
    "org:role_create": (None, {"security_admin"}, {}),
    "org:role_edit": (first("org.Role"), set(), {"security_admin": 302}),  # built-in: back to list
    "org:locked_list": (None, {"security_admin"}, {}),
    "org:unlock": (None, set(), {"security_admin": 405}),
    "org:policy": (None, {"security_admin"}, {}),
    "audit:event_list": (None, {"audit_admin"}, {}),
    "audit:login_list": (None, {"audit_admin"}, {}),
    "reference:industry_list": (None, BUSINESS, {}),
    "reference:key_industry_list": (None, BUSINESS, {}),
    "reference:key_industry_create": (None, {"office_staff"}, {}),
    "reference:key_industry_edit": (first("reference.KeyIndustry"), {"office_staff"}, {}),
    "reference:zone_list": (None, BUSINESS, {}),
    "reference:zone_create": (None, {"office_staff"}, {}),
    "reference:zone_edit": (first("reference.Zone"), {"office_staff"}, {}),
    "reference:carrier_list": (None, BUSINESS, {}),
    "reference:carrier_create": (None, {"office_staff"}, {}),
    "reference:carrier_detail": (first("reference.Carrier"), BUSINESS, {}),
    "reference:carrier_edit": (first("reference.Carrier"), {"office_staff"}, {}),
    "reference:carrier_import": (None, {"office_staff"}, {}),
    "reference:region_list": (None, BUSINESS, {}),
    "enterprises:enterprise_list": (None, BUSINESS, {}),
    "enterprises:enterprise_create": (None, WORKERS, {}),
    "enterprises:duplicate_check": (None, BUSINESS, {}),
    "enterprises:enterprise_detail": (first("enterprises.Enterprise"), BUSINESS, {}),
    # Followed by 区科技局: its own unit and the office (and leaders' all-scope) may edit.
    "enterprises:enterprise_edit": (
        first("enterprises.Enterprise"),
        {"office_staff", "department_staff"},
        {"other_unit": 403},
    ),
    # POST-only: whoever holds the permission gets 405 on GET (a POST is scope-checked).
    "enterprises:contact_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:ranking_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:former_name_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:merge": (two_enterprises, {"office_staff"}, {}),
    "enterprises:import_list": (None, WORKERS, {}),
    # An import job is its uploader's own.
    "enterprises:import_detail": (
        kejiju_import,
        {"department_staff"},
        {"office_staff": 404, "department_head": 404, "other_unit": 404},
    ),
    # Notifications: an inbox is its owner's own; robots are set by unit heads and the office.
    "notifications:inbox": (None, EVERYONE, {}),
    "notifications:badge": (None, EVERYONE, {}),
    "notifications:open": (kejiju_notification, set(), {"department_staff": 302, "*": 404}),
    "notifications:mark_read": (kejiju_notification, set(), {"*": 405}),
    "notifications:mark_all_read": (None, set(), {"*": 405}),
    "notifications:webhook_list": (None, {"office_staff", "department_head"}, {}),
    # 区科技局's robot: the office sees every unit, 区商务局's head only his own tree.
    "notifications:webhook_edit": (
        kejiju_webhook,
        {"office_staff"},
        {"department_head": 404},
    ),
    "notifications:webhook_test": (
        kejiju_webhook,
        set(),
        {"office_staff": 405, "department_head": 405},
    ),
    # Targets, the monthly report and dashboards (issue 5): the office issues and sets
    # targets; leaders and supervision read all; units read the issued report and their own.
    "assessment:target_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "assessment:target_edit": (kejiju_target, {"office_staff"}, {}),
    "assessment:target_import": (None, {"office_staff"}, {}),
    "reports:monthly": (None, REPORT_READERS, {}),
    "reports:issue": (None, set(), {"*": 405, "anonymous": 405}),
    "reports:issued_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:issued_detail": (issued_report, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:records": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:dashboard": (None, REPORT_READERS, {}),
    "reports:office_dashboard": (None, {"office_staff"}, {}),
    "reports:unit_dashboard": (None, UNIT_REPORTERS, {}),
    "reports:rate_list": (None, REPORT_READERS, {}),
    # The API answers 401 to the anonymous and 403 to a role without the permission.
    "api:api-root": None,  # ninja's root has no page of its own
    "api:openapi-json": (None, EVERYONE, {}),
    "api:openapi-view": (None, EVERYONE, {}),
}

# API endpoints by path (ninja names them after their functions).
API_TABLE = {
    "/api/org/me": (EVERYONE, {}),
    "/api/org/departments": (BUSINESS | {"system_admin", "security_admin"}, {}),
    "/api/org/departments/{department_id}": (
        BUSINESS | {"system_admin", "security_admin"},
        # Own unit only, or below 区商务局: 区科技局 is out of their scope.
        {"other_unit": 404, "tax": 404, "department_head": 404},
    ),
    "/api/reference/industries": (BUSINESS, {}),
    "/api/reference/key-industries": (BUSINESS, {}),
    "/api/reference/zones": (BUSINESS, {}),
    "/api/reference/carriers": (BUSINESS, {}),
    "/api/reference/carriers/{carrier_id}": (BUSINESS, {}),
    "/api/reference/regions": (BUSINESS, {}),
    "/api/enterprises/": (BUSINESS, {}),
    "/api/enterprises/{enterprise_id}": (BUSINESS, {}),
}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row():
    names = set(named_patterns())
    api_names = {n for n in names if n.startswith("api:") and n not in TABLE}
    missing = names - set(TABLE) - api_names
    assert not missing, f"这些地址在访问矩阵中没有对应行：{sorted(missing)}"
    stale = set(TABLE) - names
    assert not stale, f"访问矩阵中有已不存在的地址：{sorted(stale)}"


def test_every_api_path_has_a_row():
    from zhaoshang.api.api import api

    schema = api.get_openapi_schema()
    paths = set(schema["paths"])
    assert paths == set(API_TABLE), (
        f"接口与访问矩阵不一致：缺少 {sorted(paths - set(API_TABLE))}，多余 {sorted(set(API_TABLE) - paths)}"
    )


def expected(persona, allowed, overrides, anonymous_default=302):
    if persona in overrides:
        return overrides[persona]
    if persona != "anonymous" and "*" in overrides:
        return overrides["*"]
    if persona == "anonymous":
        return anonymous_default
    role = "department_staff" if persona == "other_unit" else persona
    return 200 if role in allowed else 403


@pytest.fixture
def personas(demo, client_for):
    from django.test import Client

    from zhaoshang.org.demo import USERS

    clients = {"anonymous": Client()}
    for role in ROLES:
        clients[role] = client_for(role)
    other = next(u for u, _, unit, _, r in USERS if unit == "友谊路街道")
    from zhaoshang.org.models import User

    c = Client()
    c.force_login(User.objects.get(username=other))
    clients["other_unit"] = c
    return clients


def test_pages(demo, personas):
    failures = []
    for name, row in TABLE.items():
        if row is None:
            continue
        make_kwargs, allowed, overrides = row
        url = reverse(name, kwargs=make_kwargs(demo) if make_kwargs else None)
        for persona, c in personas.items():
            want = expected(persona, allowed, overrides)
            got = c.get(url).status_code
            if got != want:
                failures.append(f"{persona} GET {url}（{name}）：期望 {want}，实际 {got}")
    assert not failures, "\n".join(failures)


def test_api(demo, personas):
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.reference.models import Carrier

    values = {
        "department_id": demo["department_staff"].department_id,
        "carrier_id": Carrier.objects.order_by("pk").values_list("pk", flat=True).first(),
        "enterprise_id": Enterprise.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    failures = []
    for path, (allowed, overrides) in API_TABLE.items():
        url = path.format(**values)
        for persona, c in personas.items():
            want = expected(persona, allowed, overrides, anonymous_default=401)
            got = c.get(url).status_code
            if got != want:
                failures.append(f"{persona} GET {url}：期望 {want}，实际 {got}")
    assert not failures, "\n".join(failures)

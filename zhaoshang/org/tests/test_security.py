"""The 等保 2.0 level-3 account rules, as a user meets them."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.conftest import PASSWORD
from zhaoshang.org import services
from zhaoshang.org.models import Role, User

STRONG = "Hexi#Invest2026"


def login(c, username, password=PASSWORD, ip="10.1.1.1"):
    return c.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_argon2_is_the_production_hasher():
    # Tests hash with MD5 for speed (conftest); the settings module's own list:
    from zhaoshang import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1!", "至少"),  # too short (Django's own Chinese message)
        ("abcdefgh1", "3 类"),  # two classes only
        ("Password1!", "常见"),
        ("{username}#2026", "用户名"),  # the account's own name
    ],
)
def test_weak_passwords_are_refused_in_chinese(demo, password, reason):
    user = demo["department_staff"]
    password = password.format(username=user.username.capitalize())
    with pytest.raises(ValidationError) as exc:
        services.user_set_password(user=user, password=password)
    assert reason in " ".join(exc.value.messages)


def test_last_five_passwords_cannot_be_reused(demo):
    user = demo["department_staff"]
    used = [f"Hexi#Pass{i}x" for i in range(5)]
    for pw in used:
        services.user_set_password(user=user, password=pw)
    with pytest.raises(ValidationError, match="最近 5 次"):
        services.user_set_password(user=user, password=used[0])
    services.user_set_password(user=user, password="Hexi#Fresh9y")
    # The oldest of the five has now dropped out of the window.
    services.user_set_password(user=user, password=used[0])


def test_first_login_forces_a_password_change(demo, client):
    office = demo["office_staff"]
    user = services.user_create(
        actor=office,
        data={"username": "newclerk", "full_name": "新同事", "department": office.department},
        password=STRONG,
    )
    assert user.must_change_password
    assert login(client, "newclerk", STRONG).status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    response = client.post(
        "/account/password/",
        {
            "old_password": STRONG,
            "new_password1": "Brand#New2026",
            "new_password2": "Brand#New2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_expired_password_forces_a_change(demo, client):
    user = demo["department_staff"]
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    login(client, user.username)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/password/"
    assert "密码已超过有效期" in response.content.decode()


def test_five_failures_lock_the_account_for_thirty_minutes(demo):
    c = Client()
    for _ in range(4):
        assert login(c, demo["department_staff"].username, "wrong").status_code == 200
    response = login(c, demo["department_staff"].username, "wrong")
    assert response.status_code == 403 and "账号已锁定" in response.content.decode()
    # Even the right password is refused now, from another address too.
    response = login(Client(), demo["department_staff"].username, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="lockout", username=demo["department_staff"].username
    ).exists()
    assert (
        AuditEvent.objects.filter(
            action="login_failed", username=demo["department_staff"].username
        ).count()
        >= 5
    )


def test_security_admin_unlocks(demo, client_for):
    for _ in range(5):
        login(Client(), demo["department_staff"].username, "wrong")
    sec = client_for("security_admin")
    page = sec.get("/security/locked/").content.decode()
    assert demo["department_staff"].username in page
    sec.post("/security/unlock/", {"username": demo["department_staff"].username})
    assert (
        login(Client(), demo["department_staff"].username, PASSWORD, ip="10.4.4.4").status_code
        == 302
    )
    assert AuditEvent.objects.filter(
        action="unlock", username=demo["security_admin"].username
    ).exists()


def test_idle_session_ends_after_thirty_minutes(demo, client):
    login(client, demo["department_staff"].username)
    assert client.get("/").status_code == 200
    session = client.session
    session["zs_last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/org/departments/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302  # the session is gone
    event = AuditEvent.objects.filter(
        action="logout", username=demo["department_staff"].username
    ).latest("pk")
    assert event.detail == "超时自动退出"


def _last_seen(c):
    return c.session["zs_last_seen"]


def _set_last_seen(c, value):
    session = c.session
    session["zs_last_seen"] = value
    session.save()


def test_background_requests_do_not_count_as_activity(demo, client):
    login(client, demo["department_staff"].username)
    assert client.get("/").status_code == 200
    # 29 minutes without a person's act; the badge poll (marked by static/zs/app.js) comes.
    idle_since = time.time() - 29 * 60
    _set_last_seen(client, idle_since)
    poll = client.get("/notifications/badge/", HTTP_HX_REQUEST="true", HTTP_X_ZS_BACKGROUND="1")
    assert poll.status_code == 200 and "zs-unread-badge" in poll.content.decode()
    assert _last_seen(client) == idle_since  # the idle clock did not move
    # Two minutes later (31 idle) the next poll ends the session and moves the window.
    _set_last_seen(client, time.time() - 31 * 60)
    poll = client.get(
        "/notifications/badge/",
        HTTP_HX_REQUEST="true",
        HTTP_X_ZS_BACKGROUND="1",
        HTTP_HX_CURRENT_URL="http://testserver/pipeline/",
    )
    assert poll["HX-Redirect"] == "/login/?next=%2Fpipeline%2F"
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.filter(
        action="logout", username=demo["department_staff"].username
    ).latest("pk")
    assert event.detail == "超时自动退出"


def test_a_persons_request_keeps_the_session(demo, client):
    login(client, demo["department_staff"].username)
    _set_last_seen(client, time.time() - 29 * 60)
    # A click that htmx sends (a filter form's change) is a person's act.
    assert client.get("/pipeline/projects/", HTTP_HX_REQUEST="true").status_code == 200
    assert time.time() - _last_seen(client) < 5


def test_an_administrator_role_granted_mid_session_is_enforced_at_the_next_request(demo, client):
    login(client, demo["department_staff"].username)
    assert client.get("/").status_code == 200
    services.grant_role(
        actor=demo["security_admin"],
        user=demo["department_staff"],
        role=Role.objects.get(kind=Role.Kind.AUDIT_ADMIN),
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/otp/setup/"


def test_a_password_expiring_mid_session_is_enforced_at_the_next_request(demo, client):
    login(client, demo["department_staff"].username)
    assert client.get("/enterprises/").status_code == 200
    User.objects.filter(username=demo["department_staff"].username).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    response = client.get("/enterprises/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/password/"
    assert "密码已超过有效期" in response.content.decode()


def test_disabling_an_account_ends_its_sessions_at_once(demo, client_for):
    clerk = Client()
    login(clerk, demo["department_staff"].username)
    assert clerk.get("/").status_code == 200
    user = demo["department_staff"]
    services.user_update(
        actor=demo["system_admin"], user=user, data={"is_active": False}, version=user.version
    )
    assert clerk.get("/").status_code == 302
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )


def test_administrators_must_enrol_totp(demo, client):
    login(client, demo["system_admin"].username)
    response = client.get("/org/users/")
    assert response.status_code == 302 and response["Location"] == "/account/otp/setup/"


def test_a_background_request_under_a_gate_moves_the_window_and_keeps_the_messages(demo, client):
    login(client, demo["system_admin"].username)
    # The gate page itself does not poll the badge: its answer would only come back here.
    setup = client.get("/account/otp/setup/").content.decode()
    assert "zs-unread-badge" not in setup and "动态口令" in setup
    assert "后才能使用" not in setup  # no gate notice yet: this page was asked for
    # An htmx request from another tab is told to move the window, not sent a 302 its XHR
    # would follow into the gate page (which would show, and use up, pending messages).
    response = client.get("/notifications/badge/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == "/account/otp/setup/"
    assert response.content == b""
    # The gate's notice waits for the page the window moves to.
    assert (
        "管理员账号须绑定动态口令（双因素认证）后才能使用"
        in client.get("/account/otp/setup/").content.decode()
    )


def test_totp_login_for_an_enrolled_user(demo, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling after a failure is django-otp's own
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = demo["security_admin"]
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    login(client, demo["security_admin"].username)
    assert client.get("/security/policy/")["Location"] == "/account/otp/verify/"
    bad = client.post("/account/otp/verify/", {"token": "000000"})
    assert "动态口令不正确" in bad.content.decode()
    assert (
        client.post("/account/otp/verify/", {"token": f"{totp(device.bin_key):06d}"}).status_code
        == 302
    )
    assert client.get("/security/policy/").status_code == 200


def test_the_three_administrators_are_separate(demo):
    sysadmin = demo["system_admin"]
    for code in ["security_admin", "audit_admin"]:
        with pytest.raises(ValidationError, match="不得由一人兼任"):
            services.grant_role(
                actor=demo["security_admin"], user=sysadmin, role=Role.objects.get(code=code)
            )
    assert not sysadmin.has_perm("audit.view_audit_log")
    assert not sysadmin.has_perm("org.manage_policy")
    assert not demo["audit_admin"].has_perm("org.manage_user")


def test_custom_roles_cannot_carry_administrator_permissions(demo, client_for):
    from django.contrib.auth.models import Permission

    sec = client_for("security_admin")
    manage_user = Permission.objects.get(codename="manage_user")
    response = sec.post(
        "/org/roles/new/",
        {
            "code": "sneaky",
            "name": "偷权角色",
            "data_scope": "all",
            "permissions": [manage_user.pk],
        },
    )
    assert response.status_code == 200
    assert "不在可用的选项中" in response.content.decode()
    assert not Role.objects.filter(code="sneaky").exists()


def test_policy_changes_stay_within_level_three(
    demo, client_for, django_capture_on_commit_callbacks
):
    sec = client_for("security_admin")
    data = {
        "password_max_age_days": 120,
        "password_history": 5,
        "lockout_failures": 5,
        "lockout_minutes": 30,
        "idle_minutes": 30,
        "audit_retention_days": 180,
        "address_lockout_accounts": 10,
        "webhook_allowed_hosts": "",
    }
    response = sec.post("/security/policy/", data)
    assert "须在 7 至 90 之间" in response.content.decode()
    response = sec.post(
        "/security/policy/", {**data, "password_max_age_days": 60, "lockout_failures": 3}
    )
    assert response.status_code == 302
    from zhaoshang.org import policy

    assert policy.current()["lockout_failures"] == 3
    assert AuditEvent.objects.filter(action="policy").exists()


@pytest.mark.parametrize(
    "extra",
    [
        {},
        # HSTS on, as docs/deployment.md tells an operator to turn it on once HTTPS works.
        {"DJANGO_HSTS_SECONDS": "31536000"},
        # Behind a reverse proxy that terminates TLS.
        {"DJANGO_HSTS_SECONDS": "31536000", "DJANGO_BEHIND_PROXY": "1"},
    ],
    ids=["plain", "hsts", "hsts-behind-proxy"],
)
def test_deploy_check_is_clean_in_production(tmp_path, extra):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "Q7#kd92LmZp0vR8sT5uW3yX6aB1cD4eF",
        "DJANGO_ALLOWED_HOSTS": "zhaoshang.example.gov.cn",
        "ZS_VAR_DIR": str(tmp_path),
        **extra,
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_secrets_can_come_from_files(tmp_path):
    import os
    import subprocess
    import sys

    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "k" * 40)
    env = {**os.environ, "DJANGO_SECRET_KEY_FILE": str(secret), "ZS_VAR_DIR": str(tmp_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='zhaoshang.settings';"
            "from django.conf import settings;print(settings.SECRET_KEY)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "from-a-file-" + "k" * 40

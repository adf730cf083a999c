"""Browser tests: real Chromium driven by Playwright against a live server."""

import time

import pytest
from django.utils import timezone

from zhaoshang.conftest import HOME, PASSWORD, login, submit

pytestmark = pytest.mark.browser


def test_login_lands_on_the_role_home(demo, page):
    login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    assert f"您好，{demo['department_staff'].full_name}" in page.content()
    assert page.get_by_text("我的单位", exact=True).count() == 1
    # The menu offers only what this role may open.
    assert page.locator("aside >> text=审计日志").count() == 0


def test_lockout_after_five_failures(demo, page):
    for _ in range(4):
        login(page, demo["department_staff"].username, "wrong-password")
        assert "用户名或密码错误" in page.content()
    login(page, demo["department_staff"].username, "wrong-password")
    assert "账号已锁定" in page.content()
    login(page, demo["department_staff"].username, PASSWORD)
    assert "账号已锁定" in page.content()


def test_expired_password_must_be_changed(demo, page):
    from zhaoshang.org.models import User

    User.objects.filter(username=demo["department_staff"].username).update(
        password_changed_at=timezone.now() - timezone.timedelta(days=100)
    )
    login(page, demo["department_staff"].username)
    page.wait_for_url("**/account/password/")
    assert "密码已超过有效期" in page.content()
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "short")
    page.fill("input[name=new_password2]", "short")
    submit(page)
    assert "密码太短" in page.content() or "至少" in page.content()
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "Hexi#Renewed2026")
    page.fill("input[name=new_password2]", "Hexi#Renewed2026")
    page.click("main button[type=submit]")
    # "**/" would also match the password page itself; wait for the home page's notice.
    page.get_by_text("密码已修改").wait_for()
    assert page.url.endswith("/") and "/account/password/" not in page.url


def test_admin_enrols_totp_then_logs_in_with_it(demo, page):
    import base64

    from django_otp.oath import totp

    login(page, demo["system_admin"].username)
    page.wait_for_url("**/account/otp/setup/")
    assert page.locator(".zs-qr svg").count() == 1
    secret = page.locator("#otp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=token]", f"{totp(key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(HOME)
    assert "动态口令已绑定" in page.content()
    page.click("text=退出")
    login(page, demo["system_admin"].username)
    page.wait_for_url("**/account/otp/verify/")
    # A code is good once: the next login takes the authenticator's next code.
    page.fill("input[name=token]", f"{totp(key, drift=1):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(HOME)
    page.goto("/org/users/")
    assert demo["department_staff"].username in page.content()


def test_idle_session_is_logged_out(demo, page):
    from django.contrib.sessions.models import Session

    # The home page's unread badge loads by itself: wait for that request, or it may
    # find the session idle first and use up the logout message on its own redirect.
    with page.expect_response("**/notifications/badge/"):
        login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    # Thirty-one minutes pass: move the session's last activity back instead of sleeping.
    for session in Session.objects.all():
        data = session.get_decoded()
        if data.get("_auth_user_id"):
            data["zs_last_seen"] = time.time() - 31 * 60
            Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    page.goto("/org/departments/")
    assert "/login/" in page.url
    assert "已自动退出" in page.content()


def test_editing_the_unit_tree(demo, page):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhaoshang.org.models import Department

    device = TOTPDevice.objects.create(user=demo["system_admin"], name="手机", confirmed=True)
    login(page, demo["system_admin"].username)
    page.wait_for_url("**/account/otp/verify/")
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(HOME)
    page.goto("/org/departments/new/")
    page.fill("input[name=name]", "区商务局招商一科")
    page.select_option("select[name=kind]", "department")
    parent = Department.objects.get(name="区商务局")
    page.select_option("select[name=parent]", str(parent.pk))
    page.click("main button[type=submit]")
    page.wait_for_url("**/org/departments/")
    assert "单位“区商务局招商一科”已保存" in page.content()
    unit = Department.objects.get(name="区商务局招商一科")
    assert unit.path.startswith(parent.path)
    # Move it under 区招商办 and see the tree follow.
    office = Department.objects.get(name="区招商办")
    page.goto(f"/org/departments/{unit.pk}/edit/")
    page.select_option("select[name=parent]", str(office.pk))
    page.click("main button[type=submit]")
    page.wait_for_url("**/org/departments/")
    unit.refresh_from_db()
    assert unit.parent_id == office.pk and unit.path.startswith(office.path)
    # A blank name is refused with a Chinese message and nothing changes.
    page.goto(f"/org/departments/{unit.pk}/edit/")
    page.fill("input[name=name]", "")
    submit(page)
    assert "这个字段是必填项" in page.content()
    unit.refresh_from_db()
    assert unit.name == "区商务局招商一科"


def test_a_page_that_polls_is_logged_out_when_nobody_acts(demo, page, settings, monkeypatch):
    """The unread badge polls every minute; those polls are not a person's activity, so
    an open tab is still logged out after the idle time (here shortened to 5 minutes)."""
    from types import SimpleNamespace

    from zhaoshang.org import middleware, policy
    from zhaoshang.org.services import policy_update

    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "IDLE_MINUTES": 5}
    # The policy row, where one exists, overrides the settings: set it too, so the idle
    # time is 5 minutes whatever an earlier test left in the database.
    policy_update(actor=demo["security_admin"], data={"idle_minutes": 5})
    policy.clear_cache()
    # Both clocks are the test's: the browser's timers (which fire the poll) and the
    # server's idle clock (the live server runs in this process), moved together.
    now = [time.time()]
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: now[0]))
    page.clock.install()
    with page.expect_response("**/notifications/badge/"):
        login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    page.locator("#zs-unread-badge[hx-trigger='every 60s']").wait_for(state="attached")
    # Two polls, two minutes apart: four idle minutes, the session lives on.
    for _ in range(2):
        now[0] += 120
        with page.expect_response("**/notifications/badge/") as poll:
            page.clock.run_for(60_000)
        assert poll.value.status == 200 and not poll.value.headers.get("hx-redirect")
    assert "/login/" not in page.url
    # Two more minutes: six idle minutes. The next poll ends the session and moves the
    # window to the login page, which says why.
    now[0] += 120
    with page.expect_navigation(url="**/login/**", timeout=30_000):
        page.clock.run_for(60_000)
    assert "已超过 5 分钟未操作" in page.content()
    # The way back leads to the page that was open, not to the badge fragment.
    assert "next=%2F" in page.url and "badge" not in page.url

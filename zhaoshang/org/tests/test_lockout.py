"""Login lockout as an office behind one address meets it: five failures lock the
account that failed, not its colleagues; an address is locked only when it tries many
accounts (spraying). The address is the client's own, directly or behind a proxy."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zhaoshang.audit.models import AuditEvent
from zhaoshang.conftest import PASSWORD
from zhaoshang.org import policy

OFFICE = "10.1.1.1"


def login(username, password=PASSWORD, ip=OFFICE, forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/login/", {"username": username, "password": password}, **extra)


def spray(count, **where):
    """One wrong password for each of ``count`` made-up accounts."""
    return [login(f"guess{i}", "Spring#2026", **where) for i in range(count)]


def test_a_colleague_at_the_same_address_signs_in_after_an_account_is_locked(demo):
    for _ in range(4):
        assert login(demo["department_staff"].username, "wrong").status_code == 200
    response = login(demo["department_staff"].username, "wrong")
    assert response.status_code == 403 and "账号已锁定" in response.content.decode()
    # The locked account stays locked, from any address.
    assert login(demo["department_staff"].username, ip="10.9.9.9").status_code == 403
    # The colleague at the next desk, behind the same address, signs in.
    assert login(demo["department_head"].username).status_code == 302
    assert AuditEvent.objects.filter(
        action="lockout", username=demo["department_staff"].username
    ).exists()


def test_spraying_many_accounts_from_one_address_locks_that_address(demo):
    limit = policy.current()["address_lockout_accounts"]
    assert limit == 10  # the default; the security administrator may set 3–100
    responses = spray(limit - 1, ip="10.2.2.2")
    assert all(r.status_code == 200 for r in responses)
    assert (
        login(demo["department_staff"].username, ip="10.2.2.2").status_code == 302
    )  # 9 accounts: not yet
    response = login("guess-last", "Spring#2026", ip="10.2.2.2")
    assert response.status_code == 403 and "登录地址已锁定" in response.content.decode()
    # Now even a right password is refused from there, but not from elsewhere.
    assert login(demo["department_head"].username, ip="10.2.2.2").status_code == 403
    assert login(demo["department_head"].username, ip="10.3.3.3").status_code == 302
    event = AuditEvent.objects.filter(action="lockout", ip="10.2.2.2").latest("pk")
    assert "地址已被锁定" in event.detail


def test_the_threshold_comes_from_the_security_policy(demo):
    from zhaoshang.org import services

    services.policy_update(actor=demo["security_admin"], data={"address_lockout_accounts": 3})
    spray(2, ip="10.2.2.2")
    assert login("guess-x", "Spring#2026", ip="10.2.2.2").status_code == 403
    with pytest.raises(ValidationError, match="3 至 100"):
        services.policy_update(actor=demo["security_admin"], data={"address_lockout_accounts": 1})


def test_behind_one_proxy_the_address_is_the_proxys_entry(demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"  # every request reaches the application from the proxy
    # A sprayer behind the proxy cannot hide by writing its own X-Forwarded-For: the
    # proxy appends the address it saw, and only that rightmost entry is used.
    for i in range(9):
        login(f"guess{i}", "x", ip=proxy, forwarded=f"172.16.0.{i}, 10.5.5.5")
    response = login("guess9", "x", ip=proxy, forwarded="192.0.2.1, 10.5.5.5")
    assert response.status_code == 403 and "登录地址已锁定" in response.content.decode()
    # Other users behind the same proxy (same REMOTE_ADDR) are not affected.
    assert (
        login(demo["department_head"].username, ip=proxy, forwarded="10.6.6.6").status_code == 302
    )
    assert (
        AuditEvent.objects.get(action="login", username=demo["department_head"].username).ip
        == "10.6.6.6"
    )
    # A colleague whose own browser (or a proxy of theirs) names the sprayer's address
    # further left is still taken at the address our proxy saw.
    assert (
        login(
            demo["department_staff"].username, ip=proxy, forwarded="10.5.5.5, 10.6.6.7"
        ).status_code
        == 302
    )


def test_a_direct_setup_ignores_a_forged_forwarded_for(demo, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    # The sprayer forges a different X-Forwarded-For each time: it is still one address.
    for i in range(9):
        login(f"guess{i}", "x", ip="10.7.7.7", forwarded=f"203.0.113.{i}")
    response = login("guess9", "x", ip="10.7.7.7", forwarded="203.0.113.99")
    assert response.status_code == 403
    # Nor can it frame another address by naming it: that address is not locked.
    assert login(demo["department_staff"].username, ip="10.8.8.8").status_code == 302
    for i in range(10):
        login(f"frame{i}", "x", ip="10.7.7.8", forwarded="10.8.8.9")
    assert login(demo["department_head"].username, ip="10.8.8.9").status_code == 302


def test_the_security_administrator_sees_and_unlocks_an_address(demo, client_for):
    spray(10, ip="10.2.2.2")
    for _ in range(5):
        login(demo["department_staff"].username, "wrong", ip="10.4.4.4")
    sec = client_for("security_admin")
    page = sec.get("/security/locked/").content.decode()
    assert "10.2.2.2" in page and demo["department_staff"].username in page
    sec.post("/security/unlock/", {"ip": "10.2.2.2"})
    assert login(demo["department_head"].username, ip="10.2.2.2").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", detail__contains="10.2.2.2").exists()

"""An empty district starts with `manage.py create_first_admin`; in production mode the
demo district, whose password is published, cannot be loaded."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhaoshang.audit.models import AuditEvent
from zhaoshang.org.models import Department, Role, User

# The demo accounts' password, published in the README: a real district's administrators
# must never start with it.
PUBLISHED_PASSWORD = re.search(
    r"share\s+the\s+password\s+`([^`]+)`",
    (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8"),
).group(1)


def create_first_admin(*args):
    out = io.StringIO()
    call_command("create_first_admin", *args, stdout=out)
    text = out.getvalue()
    # "  sysadmin        系统管理员      <password>"
    return text, dict(re.findall(r"^\s+(\S+)\s+\S+管理员\s+(\S+)$", text, re.MULTILINE))


def test_empty_district_gets_its_three_administrators_with_one_time_passwords(db):
    assert not User.objects.exists()
    text, passwords = create_first_admin()
    assert set(passwords) == {"sysadmin", "secadmin", "auditadmin"}
    assert "只显示这一次" in text
    assert len(set(passwords.values())) == 3 and PUBLISHED_PASSWORD not in passwords.values()
    for username, kind in [
        ("sysadmin", Role.Kind.SYSTEM_ADMIN),
        ("secadmin", Role.Kind.SECURITY_ADMIN),
        ("auditadmin", Role.Kind.AUDIT_ADMIN),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password(passwords[username])
        assert user.must_change_password
        assert list(user.grants.values_list("role__kind", flat=True)) == [kind]
        assert user.department == Department.objects.get(name="区招商办")
        # The password is kept only as a hash.
        assert passwords[username] not in user.password
    assert AuditEvent.objects.filter(action="grant", object_repr__contains="sysadmin").exists()


def test_first_login_changes_the_password_then_enrols_totp(db):
    _, passwords = create_first_admin()
    c = Client()
    response = c.post("/login/", {"username": "sysadmin", "password": passwords["sysadmin"]})
    assert response.status_code == 302
    assert c.get("/")["Location"] == "/account/password/"
    c.post(
        "/account/password/",
        {
            "old_password": passwords["sysadmin"],
            "new_password1": "Hexi#Admin2026x",
            "new_password2": "Hexi#Admin2026x",
        },
    )
    assert c.get("/")["Location"] == "/account/otp/setup/"


def test_refused_once_an_administrator_exists(db):
    create_first_admin()
    before = User.objects.count()
    with pytest.raises(CommandError, match="系统已有管理员账号"):
        create_first_admin()
    assert User.objects.count() == before


def test_refused_on_the_demo_district(demo):
    with pytest.raises(CommandError, match="系统已有管理员账号"):
        create_first_admin("--system-admin", "admin2")
    assert not User.objects.filter(username="admin2").exists()


def test_usernames_and_unit_can_be_chosen(db):
    _, passwords = create_first_admin("--unit", "市投资促进局", "--system-admin", "xitong")
    assert set(passwords) == {"xitong", "secadmin", "auditadmin"}
    assert User.objects.get(username="xitong").department.name == "市投资促进局"


def test_load_demo_refuses_in_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境.*不能载入演示数据.*create_first_admin"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Department.objects.exists()

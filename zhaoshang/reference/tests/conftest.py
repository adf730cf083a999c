"""The reference app's own small district, so its tests do not depend on the shared
demo loader: the office, a few departments, an office clerk and a department clerk, and
the demo key industries, zones and carriers. ``demo`` and ``client_for`` deliberately
shadow the project-wide fixtures of the same names for the tests in this folder."""

import pytest
from django.test import Client
from django.utils import timezone

PASSWORD = "Zs@2026demo!"
UNITS = [
    ("区招商办", "office"),
    ("区科技局", "department"),
    ("区金融局", "department"),
    ("区商务局", "department"),
]
PERSONAS = [
    ("ref_office", "区招商办", "office_staff"),
    ("ref_clerk", "区科技局", "department_staff"),
    ("ref_finance", "区金融局", "department_staff"),
]


@pytest.fixture
def demo(db):
    """Returns the users by role code (``department_staff`` is 区科技局's clerk)."""
    from zhaoshang.org.models import Department, Role, User
    from zhaoshang.org.services import department_create, grant_role, user_create
    from zhaoshang.reference.national import load_national_data
    from zhaoshang.reference.services import load_demo_reference

    load_national_data()  # a live-server test's flush may have emptied it
    units = {}
    for name, kind in UNITS:
        units[name] = Department.objects.filter(name=name).first() or department_create(
            actor=None, data={"name": name, "kind": kind}
        )
    users = {}
    for username, unit, role in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                data={"username": username, "full_name": username, "department": units[unit]},
                password=PASSWORD,
            )
            # Past the first-login password change the security gate would demand.
            User.objects.filter(pk=user.pk).update(
                must_change_password=False, password_changed_at=timezone.now()
            )
            user.refresh_from_db()
            grant_role(actor=None, user=user, role=Role.objects.get(code=role))
        users.setdefault(role, user)
        users[username] = user
    load_demo_reference(departments=units)
    return users


@pytest.fixture
def client_for(demo):
    """``client_for("office_staff")``: a test client signed in as that persona."""

    def make(who):
        c = Client()
        c.force_login(demo[who])
        return c

    return make

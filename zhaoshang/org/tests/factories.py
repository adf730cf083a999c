"""Units and users for tests, written through the org services (audited, with the
materialised path and the password history), never by a bare ``objects.create``."""

import factory
from django.utils import timezone

from zhaoshang.org.models import Department, Role, User
from zhaoshang.org.services import department_create, grant_role, user_create

# The password every test account signs in with (it passes the password policy).
PASSWORD = "Zs@2026test"


class DepartmentFactory(factory.Factory):
    """``DepartmentFactory(name="区科技局", kind=Department.Kind.DEPARTMENT, parent=gov)``."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = ""
    kind = Department.Kind.DEPARTMENT
    parent = None

    @classmethod
    def _create(cls, model_class, **data):
        return department_create(actor=None, data=data)


class UserFactory(factory.Factory):
    """``UserFactory(department=unit, role="department_staff")``: an account past its
    first-login password change (as an administrator's new account is after that change),
    holding ``role`` (a built-in role code) when given."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    department = factory.SubFactory(DepartmentFactory)
    title = "科员"
    role = None
    password = PASSWORD
    ready = True

    @classmethod
    def _create(cls, model_class, role=None, password=PASSWORD, ready=True, **data):
        user = user_create(actor=None, data=data, password=password)
        if ready:
            User.objects.filter(pk=user.pk).update(
                must_change_password=False, password_changed_at=timezone.now()
            )
            user.refresh_from_db()
        if role:
            grant_role(actor=None, user=user, role=Role.objects.get(code=role))
        return user

"""API keys for tests, made the way the system administrator makes one
(``api_key_create``: a service account of the unit, the key's digest, an audit line)."""

import factory

from zhaoshang.api import keys, services
from zhaoshang.api.models import ApiKey
from zhaoshang.org.models import Role


class ApiKeyFactory(factory.Factory):
    """``ApiKeyFactory(actor=sysadmin, department=unit)`` → ``(key, raw key)``: a read key
    for every module as a department clerk of ``department`` by default."""

    class Meta:
        model = ApiKey

    actor = None
    department = None
    name = factory.LazyAttribute(lambda o: f"{o.department.name}对接系统")
    role = "department_staff"
    access = ApiKey.Access.READ
    modules = factory.LazyFunction(lambda: list(keys.modules()))

    @classmethod
    def _create(cls, model_class, actor, role, **data):
        data["role"] = Role.objects.get(code=role) if isinstance(role, str) else role
        return services.api_key_create(actor=actor, data=data)

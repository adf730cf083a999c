import pytest


@pytest.fixture
def make_key(demo):
    """``make_key(unit="区科技局", role="department_staff", ...)``: a key made the way the
    system administrator makes one; returns ``(key, raw key)``."""
    from zhaoshang.api import keys, services
    from zhaoshang.org.models import Department, Role

    def make(unit="区科技局", role="department_staff", **data):
        data = {
            "name": f"{unit}对接系统",
            "department": Department.objects.get(name=unit),
            "role": Role.objects.get(code=role),
            "access": "read",
            "modules": list(keys.modules()),
            **data,
        }
        return services.api_key_create(actor=demo["system_admin"], data=data)

    return make


@pytest.fixture
def call():
    """``call(raw, "GET", "/api/...", json=...)``: a machine's request, CSRF enforced as
    for any client without a browser's exemption."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    def send(raw, method, path, json=None):
        headers = {"X-API-Key": raw} if raw is not None else {}
        if json is None:
            return client.generic(method, path, headers=headers)
        import json as _json

        return client.generic(
            method, path, _json.dumps(json), content_type="application/json", headers=headers
        )

    return send

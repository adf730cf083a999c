"""The reference tests check pages, imports and the API on the district's reference data:
the key industries, zones and carriers ``reference.services.load_demo_reference`` enters
(its own idempotence is tested here too), over the personas' units. Only those: no
enterprises, projects or leads of the demo district."""

import pytest


@pytest.fixture(autouse=True)
def reference_data(request):
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    demo = request.getfixturevalue("demo")
    from zhaoshang.org.models import Department
    from zhaoshang.reference.services import load_demo_reference

    load_demo_reference(departments={d.name: d for d in Department.objects.all()})
    return demo

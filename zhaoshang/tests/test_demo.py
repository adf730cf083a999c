"""The demo district is what a new office sees first: its data obeys the system's rules."""

from django.apps import apps
from stdnum.cn import uscc


def test_every_credit_code_in_the_demo_district_passes_the_checksum(demo_district):
    # Every field holding a unified social credit code, in any app, so a loader that
    # writes a code past the validating service is caught wherever it writes it.
    fields = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("credit_code")
    ]
    assert fields, "no credit-code field found"
    checked, bad = 0, []
    for model, name in fields:
        codes = model._base_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        for code in codes.values_list(name, flat=True):
            checked += 1
            if not uscc.is_valid(code):
                bad.append(f"{model._meta.label}.{name} = {code}")
    assert checked > 20  # the demo enterprises and the landed projects
    assert not bad, "demo codes failing the GB 32100-2015 checksum: " + "; ".join(bad)

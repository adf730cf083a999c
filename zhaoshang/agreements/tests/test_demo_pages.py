"""The demo agreements load, and every page of the module renders for the office."""

import pytest
from django.urls import reverse

from zhaoshang.agreements.models import Agreement, Calculation, Disbursement, DisbursementState

# These tests read the demo district's agreements (agreements/demo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]


def test_demo_has_a_paid_and_a_waiting_disbursement(demo):
    assert Agreement.objects.count() == 2
    states = set(Disbursement.objects.values_list("state", flat=True))
    assert states == {DisbursementState.PAID, DisbursementState.COMPUTED}
    paid = Disbursement.objects.get(state=DisbursementState.PAID)
    assert paid.paid_amount == paid.approved_amount == paid.computed_amount > 0
    assert [s.to_state for s in paid.steps.all()] == [
        "confirmed",
        "approved",
        "allocated",
        "paid",
    ]


def test_pages_render_for_the_office(demo, client_for):
    c = client_for("office_staff")
    a = Agreement.objects.order_by("pk").first()
    calc = Calculation.objects.filter(agreement=a).first()
    d = Disbursement.objects.filter(agreement=a).first()
    for url in [
        reverse("agreements:agreement_list"),
        reverse("agreements:agreement_create"),
        reverse("agreements:agreement_detail", args=[a.pk]),
        reverse("agreements:clause_create", args=[a.pk]),
        reverse("agreements:calculation_detail", args=[calc.pk]),
        reverse("agreements:disbursement_list"),
        reverse("agreements:disbursement_detail", args=[d.pk]),
        reverse("agreements:fulfilment"),
        reverse("agreements:report"),
        reverse("agreements:report") + "?by=industry",
        reverse("agreements:report") + "?by=year",
        reverse("agreements:import_list"),
        reverse("agreements:data_list"),
        reverse("org:home"),
    ]:
        response = c.get(url)
        assert response.status_code == 200, (url, response.content.decode()[:3000])

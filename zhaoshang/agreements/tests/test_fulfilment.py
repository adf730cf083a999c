"""Commitments against actuals (M14): each commitment beside the reported figure, the
percentage and a shortfall flag; the shortfalls per department; the 履约 ledger as .xlsx;
warnings before a deadline."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zhaoshang.agreements import queries, services
from zhaoshang.agreements.models import Agreement, Commitment, Disbursement
from zhaoshang.notifications.models import Notification

# These tests read the demo district's agreements (agreements/demo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]


@pytest.fixture
def short(demo):
    """区科技局's enterprise promised more district tax than it paid in the demo year."""
    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    year = Disbursement.objects.get(agreement=agreement).year
    c = Commitment.objects.get(agreement=agreement, kind="tax_district", year=year)
    services.commitment_set(
        actor=demo["office_staff"],
        agreement=agreement,
        kind="tax_district",
        year=year,
        amount=Decimal("6000000"),
        due_on=c.due_on,
    )
    return agreement, year


def test_shortfalls_are_flagged_with_the_figures_and_counted_per_department(demo, short):
    agreement, year = short
    items = queries.fulfilment(demo["office_staff"], year)
    mine = [i for i in items if i.agreement == agreement and i.commitment.kind == "tax_district"]
    (item,) = mine
    assert item.actual == Decimal("4860000.00")
    assert item.percent == Decimal("81.0") and item.shortfall
    assert "税务部门" in item.note
    only = queries.fulfilment(demo["office_staff"], year, shortfall_only=True)
    assert [(i.agreement, i.commitment.kind) for i in only] == [(agreement, "tax_district")]
    by_unit = dict(
        (name, (s, n, none))
        for name, s, n, none in queries.shortfalls_by_department(demo["office_staff"], year)
    )
    assert by_unit["区科技局"] == (1, 2, 0)
    # Another unit's clerk reads none of it; supervision has no access at all.
    assert queries.fulfilment(demo["department_head"], year) == []
    assert queries.fulfilment(demo["supervision"], year) == []


def test_the_ledger_export_lists_every_commitment_with_its_status(demo, short, client_for):
    agreement, year = short
    response = client_for("office_staff").get(
        "/agreements/fulfilment/", {"year": year, "export": "xlsx"}
    )
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("责任单位", "协议编号", "企业", "承诺事项")
    flagged = [r for r in rows[1:] if r[8] == "未达承诺"]
    assert [(r[1], r[3]) for r in flagged] == [(agreement.number, "区级留成税收")]
    assert len(rows) - 1 == len(queries.fulfilment(demo["office_staff"], year))


def test_a_warning_before_the_deadline_goes_to_the_responsible_unit(demo, short):
    agreement, year = short
    due = Commitment.objects.get(agreement=agreement, kind="tax_district", year=year).due_on
    before = Notification.objects.filter(kind="commitment_deadline").count()
    sent = services.commitment_deadlines_warn(today=due - dt.timedelta(days=7))
    assert sent >= 1
    note = Notification.objects.filter(
        kind="commitment_deadline", recipient=demo["department_staff"]
    ).latest("pk")
    assert agreement.enterprise.name in note.body and "承诺 6000000" in note.body
    # Told 30, 7 and 1 days before, not every day in between.
    assert services.commitment_deadlines_warn(today=due - dt.timedelta(days=31)) == 0
    assert services.commitment_deadlines_warn(today=due - dt.timedelta(days=10)) == 0
    assert Notification.objects.filter(kind="commitment_deadline").count() == before + sent

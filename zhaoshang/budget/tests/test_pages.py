"""The budget pages as a clerk and finance use them: the report by unit and line (and
its .xlsx), setting up and adjusting a line, posting a spending with its voucher and
being refused past the balance, the spending list (query count pinned)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.budget import services
from zhaoshang.budget.models import BudgetLine, Spending
from zhaoshang.org.models import Department

from .factories import line

pytestmark = pytest.mark.django_db


def _pdf(name="发票.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 voucher", content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_finance_sets_up_and_adjusts_a_line(demo, client_for):
    finance = client_for("finance")
    unit = Department.objects.get(name="区科技局")
    response = finance.post(
        "/budget/lines/new/",
        {"department": unit.pk, "year": 2026, "category": "outbound", "approved": "15万元"},
    )
    created = BudgetLine.objects.get(department=unit, category="outbound")
    assert response.status_code == 302 and created.approved == Decimal("150000.00")
    # Twice the same line: the page says to adjust instead.
    again = finance.post(
        "/budget/lines/new/",
        {"department": unit.pk, "year": 2026, "category": "outbound", "approved": "1万元"},
    )
    assert "已设“外出招商”经费科目；如需增减金额" in again.content.decode()
    finance.post(
        f"/budget/lines/{created.pk}/adjust/",
        {"direction": "cut", "amount": "5万元", "reason": "压减一般性支出"},
    )
    created.refresh_from_db()
    assert created.total == Decimal("100000.00")
    page = finance.get(f"/budget/lines/{created.pk}/").content.decode()
    assert "压减一般性支出" in page and "-50000.00" in page


def test_a_clerk_posts_a_spending_and_is_refused_past_the_balance(demo, client_for, media):
    budget = line(unit="区科技局", approved="100000.00")
    clerk = client_for("department_staff")
    form = {"line": budget.pk, "amount": "8万元", "occurred_on": "2026-05-12", "summary": "推介会"}
    response = clerk.post("/budget/spending/new/", form | {"voucher": _pdf()})
    assert response.status_code == 302
    refused = clerk.post("/budget/spending/new/", form | {"amount": "3万元", "voucher": _pdf()})
    assert refused.status_code == 200
    assert "超出经费余额：科目余额 2.00 万元，本次支出 3.00 万元。" in refused.content.decode()
    assert Spending.objects.count() == 1
    # The voucher is required and kept; the unit's clerk downloads it.
    entry = Spending.objects.get()
    assert clerk.get(f"/budget/spending/{entry.pk}/voucher/").status_code == 200
    # Another unit's clerk cannot post to this line (it is not offered).
    street = client_for("department_head")  # 区商务局: not 区科技局's line
    other = street.post("/budget/spending/new/", form | {"voucher": _pdf()})
    assert "选择一个有效的选项" in other.content.decode()


def test_the_report_by_unit_and_line_and_its_workbook(demo, client_for):
    line(unit="区科技局", approved="100000.00")
    line(unit="区科技局", category="outbound", approved="50000.00")
    line(unit="区商务局", approved="200000.00")
    services.spending_post(
        actor=demo["department_staff"],
        department=Department.objects.get(name="区科技局"),
        year=2026,
        category="publicity",
        amount=Decimal("95000"),
        occurred_on=dt.date(2026, 4, 1),
        summary="推介会",
    )
    leader = client_for("leader")
    page = leader.get("/budget/?year=2026").content.decode()
    assert "95.0%" in page and "超 90%" in page and "小计" in page and "合计" in page
    response = leader.get("/budget/?year=2026&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [r for r in book.active.iter_rows(values_only=True) if r[0]]
    body = rows[rows.index(next(r for r in rows if r[0] == "单位")) + 1 :]
    # The office's paper layout: unit, line, 万元 figures, rate; subtotals; the total.
    assert [(r[0], r[1], float(r[4]), float(r[5]), r[7]) for r in body] == [
        ("区商务局", "宣传推介", 20.0, 0.0, 0),
        ("区商务局", "小计", 20.0, 0.0, 0),
        ("区科技局", "宣传推介", 10.0, 9.5, 95),
        ("区科技局", "外出招商", 5.0, 0.0, 0),
        ("区科技局", "小计", 15.0, 9.5, 63.3),
        ("合计", None, 35.0, 9.5, 27.1),
    ]
    # A unit sees only its own lines.
    own = client_for("department_staff").get("/budget/?year=2026").content.decode()
    assert "区科技局" in own and "区商务局" not in own


def test_the_spending_list_reads_a_fixed_number_of_queries(
    demo, client_for, django_assert_max_num_queries
):
    budget = line(unit="区科技局", approved="1000000.00")

    for i in range(30):
        services.spending_post(
            actor=demo["department_staff"],
            department=budget.department,
            year=2026,
            category="publicity",
            amount=Decimal("100"),
            occurred_on=dt.date(2026, 3, 1 + i % 28),
            summary=f"第{i}笔",
        )
    clerk = client_for("department_staff")
    clerk.get("/budget/spending/")  # warm the session and the menu
    with django_assert_max_num_queries(12):
        response = clerk.get("/budget/spending/?year=2026")
    assert response.content.decode().count("第") >= 30
    with django_assert_max_num_queries(12):
        clerk.get("/budget/?year=2026")

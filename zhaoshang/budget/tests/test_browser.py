"""A spending entry in a real browser: 区科技局's clerk posts a cost past the balance of
its 宣传推介 line and is told the balance, then posts one that fits, with its voucher;
the line's page shows it. Screenshots go to ZS_SCREENSHOTS when it is set."""

import os

import pytest

from zhaoshang.budget.models import BudgetLine, Spending
from zhaoshang.conftest import HOME, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_a_spending_entry_is_refused_past_the_balance(demo, page, tmp_path):
    budget = BudgetLine.objects.get(department__name="区科技局", category="publicity")
    voucher = tmp_path / "发票.pdf"
    voucher.write_bytes(b"%PDF-1.4 invoice")
    before = Spending.objects.filter(line=budget).count()
    login(page, "kejiju")
    page.wait_for_url(HOME)
    page.goto("/budget/spending/new/")
    page.select_option("select[name=line]", value=str(budget.pk))
    page.fill("input[name=amount]", "3万元")
    page.fill("input[name=occurred_on]", f"{budget.year}-11-20")
    page.fill("input[name=summary]", "科技创新推介会布展费")
    page.set_input_files("input[name=voucher]", str(voucher))
    submit(page)
    assert "超出经费余额：科目余额 1.80 万元，本次支出 3.00 万元。" in page.content()
    _shot(page, "budget-refused")
    assert Spending.objects.filter(line=budget).count() == before
    page.fill("input[name=amount]", "1万元")
    page.set_input_files("input[name=voucher]", str(voucher))
    submit(page)
    body = page.content()
    assert "已登记支出 1.00万元：科技创新推介会布展费" in body
    assert "科技创新推介会布展费" in page.inner_text("#line-spending")
    assert page.inner_text("#line-balance").strip() == "0.80万元"
    _shot(page, "budget-line")
    page.goto("/budget/")
    _shot(page, "budget-report")
    page.goto("/budget/spending/")
    _shot(page, "budget-spending")

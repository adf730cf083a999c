"""From the tax office's file to the payment, through the pages, each party signed in
as itself: the tax clerk imports the year's figures, the office computes and submits,
the tax clerk confirms the data, the office records the meeting, finance allocates and
区科技局 pays the enterprise. Screenshots of each page go to ``ZS_SCREENSHOTS`` when set."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook

from zhaoshang.agreements.models import (
    Agreement,
    Calculation,
    Disbursement,
    DisbursementState,
    OperatingData,
)
from zhaoshang.conftest import HOME, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]
SHOTS = os.environ.get("ZS_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def as_user(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    page.wait_for_url(HOME)
    return context, page


def tax_file(code, year):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "纳税人名称",
            "统一社会信用代码",
            "税款所属期",
            "全口径税收（元）",
            "区级留成（元）",
            "从业人数",
        ]
    )
    for month in range(1, 13):
        ws.append(["河西智算", code, f"{year}年{month}月", 1_600_000, 400_000, 200])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_from_the_tax_file_to_the_payment(demo, browser, live_server, committed_db, tmp_path):
    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    old = Disbursement.objects.get(agreement=agreement)
    year = old.year
    # The demo paid this year already: start it again from an empty year.
    old.delete()
    Calculation.objects.filter(agreement=agreement).delete()
    OperatingData.objects.filter(enterprise=agreement.enterprise, year=year).delete()
    upload = tmp_path / f"{year}年重点企业税收.xlsx"
    upload.write_bytes(tax_file(agreement.enterprise.credit_code, year))

    # The tax office imports its file: mapping guessed, dry run, commit.
    ctx, page = as_user(browser, live_server, "shuiwu")
    page.goto("/agreements/operating-data/imports/")
    page.select_option("[name=source]", "tax")
    page.set_input_files("[name=file]", str(upload))
    submit(page)
    shot(page, "01-import-mapping")
    submit(page, "main form button:text-is('试导入')")
    page.wait_for_selector("#check-ok")
    assert "新增 12 行" in page.inner_text("#check-ok")
    shot(page, "02-import-checked")
    submit(page, "main form button:text-is('确认导入')")
    page.wait_for_selector("#import-done")
    ctx.close()

    # The office computes the year and submits it.
    ctx, page = as_user(browser, live_server, "zhaoshangban")
    page.goto(f"/agreements/{agreement.pk}/")
    shot(page, "03-agreement")
    page.select_option("#calculations [name=year]", str(year))
    submit(page, "#calculations button:text-is('测算')")
    page.wait_for_selector("#calc-total")
    # 4,800,000 × 100%, the condition (≥ the commitment) met; rent 1.5 × 1200 × days, capped.
    assert "4,800,000.00 元" in page.inner_text("main")
    assert "四舍五入保留至分" in page.inner_text("#rounding-rule")
    shot(page, "04-calculation")
    submit(page, "#submit-disbursement")
    assert "待税务部门确认数据" in page.inner_text("#d-state")
    ctx.close()

    # The tax office sees it in its queue and confirms the figures (no amounts shown).
    ctx, page = as_user(browser, live_server, "shuiwu")
    assert "待确认测算数据" in page.inner_text("main")
    shot(page, "05-tax-home")
    page.goto("/agreements/data-confirmations/")
    page.click(f"text={agreement.enterprise.name}")
    page.wait_for_selector("#data-inputs")
    shot(page, "06-tax-data")
    submit(page, "main form button:text-is('确认数据')")
    assert "待常务会议审议" in page.inner_text("#d-state")
    ctx.close()

    # The office records the executive meeting.
    d = Disbursement.objects.get(agreement=agreement, year=year)
    ctx, page = as_user(browser, live_server, "zhaoshangban")
    page.goto(f"/agreements/disbursements/{d.pk}/")
    form = "form[data-to=approved]"
    page.fill(f"{form} [name=meeting]", f"区政府{year + 1}年第5次常务会议")
    page.fill(f"{form} [name=meeting_on]", f"{year + 1}-03-10")
    page.fill(f"{form} [name=minutes]", "同意按测算金额兑现")
    shot(page, "07-meeting")
    submit(page, f"{form} button")
    assert "待财政拨付" in page.inner_text("#d-state")
    ctx.close()

    # Finance allocates to 区科技局.
    ctx, page = as_user(browser, live_server, "caizheng")
    page.goto(f"/agreements/disbursements/{d.pk}/")
    form = "form[data-to=allocated]"
    page.fill(f"{form} [name=allocated_on]", f"{year + 1}-04-01")
    page.fill(f"{form} [name=allocation_voucher]", "河财拨〔2026〕88号")
    submit(page, f"{form} button")
    assert "待责任单位兑付" in page.inner_text("#d-state")
    ctx.close()

    # 区科技局 pays the enterprise; more than was allocated is refused first.
    ctx, page = as_user(browser, live_server, "kejiju")
    page.goto(f"/agreements/disbursements/{d.pk}/")
    form = "form[data-to=paid]"
    d.refresh_from_db()
    page.fill(f"{form} [name=paid_amount]", str(d.allocated_amount + 1))
    page.fill(f"{form} [name=paid_on]", f"{year + 1}-04-15")
    page.fill(f"{form} [name=payment_voucher]", "科付〔2026〕15号")
    submit(page, f"{form} button")
    assert "不超过已拨付金额" in page.inner_text("main")
    page.fill(f"{form} [name=paid_amount]", str(d.allocated_amount))
    page.fill(f"{form} [name=paid_on]", f"{year + 1}-04-15")
    page.fill(f"{form} [name=payment_voucher]", "科付〔2026〕15号")
    submit(page, f"{form} button")
    assert "已兑付（办结）" in page.inner_text("#d-state")
    shot(page, "08-paid")
    ctx.close()
    d.refresh_from_db()
    assert d.state == DisbursementState.PAID and d.paid_amount == d.approved_amount
    assert [s.to_state for s in d.steps.all()] == ["confirmed", "approved", "allocated", "paid"]

"""A ticket from raising to rating in a real browser: the office's clerk registers an
enterprise's tax request, the tax office answers it, the clerk records the enterprise's
rating; each page says where the ticket stands. Screenshots of the pages go to
ZS_SCREENSHOTS when it is set (for looking at them)."""

import os

import pytest

from zhaoshang.aftercare.models import Ticket
from zhaoshang.conftest import HOME, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_a_ticket_from_raising_to_rating(demo, page, browser, live_server):
    login(page, "zhaoshangban")
    page.wait_for_url(HOME)
    _shot(page, "home-office")
    page.goto("/aftercare/tickets/new/")
    page.fill("input[name=enterprise]", "天津河西数智科技有限公司")
    page.select_option("select[name=ticket_type]", label="税务")
    page.fill("input[name=title]", "跨境电商出口退税")
    page.fill("textarea[name=description]", "企业首次申报出口退税，需要辅导。")
    _shot(page, "ticket-form")
    submit(page)
    assert "诉求已登记，编号 FW" in page.content()
    ticket = Ticket.objects.get(title="跨境电商出口退税")
    assert ticket.department.name == "区税务局"
    _shot(page, "ticket-raised")

    # The tax office answers, in its own browser session.
    tax = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(tax, "shuiwu")
    tax.wait_for_url(HOME)
    tax.goto("/aftercare/tickets/")
    tax.click(f"text={ticket.number}")
    tax.fill("#n-answer", "已安排专人上门辅导，出口退税已申报受理。")
    with tax.expect_navigation():
        tax.click("form:has(input[value=answer]) button")
    assert "答复企业已记录" in tax.content()
    assert "已答复待评价" in tax.content()
    tax.context.close()

    # The clerk records the enterprise's rating: the ticket is done.
    page.goto(f"/aftercare/tickets/{ticket.pk}/")
    page.select_option("select[name=rating]", label="满意")
    page.fill("#n-rate", "上门辅导，很及时")
    with page.expect_navigation():
        page.click("form:has(input[value=rate]) button")
    body = page.content()
    assert "登记企业评价并办结已记录" in body and "已办结" in body
    _shot(page, "ticket-rated")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.on_time) == ("closed", 3, True)
    assert list(ticket.steps.values_list("kind", flat=True)) == ["raise", "answer", "rate"]
    for url, name in (
        ("/aftercare/dashboard/", "dashboard"),
        ("/aftercare/visits/calendar/", "visit-calendar"),
        ("/aftercare/coverage/", "coverage"),
        ("/aftercare/tickets/?overdue=1", "overdue"),
    ):
        page.goto(url)
        _shot(page, name)

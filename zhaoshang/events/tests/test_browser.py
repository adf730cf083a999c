"""An event in a real browser: 区科技局's clerk registers an event (first with its end
before its start, which is refused), records a lead met there, and the lead's page names
the event. Screenshots go to ZS_SCREENSHOTS when it is set."""

import os

import pytest

from zhaoshang.conftest import HOME, login, submit
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.events.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_an_event_with_a_lead_from_it(demo, page):
    enterprise_create(actor=None, data={"name": "深圳推介会接洽电子有限公司"})
    login(page, "kejiju")
    page.wait_for_url(HOME)
    _shot(page, "events-home")
    page.goto("/events/new/")
    page.fill("input[name=title]", "粤港澳大湾区科技招商推介会")
    page.select_option("select[name=event_type]", label="招商推介会")
    page.fill("input[name=starts_on]", "2026-11-20")
    page.fill("input[name=ends_on]", "2026-11-19")
    page.fill("input[name=city]", "深圳")
    submit(page)
    assert "结束日期（2026年11月19日）早于开始日期（2026年11月20日），请核对。" in page.content()
    assert not Event.objects.filter(title="粤港澳大湾区科技招商推介会").exists()
    page.fill("input[name=ends_on]", "2026-11-21")
    _shot(page, "event-form")
    submit(page)
    assert "活动“粤港澳大湾区科技招商推介会”已登记" in page.content()
    page.fill("#lead_enterprise", "深圳推介会接洽电子有限公司")
    page.fill("#lead_name", "新型显示模组研发项目")
    submit(page, "#lead-submit")
    assert "已登记线索“新型显示模组研发项目”，并记为本次活动的成果" in page.content()
    _shot(page, "event-detail")
    with page.expect_navigation():
        page.click("#event-leads >> text=新型显示模组研发项目")
    body = page.content()
    assert "该线索来自招商推介活动" in body and "粤港澳大湾区科技招商推介会" in body
    _shot(page, "lead-with-event")
    page.goto("/events/quota/")
    _shot(page, "event-quota")
    page.goto("/events/")
    _shot(page, "event-list")

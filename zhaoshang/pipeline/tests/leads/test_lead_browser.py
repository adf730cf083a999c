"""In a real browser: a clerk registers a lead, is told nobody holds the enterprise,
pushes it to the unit that owns its industry; that unit's head finds it in the inbox
and accepts it."""

import pytest

from zhaoshang.conftest import HOME, login
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.pipeline.models import LeadPush, OwnerChange, Project

pytestmark = pytest.mark.browser


def test_register_push_and_accept_from_the_inbox(demo, key_industries, page):
    enterprise_create(actor=None, data={"name": "天津浏览器商贸有限公司"})
    login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    page.goto("/pipeline/leads/new/")
    page.fill("#lead-q", "浏览器商贸")
    page.click("#search-results >> text=天津浏览器商贸有限公司")
    page.wait_for_selector("[data-testid=picked-enterprise]")
    assert "没有单位在跟进" in page.inner_text("#picked")
    page.fill("input[name=name]", "浏览器商贸区域总部")
    page.select_option("select[name=key_industry]", label="商务商贸")
    page.select_option("select[name=method]", label="以商招商")
    page.fill("input[name=estimated_investment_text]", "8000万元")
    page.click("#lead-form button[type=submit]")
    page.wait_for_url("**/pipeline/leads/*/")
    assert "建议推送给该单位跟进" in page.inner_text("[data-testid=push-suggestion]")
    # The suggested unit is preselected.
    page.fill("textarea[name=reason]", "商贸类区域总部，请商务局接收跟进")
    page.click("text=推送 >> nth=-1")
    page.wait_for_selector("text=等待对方接收")
    lead = Project.objects.get(name="浏览器商贸区域总部")
    assert LeadPush.objects.get(project=lead).to_department.name == "区商务局"

    page.context.clear_cookies()
    login(page, demo["department_head"].username)
    page.wait_for_url(HOME)
    page.wait_for_selector("[data-unread]")  # the badge in the top bar
    page.click("text=消息 >> nth=0")
    page.wait_for_url("**/notifications/")
    page.click("text=区科技局向本单位推送线索“浏览器商贸区域总部”")
    page.wait_for_url("**/pipeline/leads/pushes/")
    row = page.locator("tr", has_text="浏览器商贸区域总部")
    row.locator("input[name=reason]").fill("同意接收")
    row.locator("button[value=accept]").click()
    page.wait_for_url(f"**/pipeline/leads/{lead.pk}/")
    assert "现由本单位负责" in page.content()
    lead.refresh_from_db()
    assert lead.department.name == "区商务局"
    assert "推送接收" in page.inner_text("[data-testid=owner-history]")
    assert OwnerChange.objects.filter(project=lead, kind="push").count() == 1


def test_registration_names_the_following_unit_just_set(demo_district, demo, page):
    """The office sets an enterprise's following unit (跟进单位) on its page; registering
    a lead for it, the page must not say that no unit follows it."""
    from zhaoshang.org.models import Department

    enterprise = enterprise_create(actor=None, data={"name": "天津跟进单位测试科技有限公司"})
    kejiju = Department.objects.get(name="区科技局")
    login(page, demo["office_staff"].username)
    page.wait_for_url(HOME)
    page.goto(f"/enterprises/{enterprise.pk}/edit/")
    page.select_option("select[name=department]", value=str(kejiju.pk))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")
    enterprise.refresh_from_db()
    assert enterprise.department == kejiju

    page.goto("/pipeline/leads/new/")
    page.fill("#lead-q", "跟进单位测试")
    page.click("#search-results >> text=天津跟进单位测试科技有限公司")
    page.wait_for_selector("[data-testid=picked-enterprise]")
    note = page.inner_text("#picked")
    assert "没有单位在跟进" not in note
    assert "由区科技局跟进" in note and "可以登记" in note

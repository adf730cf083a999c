"""In a real browser: the office registers an intermediary, a department names it as a
project's referrer, the office proposes the reward and a second office member approves
it; a reward for a referrer who declared being a public employee is refused, and the page
says why. Screenshots go to ZS_SCREENSHOTS when it is set."""

import os
from decimal import Decimal

import pytest

from zhaoshang.conftest import HOME, login, submit
from zhaoshang.org.models import Department
from zhaoshang.org.tests.factories import UserFactory
from zhaoshang.partners.models import FinderReward, Partner
from zhaoshang.pipeline.models import Project, Stage

from .factories import referred_project

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"partners-{name}.png"), full_page=True)


def test_register_name_reward_approve_and_refuse(demo, page, browser, live_server):
    office_unit = Department.objects.get(name="区招商办")
    UserFactory(username="zsb2", full_name="刘主任", department=office_unit, role="office_staff")
    kejiju = demo["department_staff"]
    project = referred_project(kejiju, None, investment=90_000_000, funds=[30_000_000])
    assert project.stage == Stage.LANDED

    # The office registers the intermediary.
    login(page, "zhaoshangban")
    page.wait_for_url(HOME)
    page.goto("/partners/new/")
    page.select_option("select[name=kind]", label="中介机构")
    page.fill("input[name=name]", "上海智联投资顾问有限公司")
    page.fill("input[name=city]", "上海")
    page.select_option("select[name=declaration]", label="声明非国家公职人员")
    page.fill("input[name=declared_on]", "2026-06-01")
    _shot(page, "form")
    submit(page)
    assert "已登记“上海智联投资顾问有限公司”" in page.content()

    # The department names it on its project.
    dept = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(dept, kejiju.username)
    dept.wait_for_url(HOME)
    dept.goto(f"/pipeline/projects/{project.pk}/edit/")
    dept.select_option("select[name=referrer_kind]", label="机构")
    dept.fill("input[name=referrer_name]", "上海智联投资顾问有限公司")
    submit(dept)
    firm = Partner.objects.get(name="上海智联投资顾问有限公司")
    assert Project.objects.get(pk=project.pk).referrer == firm
    dept.context.close()

    # The office proposes the reward from the partner's page and submits it.
    page.goto(f"/partners/{firm.pk}/")
    _shot(page, "detail")
    submit(page, f"form:has(input[name=project][value='{project.pk}']) button")
    assert "已拟定中介奖励" in page.content()
    reward = FinderReward.objects.get(project=project)
    assert reward.amount == Decimal("110000.00")  # 5万 + 3000万 × 0.2%
    submit(page, "form:has(input[name=to_status][value=submitted]) button")
    assert "待审批" in page.content()
    # The proposer is offered no approval.
    assert page.locator("input[name=to_status][value=approved]").count() == 0

    # A second office member approves.
    chief = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(chief, "zsb2")
    chief.wait_for_url(HOME)
    chief.goto(f"/partners/rewards/{reward.pk}/")
    chief.fill("form:has(input[name=to_status][value=approved]) textarea", "材料齐全，同意")
    submit(chief, "form:has(input[name=to_status][value=approved]) button")
    assert "已批准待拨付" in chief.content()
    _shot(chief, "approved")
    chief.context.close()
    reward.refresh_from_db()
    assert reward.status == "approved"
    assert list(reward.steps.values_list("to_status", flat=True)) == ["submitted", "approved"]

    # A referrer who declared being a public employee: refused, and told why.
    official = Partner.objects.get(name="刘建国")
    page.goto(f"/partners/{official.pk}/")
    assert "声明为国家公职人员" in page.content()
    other = referred_project(kejiju, official, investment=90_000_000, funds=[30_000_000])
    page.goto(f"/partners/{official.pk}/")
    submit(page, f"form:has(input[name=project][value='{other.pk}']) button")
    assert "不得领取中介奖励" in page.content()
    _shot(page, "refused")
    assert not FinderReward.objects.filter(project=other).exists()
    page.goto("/partners/rewards/")
    _shot(page, "rewards")
    page.goto("/partners/")
    _shot(page, "list")

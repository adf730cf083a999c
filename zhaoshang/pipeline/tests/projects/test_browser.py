"""A clerk takes a new project from lead to operation through the pages."""

import datetime as dt

import pytest
from stdnum.cn import uscc

from zhaoshang.conftest import HOME, login
from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.models import Project, StageChange
from zhaoshang.pipeline.tests.factories import admit

pytestmark = pytest.mark.browser


def _fill_move(page, fields):
    for name, value in fields.items():
        page.fill(f"#move-form [name={name}]", value)
    page.click("#move-form button[type=submit]")


def test_lead_to_operation_through_the_pages(demo, page):
    EnterpriseFactory(name="天津河西数智科技有限公司")
    login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    page.goto("/pipeline/projects/new/")
    page.fill("[name=name]", "浏览器测试智算中心")
    page.fill("[name=enterprise_text]", "天津河西数智科技有限公司")
    page.fill("[name=estimated_investment_text]", "3亿元")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=已保存")
    project = Project.objects.get(name="浏览器测试智算中心")
    assert project.major_level == "major"
    # Above the evaluation size signing needs an admission (准入评估); the office gave it.
    admit(project, office=demo["office_staff"], decided_on=dt.date.today())

    today = dt.date.today().isoformat()
    body = "91120103MA05L9999"
    steps = [
        ("转入洽谈", {}),
        (
            "签约",
            {"signed_on": today, "agreed_investment": "12亿元", "agreement_no": "HX-2026-777"},
        ),
        (
            "落地注册",
            {"registered_credit_code": body + uscc.calc_check_digit(body), "registered_on": today},
        ),
        ("开工", {"construction_on": today}),
        ("投产运营", {"operating_on": today}),
    ]
    for label, fields in steps:
        page.click(f"main .zs-page-title a:text-is('{label}')")
        page.wait_for_selector("#move-form")
        if label == "签约":
            # Submitted without the amount first: told what is missing, nothing moves.
            page.fill("#move-form [name=signed_on]", today)
            page.click("#move-form button[type=submit]")
            # The form comes back through htmx: wait for the answer, not the click.
            page.locator("#move-form", has_text="还需填写：协议投资额").wait_for()
        _fill_move(page, fields)
        page.wait_for_selector("text=已转入")
    project.refresh_from_db()
    assert project.stage == "operating" and project.major_level == "very_major"
    assert list(StageChange.objects.filter(project=project).values_list("to_stage", flat=True)) == [
        "lead",
        "negotiating",
        "signed",
        "landed",
        "construction",
        "operating",
    ]
    timeline = page.inner_text("main")
    assert "开工 → 投产运营" in timeline and "特别重大项目" in timeline

    # A ledger line from the project page.
    page.fill("form[action$='/ledger/'] [name=content]", "项目投产仪式举行")
    page.click("form[action$='/ledger/'] button")
    page.wait_for_selector("text=推进台账已登记")
    assert "项目投产仪式举行" in page.inner_text("main")

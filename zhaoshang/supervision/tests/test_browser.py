"""A supervision item in a real browser: the supervision office raises it on a 区科技局
project from the project's page, 区科技局's clerk reports progress with a document, its
head signs the result off, the office closes it and downloads the progress notice.
Screenshots go to ZS_SCREENSHOTS when it is set."""

import os

import pytest

from zhaoshang.conftest import HOME, login, submit
from zhaoshang.pipeline.models import Project
from zhaoshang.supervision.models import Item

from .factories import unit_head

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"supervision-{name}.png"), full_page=True)


def _as(browser, live_server, username):
    page = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    login(page, username)
    page.wait_for_url(HOME)
    return page


def test_an_item_from_raising_to_the_notice(demo, page, browser, live_server, tmp_path):
    head = unit_head(demo)
    project = Project.objects.filter(department__name="区科技局").order_by("pk").first()
    login(page, "ducha")
    page.wait_for_url(HOME)
    _shot(page, "home-office")
    page.goto(f"/pipeline/projects/{project.pk}/")
    with page.expect_navigation():
        page.click("main a[href*='/supervision/new/']")
    assert project.name in page.content()
    page.fill("input[name=title]", "推动项目本月完成注册")
    page.fill("textarea[name=requirement]", "协调注册地址，本月底前完成工商注册并报送营业执照。")
    page.fill("input[name=deadline_days]", "10")
    _shot(page, "form")
    submit(page)
    assert "督办事项已交办区科技局" in page.content()
    item = Item.objects.get(title="推动项目本月完成注册")
    assert (item.project, item.status) == (project, "assigned")
    _shot(page, "raised")

    # 区科技局's clerk sees it on the home page and reports progress with a document.
    clerk = _as(browser, live_server, "kejiju")
    assert "推动项目本月完成注册" in clerk.content()
    _shot(clerk, "home-unit")
    clerk.goto(f"/supervision/{item.pk}/")
    clerk.fill("textarea[name=text]", "已选定注册地址，材料已提交。")
    ledger = tmp_path / "注册材料.pdf"
    ledger.write_bytes(b"%PDF-1.4 materials")
    clerk.set_input_files("input[name=files]", str(ledger))
    with clerk.expect_navigation():
        clerk.click("form:has(textarea[name=text]) button")
    assert "办理进展已报送" in clerk.content() and "注册材料.pdf" in clerk.content()
    clerk.context.close()

    # Its head signs the result off.
    signer = _as(browser, live_server, head.username)
    signer.goto(f"/supervision/{item.pk}/")
    signer.fill("#submit-note", "已完成工商注册，营业执照已取得。")
    with signer.expect_navigation():
        signer.click("form:has(input[value=submit]) button")
    assert "办理结果已报请督查室审核" in signer.content()
    signer.context.close()

    # The office closes it and downloads the notice.
    page.goto(f"/supervision/{item.pk}/")
    with page.expect_navigation():
        page.click("form:has(input[value=close]) button")
    assert "督办事项已审核办结" in page.content()
    _shot(page, "closed")
    item.refresh_from_db()
    assert item.status == "closed" and item.on_time is True
    page.goto("/supervision/notice/")
    _shot(page, "notice")
    with page.expect_download() as download:
        page.click("#notice-download")
    assert download.value.suggested_filename.startswith("督办事项进展通报")
    from docx import Document

    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "督办事项进展通报" in text and "区科技局" in text
    page.goto("/supervision/")
    _shot(page, "list")

"""The office, in a real browser, from editing the year's scheme to the issued quarterly
bulletin: save a new version of the scheme, compute the quarter in the worker, edit the
bulletin's lead, issue it, and download the Word the office sends."""

import datetime as dt

import pytest
from docx import Document

from zhaoshang.assessment.models import Result, Scheme
from zhaoshang.conftest import HOME, login

pytestmark = pytest.mark.browser


def test_from_editing_the_scheme_to_the_issued_bulletin(demo, units, build, page):
    build(units["区科技局"], signed_on=dt.date(2026, 2, 3), name="科技局一季度签约项目")
    # The machine the suite runs on can be loaded: a page answers in its time, not 10 s.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    login(page, demo["office_staff"].username)
    page.wait_for_url(HOME)
    page.goto("/assessment/scheme/?year=2026")
    page.fill('input[name="signed_projects-weight"]', "30")
    page.check('input[name="new_drivers-on"]')
    page.fill('input[name="new_drivers-weight"]', "10")
    page.fill("#s-note", "加入新动能指标")
    page.click("#scheme-save")
    page.wait_for_selector("text=已保存2026年考核办法第1版")
    scheme = Scheme.objects.get(year=2026)
    assert {"signed_projects", "new_drivers"} <= {i["code"] for i in scheme.items}

    page.goto("/assessment/results/?year=2026")
    page.select_option("#c-kind", "quarter")
    page.select_option("#c-quarter", "1")
    page.click("#compute")
    page.wait_for_url("**/assessment/results/*/")
    page.wait_for_selector("#issue-form", timeout=60_000)  # the worker has finished
    assert "区科技局" in page.inner_text("#ranking-1")
    page.fill("#lead", "一季度各单位考核情况通报如下，请各单位对照查找差距。")
    page.click("#issue")
    page.wait_for_selector("#result-status:has-text('已发布')")
    assert "请各单位对照查找差距" in page.inner_text("#lead-text")
    result = Result.objects.get(year=2026, kind="quarter", period=1)
    assert result.status == Result.Status.ISSUED

    with page.expect_download() as download:
        page.click("text=季度通报Word")
    doc = Document(str(download.value.path()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年第一季度招商引资工作考核情况的通报" in text
    assert "请各单位对照查找差距" in text

"""In a real browser, the page conventions a clerk notices: a list filter sends one
request, swaps its results without nesting them, keeps the filter in the address (back
and refresh) and in the 导出Excel link; the enterprise form offers "仍要新增" only beside
listed duplicates and never puts the CSRF token in an address; and no page breaks the
content policy (no inline styles: a refused style only shows in the browser's console).

Set ZS_SCREENSHOT_DIR to keep a screenshot of each page looked at."""

import os
from pathlib import Path

import pytest

from zhaoshang.conftest import HOME, login

pytestmark = pytest.mark.browser


def _htmx_gets(page, path):
    """The htmx requests the page sends to ``path``, as they are sent."""
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.url)
            if r.headers.get("hx-request") == "true" and f"{path}?" in r.url
            else None
        ),
    )
    return sent


def test_a_list_filter_sends_one_request_and_keeps_the_filter(demo_district, demo, page):
    login(page, demo["office_staff"].username)
    page.wait_for_url(HOME)
    page.goto("/pipeline/projects/")
    sent = _htmx_gets(page, "/pipeline/projects/")

    # Enter in the search box: one request (it used to be a change and a submit).
    page.fill(".zs-filter input[name=q]", "智算")
    with page.expect_response(lambda r: "q=%E6%99%BA%E7%AE%97" in r.url):
        page.press(".zs-filter input[name=q]", "Enter")
    page.wait_for_url("**/pipeline/projects/?*q=*")
    page.wait_for_timeout(300)  # a second request would have left by now
    assert len(sent) == 1, sent
    # One results region, outside the form, none nested in another.
    assert page.locator("#results").count() == 1
    assert page.locator(".zs-filter #results, #results #results").count() == 0
    export = page.get_attribute("#zs-export", "href")
    assert "q=%E6%99%BA%E7%AE%97" in export and "export=xlsx" in export

    # A choice in a select applies at once, again with one request.
    with page.expect_response(lambda r: "stage=projects" in r.url):
        page.select_option(".zs-filter select[name=stage]", "projects")
    page.wait_for_timeout(300)
    assert len(sent) == 2, sent
    assert "stage=projects" in page.url and "q=" in page.url
    export = page.get_attribute("#zs-export", "href")
    assert "stage=projects" in export and "q=%E6%99%BA%E7%AE%97" in export
    assert page.locator("#results").count() == 1 and page.locator("#zs-export").count() == 1

    # Back: the previous filter; refresh: the filter is still applied and shown.
    page.go_back()
    page.wait_for_url(lambda url: "stage=projects" not in url and "q=" in url)
    assert page.locator("#results").count() == 1
    page.reload()
    assert page.input_value(".zs-filter input[name=q]") == "智算"
    assert "q=%E6%99%BA%E7%AE%97" in page.get_attribute("#zs-export", "href")


def test_add_anyway_only_beside_listed_duplicates(demo_district, demo, page):
    login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    checks = []
    page.on(
        "request", lambda r: checks.append(r.url) if "/enterprises/duplicates/" in r.url else None
    )
    page.goto("/enterprises/new/")
    # Nothing typed yet: no candidates, nothing to confirm.
    assert page.locator("text=仍要新增").count() == 0
    assert page.locator("[name=confirm_duplicates]").count() == 0

    with page.expect_response(lambda r: "/enterprises/duplicates/" in r.url):
        page.fill("input[name=name]", "天津河西数智科技有限公司")
        page.press("input[name=name]", "Tab")
    page.wait_for_selector("#duplicate-candidates")
    assert page.locator("#duplicate-candidates >> text=仍要新增").count() == 1
    assert page.locator("[name=confirm_duplicates]").count() == 1

    with page.expect_response(lambda r: "/enterprises/duplicates/" in r.url):
        page.fill("input[name=name]", "天津绝无重名测试储能有限公司")
        page.press("input[name=name]", "Tab")
    page.wait_for_selector("#duplicate-candidates", state="detached")
    assert page.locator("text=仍要新增").count() == 0
    assert checks and not [u for u in checks if "csrf" in u.lower()], checks


PAGES = [
    ("看板", "/pipeline/"),
    ("项目清单", "/pipeline/projects/"),
    ("项目页", None),
    ("企业库", "/enterprises/"),
    ("线索", "/pipeline/leads/"),
    ("准入评估", "/pipeline/evaluations/"),
    ("领导驾驶舱", "/reports/dashboard/"),
    ("月度报告", "/reports/monthly/"),
    ("新增企业", "/enterprises/new/"),
]


def test_no_page_breaks_the_content_policy(demo_district, demo, page, tmp_path):
    from zhaoshang.pipeline.models import Project

    shots = Path(os.environ.get("ZS_SCREENSHOT_DIR") or tmp_path)
    refused = []
    page.on(
        "console",
        lambda m: (
            refused.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None
        ),
    )
    login(page, demo["office_staff"].username)
    page.wait_for_url(HOME)
    project = Project.objects.exclude(stage="lead").order_by("pk").first()
    page.set_viewport_size({"width": 1440, "height": 1000})
    for name, url in PAGES:
        page.goto(url or f"/pipeline/projects/{project.pk}/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    # The layout the stylesheet gives (was inline): kanban columns side by side, the
    # dashboard's chart its height.
    page.goto("/pipeline/")
    columns = page.locator(".zs-col")
    assert columns.count() > 3
    first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert first["y"] == second["y"] and second["x"] > first["x"] + 200
    page.goto("/reports/dashboard/")
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("#chart-trend").bounding_box()["height"] == 320
    page.hover("#chart-trend canvas", position={"x": 300, "y": 150})
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "驾驶舱提示框.png"))
    assert refused == [], "\n".join(refused)

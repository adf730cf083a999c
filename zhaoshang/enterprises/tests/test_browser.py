"""A clerk imports an Excel list in a real browser: upload, map columns, dry run, fix, commit."""

import io

import openpyxl
import pytest
from stdnum.cn import uscc

from zhaoshang.conftest import HOME, login
from zhaoshang.enterprises.models import Enterprise

pytestmark = pytest.mark.browser


def code(n):
    body = f"91120103{n:09d}"
    return body + uscc.calc_check_digit(body)


def workbook(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["公司全称", "统一社会信用代码", "注册资本", "成立日期"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_import_with_mapping_dry_run_and_commit(demo, page, tmp_path):
    bad = workbook(
        tmp_path / "有错.xlsx", [["天津卯科技有限公司", code(51), "300万元", "2022-02-30"]]
    )
    good = workbook(
        tmp_path / "名录.xlsx",
        [
            ["天津卯科技有限公司", code(51), "300万元", "2022-02-28"],
            ["天津辰设计有限公司", "", "1.5亿元", "2020年5月1日"],
        ],
    )
    login(page, demo["department_staff"].username)
    page.wait_for_url(HOME)
    page.goto("/enterprises/imports/")
    page.set_input_files("input[name=file]", bad)
    page.click("main button[type=submit]")
    page.wait_for_url("**/enterprises/imports/*/")
    # "公司全称" is not a header the system knows: the clerk maps it to 企业名称.
    page.select_option("select[name=col0]", "name")
    page.click("text=试导入")
    page.wait_for_selector("#import-errors")
    assert "第 2 行" in page.inner_text("#import-errors") and "不存在的日期" in page.inner_text(
        "#import-errors"
    )
    assert Enterprise.objects.filter(credit_code=code(51)).count() == 0

    page.goto("/enterprises/imports/")
    page.set_input_files("input[name=file]", good)
    page.click("main button[type=submit]")
    page.wait_for_url("**/enterprises/imports/*/")
    page.select_option("select[name=col0]", "name")
    page.click("text=试导入")
    page.wait_for_selector("#check-ok")
    assert "新增 2" in page.inner_text("#check-ok")
    page.click("text=确认导入")
    page.wait_for_selector("#import-done")
    assert "新增 2" in page.inner_text("#import-done")
    assert Enterprise.objects.get(credit_code=code(51)).registered_capital == 3000000
    page.goto("/enterprises/?q=辰设计")
    assert "天津辰设计有限公司" in page.content()

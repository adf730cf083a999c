"""The one header rule every import uses: the ways offices write a column's header are
one column, and a different unit is a different column."""

from zhaoshang.common import imports
from zhaoshang.enterprises import importing as enterprise_import
from zhaoshang.pipeline.projects import importing as project_import


def test_spaces_stars_brackets_and_the_wan_yuan_unit_do_not_count():
    forms = [
        "协议投资额",
        "* 协议投资额（万元）",
        "协议投资额(万元)",
        "＊协议投资额 万元",
        " 协议 投资额 ",
    ]
    assert {imports.header_key(f) for f in forms} == {"协议投资额"}


def test_other_units_stay_part_of_the_header():
    assert imports.header_key("签约项目（个）") == "签约项目个"
    assert imports.header_key("实际利用外资（万美元）") != imports.header_key("实际利用外资")


def test_enterprise_and_project_imports_read_headers_the_same_way():
    headers = ["序号", "* 企业名称", "统一社会信用代码", "注册资本(万元)", "企业名称"]
    assert enterprise_import.guess_mapping("enterprises", headers) == {
        "1": "name",
        "2": "credit_code",
        "3": "registered_capital",
    }
    assert project_import.guess_mapping(["项目名称", "投资企业", "协议投资额（万元）"]) == {
        "0": "name",
        "1": "enterprise",
        "2": "agreed_investment",
    }


def test_one_row_parser_reports_each_bad_cell_with_its_column():
    def parse(key, raw):
        if key == "n" and not str(raw).isdigit():
            raise ValueError(f"“{raw}”不是数字")
        return raw

    columns = [(0, "name", "名称", True), (1, "n", "数量", False), (2, "note", "备注", False)]
    assert imports.parse_cells(["  甲  ", "x"], columns, parse) == (
        {"name": "甲"},
        [("数量", "“x”不是数字")],
    )
    assert imports.parse_cells(["", "3", None], columns, parse) == (
        {"n": "3"},
        [("名称", "“名称”不能为空")],
    )

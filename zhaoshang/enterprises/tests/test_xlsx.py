"""The import's sheet reader gives exactly what openpyxl's read-only mode gives."""

import datetime

import pytest
from openpyxl import Workbook, load_workbook

from zhaoshang.common.xlsx import Sheet

ROWS = [
    ["企业名称", "统一社会信用代码", "注册资本", "成立日期", "是否上市", "备注"],
    ["  天津甲科技有限公司 ", "91120103000000011X", 5000, datetime.date(2021, 1, 11), True, None],
    ["北京乙", None, 1.25, datetime.datetime(2019, 3, 8, 14, 30), False, "=1+1"],
    [None, None, None, None, None, None],
    ["上海丙", "", -3, "2021/1/11", 0, "第二行\n换行"],
    ["丁", 12345678901234567, 1e-7, 44207, "", "&<>\"'"],
]


def _openpyxl_rows(path):
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def _ours(path):
    sheet = Sheet(path)
    try:
        return list(sheet.rows()), sheet.max_row
    finally:
        sheet.close()


@pytest.mark.parametrize("write_only", [False, True])
def test_same_rows_as_openpyxl(tmp_path, write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("名录") if write_only else wb.active
    for row in ROWS:
        ws.append(row)
    if not write_only:
        ws["H9"] = "远处的单元格"  # a gap of rows and columns
        ws.cell(row=4, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=4, column=2).value = 44000
        ws.cell(row=5, column=3).number_format = "[h]:mm:ss"
        ws.cell(row=5, column=3).value = 1.5
    path = tmp_path / "a.xlsx"
    wb.save(path)
    rows, max_row = _ours(path)
    assert rows == _openpyxl_rows(path)
    assert max_row == (None if write_only else 9)


def test_sheet_that_starts_lower_and_second_sheet_ignored(tmp_path):
    wb = Workbook()
    wb.active["C3"] = "表头"
    wb.active["B5"] = 1
    wb.create_sheet("另一个")["A1"] = "不读"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    assert _ours(path)[0] == _openpyxl_rows(path)


def test_1904_dates(tmp_path):
    wb = Workbook()
    wb.epoch = datetime.datetime(1904, 1, 1)
    wb.active.append(["日期"])
    wb.active.append([datetime.date(2021, 1, 11)])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    rows = _ours(path)[0]
    assert rows == _openpyxl_rows(path)
    assert rows[1][0] == datetime.datetime(2021, 1, 11)

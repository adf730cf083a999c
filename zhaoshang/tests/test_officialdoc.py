"""The shared rules of the documents the system writes: Word in the national format
(common/officialdoc.py), and .xlsx with numbers as numbers, rates as percentages and
columns as wide as their content (common/excel.py). The LibreOffice test
(test_documents_pdf.py) checks the finished documents as a reader sees them."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from zhaoshang.common import excel, formats
from zhaoshang.common.officialdoc import OfficialDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _doc(build):
    doc = OfficialDocument()
    build(doc)
    return Document(BytesIO(doc.to_bytes()))


def test_a4_with_the_standards_margins_and_fonts():
    doc = _doc(lambda d: (d.title("关于2026年招商工作的通报"), d.paragraph("正文。")))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin]
    assert [round(m.mm) for m in margins + [section.right_margin]] == [37, 35, 28, 26]
    title, body = doc.paragraphs[0], doc.paragraphs[1]
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16


def test_the_font_table_names_a_fallback_for_each_chinese_font():
    content = OfficialDocument().to_bytes()
    import zipfile

    table = zipfile.ZipFile(BytesIO(content)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>' in table


def test_numbers_are_right_aligned_unwrapped_with_separators_and_headers_repeat():
    rows = [["城阳街道", Decimal("1170800"), 1234, formats.Rate(Decimal("85.3"))]]
    doc = _doc(lambda d: d.table(["单位", "协议投资额（万元）", "项目（个）", "完成率"], rows))
    table = doc.tables[0]
    header, row = table.rows[0]._tr, table.rows[1]._tr
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    assert [c.text for c in table.rows[1].cells] == ["城阳街道", "1,170,800.00", "1,234", "85.3%"]
    cells = row.findall(f"{W}tc")
    for tc in cells[1:]:
        assert tc.find(f"{W}tcPr/{W}noWrap") is not None
        assert tc.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "right"
    assert cells[0].find(f"{W}tcPr/{W}noWrap") is None


def test_a_wide_table_goes_landscape_and_text_after_it_back_to_portrait():
    headers = ["单位"] + [f"指标{i}" for i in range(9)]
    rows = [["某街道"] + [Decimal("117080000.00")] * 9]

    def build(d):
        d.title("标题")
        d.table(headers, rows, caption="二、分单位完成情况")
        d.paragraph("后文。")

    doc = _doc(build)
    sizes = [(round(s.page_width.mm), round(s.page_height.mm)) for s in doc.sections]
    assert sizes == [(210, 297), (297, 210), (210, 297)]


def test_a_table_too_wide_for_landscape_is_cut_repeating_its_key_columns():
    headers = ["排名", "单位"] + [f"指标{i}{k}" for i in range(6) for k in ("目标", "完成")]
    rows = [[1, "某街道"] + [Decimal("1170800000.00")] * 12]
    bands = [[2 + 2 * i, 3 + 2 * i] for i in range(6)]
    doc = _doc(lambda d: d.table(headers, rows, caption="二、表", key_columns=2, bands=bands))
    assert len(doc.tables) > 1
    seen = []
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        assert head[:2] == ["排名", "单位"]
        seen += head[2:]
    assert seen == headers[2:]  # every column once, each band whole
    assert any(p.text == "二、表（续表1）" for p in doc.paragraphs)


def test_signature_puts_the_date_under_the_issuer_two_characters_right():
    """The issuer two characters in from the right and the date's first character two
    to the right of the issuer's; a date longer than the issuer sits two in itself."""
    date_em = 4 * 0.55 + 2 * 0.55 + 0.55 + 3  # "2026年11月5日": digits half a character
    for issuer, issuer_in, date_in in (
        ("青岛市城阳区投资促进中心", 2, 12 - date_em),
        ("城阳区政府", 2 + date_em + 2 - 5, 2),
    ):
        doc = _doc(lambda d, issuer=issuer: d.signature(issuer, dt.date(2026, 11, 5)))
        first, second = doc.paragraphs[-2], doc.paragraphs[-1]
        assert (first.text, second.text) == (issuer, "2026年11月5日")
        assert round(first.paragraph_format.right_indent.pt) == round(issuer_in * 16)
        assert round(second.paragraph_format.right_indent.pt) == round(date_in * 16)


def _sheet(headers, rows):
    buffer = BytesIO()
    excel.write_workbook(buffer, [("表", headers, rows)])
    return load_workbook(BytesIO(buffer.getvalue())).active


def test_xlsx_rates_are_percentages_counts_have_separators_years_do_not():
    ws = _sheet(
        ["完成率", "项目（个）", "年度", "金额（万元）"],
        [[formats.Rate(Decimal("85.3")), 12345, 2026, Decimal("1170800.00")]],
    )
    rate, count, year, amount = ws[2]
    assert (rate.value, rate.number_format) == (0.853, "0.00%")
    assert (count.value, count.number_format) == (12345, "#,##0")
    assert (year.value, year.number_format) == (2026, "General")
    assert amount.number_format == "#,##0.00"


def test_xlsx_columns_are_wide_enough_for_their_numbers_and_chinese_text():
    ws = _sheet(
        ["单位", "金额"],
        [["青岛市城阳区投资促进中心", Decimal("1170800.00")]],
    )
    # 12 Chinese characters count double; "1,170,800.00" is 12 digits and separators.
    assert ws.column_dimensions["A"].width >= 24
    assert ws.column_dimensions["B"].width >= 12 + 1

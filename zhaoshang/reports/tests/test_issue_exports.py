"""Issuing freezes the figures; re-issuing lists what changed; the .xlsx and .docx hold
the page's figures."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from zhaoshang.common import excel, formats
from zhaoshang.pipeline.models import Project
from zhaoshang.pipeline.tests.factories import drop
from zhaoshang.reports import services
from zhaoshang.reports.models import IssuedReport
from zhaoshang.reports.monthly import monthly_report

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 3)


@pytest.fixture
def october(units, build, usd_rates):
    a = build(units["科技局"], signed_on=dt.date(2026, 10, 9), amount=12345.67)
    b = build(units["金融局"], signed_on=dt.date(2026, 10, 20), amount=800)
    build(units["金融局"], signed_on=dt.date(2026, 3, 2), amount=300)
    return a, b


def test_issued_figures_do_not_drift_when_the_data_changes(october, demo):
    office = demo["office_staff"]
    first = services.report_issue(actor=office, year=2026, month=10, today=TODAY)
    frozen = IssuedReport.objects.get(pk=first.pk).data
    signed = next(i for i in frozen["indicators"] if i["code"] == "signed_projects")
    assert (signed["month"], signed["ytd"]) == (2, 3)
    # Later edits: one project dropped, one's amount corrected.
    a, b = october
    drop(b, dt.date(2026, 11, 2))
    Project.objects.filter(pk=a.pk).update(agreed_investment=Decimal("1"))
    assert IssuedReport.objects.get(pk=first.pk).data == frozen
    live = monthly_report(2026, 10, today=TODAY)
    assert next(i for i in live["indicators"] if i["code"] == "signed_projects")["month"] == 1


def test_reissuing_makes_version_two_with_the_changed_figures(october, demo, client_for):
    office = demo["office_staff"]
    services.report_issue(actor=office, year=2026, month=10, today=TODAY)
    drop(october[1], dt.date(2026, 11, 2))
    second = services.report_issue(actor=office, year=2026, month=10, today=TODAY, note="更正")
    assert second.version == 2
    changed = {c["figure"]: (c["before"], c["after"]) for c in second.changes}
    assert changed["主要指标·签约项目·本月"] == ("2", "1")
    assert changed["分单位·区金融局·签约项目"] == ("2", "1")
    assert "主要指标·内资到位资金·本月" not in changed  # unchanged figures are not listed
    page = client_for("department_staff").get(f"/reports/issued/{second.pk}/")
    assert page.status_code == 200
    assert "主要指标·签约项目·本月" in page.content.decode()


def test_a_future_month_cannot_be_issued(units, demo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="尚未开始"):
        services.report_issue(actor=demo["office_staff"], year=2026, month=12, today=TODAY)


def _page_figures(html):
    import re

    row = re.search(r'data-code="agreed_investment">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'data-period="(?:month|ytd)"[^>]*>([^<]+)<', row)


def test_xlsx_and_docx_hold_the_figures_of_the_page(october, client_for):
    c = client_for("office_staff")
    html = c.get("/reports/monthly/?year=2026&month=10").content.decode()
    month, ytd = _page_figures(html)
    # Amounts print as Chinese tables print them: thousands separators, two places.
    assert (month, ytd) == ("13,145.67", "13,445.67")

    xlsx = c.get("/reports/monthly/?year=2026&month=10&export=xlsx")
    wb = load_workbook(BytesIO(xlsx.content))
    ws = wb["主要指标"]
    assert ws["A1"].value.startswith("河西区招商引资统计月报（2026年10月）")
    assert [cell.value for cell in ws[2]][:4] == ["指标", "单位", "本月", "本年累计"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "协议投资额")
    # The workbook keeps numbers (a reader sums them), shown with the same separators.
    assert (f"{row[2]:,.2f}", f"{row[3]:,.2f}") == (month, ytd)
    assert (
        ws.cell(
            row=[r[0].value for r in ws.iter_rows()].index("协议投资额") + 1, column=3
        ).number_format
        == "#,##0.00"
    )
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert {"主要指标", "分单位完成情况", "本月签约项目", "年内尚无签约项目的单位"} <= set(
        wb.sheetnames
    )

    docx = c.get("/reports/monthly/?year=2026&month=10&export=docx")
    doc = Document(BytesIO(docx.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "河西区招商引资统计月报（2026年10月）"
    summary = next(t for t in texts if t.startswith("2026年1—10月"))
    assert "全区新签约项目3个" in summary and "协议投资额13,445.67万元" in summary
    main = doc.tables[0]
    cells = next(r for r in main.rows if r.cells[0].text == "协议投资额").cells
    assert (cells[2].text, cells[3].text) == (month, ytd)
    # The tables are written as XML in one piece (speed); they keep Word's own form:
    # a bold header in 小四 or 五号 仿宋_GB2312 (GB/T 9704 body font), cells as wide as
    # their column, each figure right-aligned and kept on one line.
    head = main.rows[0].cells[0].paragraphs[0].runs[0]
    assert (head.text, head.bold) == ("指标", True)
    assert head.font.size in (Pt(12), Pt(10.5))
    assert head._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not cells[2].paragraphs[0].runs[0].bold
    assert [c.width for c in main.rows[1].cells] == [c.width for c in main.columns]


def test_the_title_and_the_word_issuer_carry_the_districts_own_name(october, demo, client_for):
    """Another district (or a city) running the system prints its own name: renaming
    the top of the unit tree renames the report, its Excel and its Word issuer."""
    from zhaoshang.org.models import Department
    from zhaoshang.org.services import department_update

    top = Department.objects.get(name="河西区人民政府")
    department_update(
        actor=demo["system_admin"],
        department=top,
        data={"name": "和平区人民政府"},
        version=top.version,
    )
    c = client_for("office_staff")
    html = c.get("/reports/monthly/?year=2026&month=10").content.decode()
    assert "和平区招商引资统计月报（2026年10月）" in html
    assert "河西区" not in html

    xlsx = c.get("/reports/monthly/?year=2026&month=10&export=xlsx")
    assert load_workbook(BytesIO(xlsx.content))["主要指标"]["A1"].value.startswith(
        "和平区招商引资统计月报（2026年10月）"
    )
    docx = c.get("/reports/monthly/?year=2026&month=10&export=docx")
    texts = [p.text for p in Document(BytesIO(docx.content)).paragraphs]
    assert texts[0] == "和平区招商引资统计月报（2026年10月）"
    # The issuer signs at the end (GB/T 9704: 发文机关署名 above the date).
    assert texts[-2] == "和平区招商引资工作领导小组办公室"
    assert not any("河西区" in t for t in texts)


def test_the_monthly_xlsx_keeps_rates_as_percentages_and_numbers_fit(october, client_for):
    xlsx = client_for("office_staff").get("/reports/monthly/?year=2026&month=10&export=xlsx")
    wb = load_workbook(BytesIO(xlsx.content))
    numbers = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str):
                    # A rate is never text: "85.3%" would not sort or sum.
                    assert not cell.value.endswith("%"), (ws.title, cell.coordinate)
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers += 1
                    assert cell.number_format in ("#,##0.00", "#,##0", "0.00%")
                    if cell.number_format == "0.00%":
                        shown = f"{cell.value * 100:.2f}%"
                    elif cell.number_format == "#,##0":
                        shown = f"{cell.value:,.0f}"
                    else:
                        shown = f"{cell.value:,.2f}"
                    width = ws.column_dimensions[cell.column_letter].width
                    assert width >= len(shown) + 1, (ws.title, cell.coordinate, shown, width)
    assert numbers > 20
    ws = wb["主要指标"]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "协议投资额")
    rate = row[5]  # 完成率
    assert rate.value == formats.EMPTY or rate.number_format == excel.RATE_FORMAT

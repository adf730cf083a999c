"""The assessment's documents, written from a result's frozen data (an issued result's
documents never change): the quarterly bulletin (季度通报) with its lead paragraph, the
annual assessment report (Word and .xlsx), and the monthly dispatch pack (月调度).

Word is written with the monthly report's helpers (``reports.exports``: fonts named with
their East-Asian face, tables built as one XML string); the .xlsx through
``common.xlsx`` style cells, numbers kept numbers."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhaoshang.common import formats
from zhaoshang.common.excel import as_text
from zhaoshang.org.queries import report_issuer
from zhaoshang.reports.exports import _add_rows, _font

from . import registry
from .models import Result

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def title(result: Result) -> str:
    if result.kind == Result.Kind.QUARTER:
        return f"关于{result.period_label}招商引资工作考核情况的通报"
    if result.kind == Result.Kind.YEAR:
        return f"{result.year}年度招商引资工作考核结果报告"
    return f"{result.period_label}招商引资工作考核预评情况"


def default_lead(result: Result) -> str:
    data = result.data
    n = sum(len(g["units"]) for g in data.get("groups", []))
    called = len(data.get("call_in", []))
    text = (
        f"按照《{data['scheme']['title']}》（第{data['scheme']['version']}版），"
        f"现将{result.period_label}全区{n}个责任单位招商引资工作考核情况通报如下。"
    )
    if called:
        text += f"其中{called}个单位存在约谈情形，请相关单位认真分析原因，抓紧整改落实。"
    return text


def _shown(value: Any, kind: str) -> Any:
    if value is None:
        return "—"
    if kind == registry.CNY:
        return formats.wan(value)
    if kind == registry.RATE:
        return f"{value}%"
    return int(Decimal(value))


def ranking_tables(result: Result) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Per group: place, unit, each item's score, total; then the call-in list."""
    data = result.data
    items = data.get("items", [])
    tables = []
    cn = "一二三四五六七八九十"
    for n, g in enumerate(data.get("groups", [])):
        headers = ["名次", "单位", *[f"{i['label']}（{i['weight']}分）" for i in items], "总分"]
        rows = []
        for pk in g["units"]:
            s = data["units"][str(pk)]
            rows.append(
                [
                    s.get("place"),
                    s["name"],
                    *[
                        Decimal(s["cells"][i["code"]]["score"]) if i["code"] in s["cells"] else "—"
                        for i in items
                    ],
                    Decimal(s["total"]),
                ]
            )
        tables.append((f"{cn[n]}、{g['label']}排名", headers, rows))
    label = "约谈名单" if result.kind == Result.Kind.YEAR else "约谈预警"
    tables.append(
        (
            f"{cn[len(tables)]}、{label}",
            ["序号", "单位", "原因"],
            [
                [k, c["name"], "；".join(c["reasons"])]
                for k, c in enumerate(data.get("call_in", []), start=1)
            ],
        )
    )
    return tables


def sheet_tables(result: Result) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every unit's score sheet: figure, target, completion, score per item."""
    data = result.data
    out = []
    for g in data.get("groups", []):
        for pk in g["units"]:
            s = data["units"][str(pk)]
            rows = []
            for i in data["items"]:
                c = s["cells"].get(i["code"])
                if c is None:
                    continue
                rows.append(
                    [
                        f"{i['label']}（{i['unit']}）",
                        _shown(c["figure"], i["kind"]),
                        _shown(c["target"], i["kind"]),
                        formats.percent(c["rate"]),
                        Decimal(c["score"]),
                    ]
                )
            rows.append(["合计", "", "", "", Decimal(s["total"])])
            out.append(
                (
                    f"{s['name']}（{g['label']}第{s.get('place')}名）",
                    ["指标", "完成数", "目标", "完成率", "得分"],
                    rows,
                )
            )
    return out


def _document(landscape: bool = True) -> Any:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    return doc


def _title(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), 22, bold=True, name="方正小标宋简体")


def _body(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), 16)


def _heading(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    _font(p.add_run(text), 16, bold=True, name="黑体")


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    if not rows:
        _body(doc, "（无）")
        return
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    _add_rows(table, [headers], bold=True)
    _add_rows(table, [["—" if v is None else v for v in row] for row in rows])


def _signature(doc: Any, result: Result) -> None:
    from django.utils import timezone

    day = timezone.localtime(result.issued_at or result.computed_at or timezone.now()).date()
    for text in (report_issuer(), formats.cn_date(day)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text), 16)


def _save(doc: Any) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def result_docx(result: Result) -> bytes:
    """The quarterly bulletin, or the annual report (rankings, call-in list, every unit's
    sheet); a provisional month as the rankings alone."""
    doc = _document()
    _title(doc, title(result))
    if result.version > 1:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(f"（第{result.version}版，修订原因：{result.reason}）"), 14)
    _body(doc, result.lead or default_lead(result))
    for text, headers, rows in ranking_tables(result):
        _heading(doc, text)
        _table(doc, headers, rows)
    if result.kind == Result.Kind.YEAR:
        _heading(doc, "各单位考核得分明细")
        for text, headers, rows in sheet_tables(result):
            p = doc.add_paragraph()
            _font(p.add_run(text), 14, bold=True, name="黑体")
            _table(doc, headers, rows)
    _signature(doc, result)
    return _save(doc)


def result_xlsx(result: Result) -> bytes:
    """Rankings per group, the call-in list, and one sheet of every unit's figures."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [(t.split("、", 1)[1], h, r) for t, h, r in ranking_tables(result)]
    detail_headers = ["单位", "组别", "名次", "指标", "完成数", "目标", "完成率", "得分"]
    detail = []
    data = result.data
    for g in data.get("groups", []):
        for pk in g["units"]:
            sheet = data["units"][str(pk)]
            for i in data["items"]:
                c = sheet["cells"].get(i["code"])
                if c is not None:
                    detail.append(
                        [
                            sheet["name"],
                            g["label"],
                            sheet.get("place"),
                            f"{i['label']}（{i['unit']}）",
                            _shown(c["figure"], i["kind"]),
                            _shown(c["target"], i["kind"]),
                            formats.percent(c["rate"]),
                            Decimal(c["score"]),
                        ]
                    )
    sheets.append(("得分明细", detail_headers, detail))
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name[:31])
        ws.append([f"{title(result)}　{name}"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for row in rows:
            ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    as_text(cell)
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        for i, header in enumerate(headers, start=1):
            width = max([len(str(header)) * 2] + [len(str(r[i - 1])) * 2 for r in rows[:200]])
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(48, width + 2))
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The monthly report as .xlsx (one sheet per table, set up to print) and as .docx (the
way an office writes a 统计月报). Both render the same data as the page."""

from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from zhaoshang.common import formats
from zhaoshang.common.excel import AMOUNT_FORMAT, as_text
from zhaoshang.org.queries import report_issuer

# The by-unit table shows these (the page and the Word report; Excel has them all).
UNIT_TABLE_CODES = [
    "signed_projects",
    "agreed_investment",
    "funds_domestic",
    "funds_foreign",
    "landed_projects",
]
KIND_UNIT = formats.KIND_UNIT


def _expansion(project):
    """The list's 项目类别 column: a landed enterprise's expansion, with its kind."""
    kind = project.get("expansion")  # absent from reports issued before it was kept
    return f"增资扩产（{kind}）" if kind else "新引进项目"


def tables(data, full=False):
    """[(title, headers, rows)] — the report's tables in order, values ready to write."""
    out = []
    ind = data["indicators"]
    out.append(
        (
            "一、主要指标",
            [
                "指标",
                "单位",
                "本月",
                "本年累计",
                "年度目标",
                "完成率",
                "上年同期累计",
                "同比",
                "上月",
                "环比",
            ],
            [
                [
                    i["label"],
                    KIND_UNIT[i["kind"]],
                    formats.figure(i["month"], i["kind"]),
                    formats.figure(i["ytd"], i["kind"]),
                    formats.figure(i["target"], i["kind"]),
                    formats.percent(i["rate"]),
                    formats.figure(i["ly_ytd"], i["kind"]),
                    formats.percent(i["yoy"]),
                    formats.figure(i["prev"], i["kind"]),
                    formats.percent(i["mom"]),
                ]
                for i in ind
            ],
        )
    )
    kinds = {i["code"]: i["kind"] for i in ind}
    main = [
        "signed_projects",
        "agreed_investment",
        "funds_domestic",
        "funds_foreign",
        "landed_projects",
    ]
    labels = {i["code"]: f"{i['label']}（{KIND_UNIT[i['kind']]}）" for i in ind}
    headers = ["排名", "单位"]
    for code in main:
        headers += [f"{labels[code]}目标", f"{labels[code]}完成", f"{labels[code]}完成率"]
    out.append(
        (
            "二、分单位完成情况",
            headers,
            [
                [u["rank"], u["name"]]
                + [
                    x
                    for code in main
                    for x in (
                        formats.figure(u["cells"][code]["target"], kinds[code]),
                        formats.figure(u["cells"][code]["done"], kinds[code]),
                        formats.percent(u["cells"][code]["rate"]),
                    )
                ]
                for u in data["units"]
            ],
        )
    )
    for dim, title, head in (
        ("key_industry", "三、分重点产业签约情况", "重点产业"),
        ("section", "三、分国民经济行业签约情况", "行业门类"),
        ("area", "四、分来源地签约情况", "来源地"),
        ("method", "四、分招商方式签约情况", "招商方式"),
    ):
        out.append(
            (
                title,
                [head, "本月签约（个）", "本年累计签约（个）", "协议投资额（万元）", "占比"],
                [
                    [
                        r["label"],
                        r["month"],
                        r["ytd"],
                        formats.wan(r["amount"]),
                        formats.percent(r["share"]),
                    ]
                    for r in data["breakdowns"][dim]
                ],
            )
        )
    out.append(
        (
            "五、重大项目推进情况",
            [
                "项目名称",
                "责任单位",
                "等级",
                "投资额（万元）",
                "阶段",
                "本月推进情况",
                "未解决问题",
                "下一步工作",
            ],
            [
                [
                    p["name"],
                    p["unit"],
                    p["level"],
                    formats.wan(p["amount"]),
                    p["stage"],
                    p["ledger"] or "本月无台账",
                    "；".join(p["problems"]) or "无",
                    p["next_step"] or "—",
                ]
                for p in data["major_projects"]
            ],
        )
    )
    out.append(
        (
            "六、本月签约项目",
            [
                "项目名称",
                "投资企业",
                "责任单位",
                "签约日期",
                "协议投资额（万元）",
                "重点产业",
                "月末阶段",
                "项目类别",
            ],
            [
                [
                    p["name"],
                    p["enterprise"],
                    p["unit"],
                    formats.cn_date(p["on"]),
                    formats.wan(p["amount"]),
                    p["industry"] or "—",
                    p["stage"],
                    _expansion(p),
                ]
                for p in data["signed_this_month"]
            ],
        )
    )
    out.append(
        (
            "六、本月落地项目",
            [
                "项目名称",
                "投资企业",
                "责任单位",
                "注册日期",
                "统一社会信用代码",
                "协议投资额（万元）",
                "月末阶段",
                "项目类别",
            ],
            [
                [
                    p["name"],
                    p["enterprise"],
                    p["unit"],
                    formats.cn_date(p["on"]),
                    p["credit_code"],
                    formats.wan(p["amount"]),
                    p["stage"],
                    _expansion(p),
                ]
                for p in data["landed_this_month"]
            ],
        )
    )
    out.append(
        (
            "七、年内尚无签约项目的单位",
            ["序号", "单位"],
            [[n, c["name"]] for n, c in enumerate(data["call_in"], start=1)],
        )
    )
    return out


def xlsx_bytes(data):
    """One sheet per table: title row, header row repeated on every printed page,
    landscape, fitted to the page width."""
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named once, given to each cell by name: a city's month fills thousands of rows,
    # and building a style per cell costs seconds.
    for name, number_format in (("表格", "General"), ("金额", AMOUNT_FORMAT)):
        wb.add_named_style(NamedStyle(name=name, border=border, number_format=number_format))
    used = set()
    for title, headers, rows in tables(data, full=True):
        name = title.split("、", 1)[1][:31]
        while name in used:
            name = name[:29] + "2"
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([f"{data['title']}　{title}"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for r, row in enumerate(rows, start=3):
            for c, value in enumerate(row, start=1):
                amount = isinstance(value, Decimal)
                cell = ws.cell(row=r, column=c, value=float(value) if amount else value)
                cell.style = "金额" if amount else "表格"
                as_text(cell)  # a unit's or project's name is text, never a formula
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(36, len(header) * 2 + 2))
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _font(run, size, bold=False, name="仿宋_GB2312"):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _text(value):
    """A cell of the Word tables: an amount with thousands separators, as printed."""
    return formats.number(value) if isinstance(value, Decimal) else str(value)


def _add_rows(table, rows, size=10, bold=False, name="仿宋_GB2312"):
    """Append ``rows`` to ``table`` as the XML python-docx would write cell by cell, built
    as one string: its own per-cell calls took 7 s for the 4,000 rows of a city's month."""
    widths = [col.w.twips for col in table._tbl.tblGrid.gridCol_lst]
    rpr = (
        f'<w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}"/>'
        f'{"<w:b/>" if bold else ""}<w:sz w:val="{size * 2}"/></w:rPr>'
    )
    cells = [
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r>{rpr}'
        '<w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>'
        for w in widths
    ]
    xml = "".join(
        "<w:tr>"
        + "".join(cell.format(escape(_text(v))) for cell, v in zip(cells, row, strict=True))
        + "</w:tr>"
        for row in rows
    )
    # The cell template's braces are format fields; the texts are escaped before.
    body = parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>")
    table._tbl.extend(list(body))


def docx_bytes(data, *, issued_on=None, version=None):
    """Title (小标宋), issuing unit and date, the generated summary, then the tables."""
    # Reports issued before the issuer was kept in the snapshot sign as the district
    # is named now.
    issuer = data.get("issuer") or report_issuer()
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(data["title"]), 22, bold=True, name="方正小标宋简体")
    if version:
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(note.add_run(f"（第{version}版）"), 14)
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(meta.add_run(f"{issuer}　　{formats.cn_date(issued_on or data['computed_on'])}"), 14)
    heading = doc.add_paragraph()
    _font(heading.add_run("总体情况"), 16, bold=True, name="黑体")
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(32)
    body.paragraph_format.line_spacing = Pt(28)
    _font(body.add_run(data["summary"]), 16)
    for title_text, headers, rows in tables(data):
        p = doc.add_paragraph()
        _font(p.add_run(title_text), 14, bold=True, name="黑体")
        table = doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        _add_rows(table, [headers], bold=True)
        _add_rows(table, rows)
        if not rows:
            empty = doc.add_paragraph()
            _font(empty.add_run("（无）"), 12)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def bulletin_docx_bytes(bulletin):
    """The bulletin as the office sends it: 简报 masthead (期号, issuer, date), the lead
    paragraph, then each part; the lists name every project (the Word bulletin goes to
    leaders; the portal page names only the enterprises that agreed to be shown)."""
    data = bulletin.data
    doc = Document()
    section = doc.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run("招商工作简报"), 26, bold=True, name="方正小标宋简体")
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issued = bulletin.issued_at or bulletin.created_at
    from django.utils import timezone

    day = timezone.localtime(issued).date() if issued else None
    _font(number.add_run(f"{bulletin.year}年第{bulletin.number or '（待编）'}期"), 14)
    meta = doc.add_paragraph()
    _font(meta.add_run(f"{data['issuer']}　　　　{formats.cn_date(day) if day else ''}"), 14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(bulletin.title), 18, bold=True, name="方正小标宋简体")

    def heading(text):
        p = doc.add_paragraph()
        _font(p.add_run(text), 16, bold=True, name="黑体")

    def body(text):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = Pt(28)
        _font(p.add_run(text), 16)

    body(bulletin.lead)
    parts = [
        ("一、签约项目", data["signed"], "签约日期"),
        ("二、落地项目", data["landed"], "注册日期"),
        ("三、重大项目", data["major"], "签约日期"),
    ]
    for text, rows, day_label in parts:
        heading(text)
        if not rows:
            body("本期无。")
            continue
        table = doc.add_table(rows=0, cols=5)
        table.style = "Table Grid"
        _add_rows(
            table,
            [["项目名称", "投资企业", "责任单位", day_label, "协议投资额（万元）"]],
            bold=True,
        )
        _add_rows(
            table,
            [
                [r["name"], r["enterprise"], r["unit"], formats.cn_date(r["on"]), r["amount_wan"]]
                for r in rows
            ],
        )
    heading("四、到位资金")
    body(f"内资到位{data['funds_domestic_wan']}万元，外资到位{data['funds_foreign_wan']}万元。")
    for n, part in enumerate(data.get("sections", []), start=5):
        heading(f"{'五六七八九十'[n - 5] if n - 5 < 6 else n}、{part['title']}")
        for paragraph in part["paragraphs"]:
            body(paragraph)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

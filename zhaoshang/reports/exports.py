"""The monthly report as .xlsx (one sheet per table, set up to print) and as .docx (the
way an office writes a 统计月报). Both render the same data as the page."""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from zhaoshang.common import excel, formats
from zhaoshang.common.excel import as_text
from zhaoshang.common.officialdoc import OfficialDocument
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
UNIT_TABLE_TITLE = "二、分单位完成情况"


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
                    formats.Rate(i["rate"]),
                    formats.figure(i["ly_ytd"], i["kind"]),
                    formats.Rate(i["yoy"]),
                    formats.figure(i["prev"], i["kind"]),
                    formats.Rate(i["mom"]),
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
            UNIT_TABLE_TITLE,
            headers,
            [
                [u["rank"], u["name"]]
                + [
                    x
                    for code in main
                    for x in (
                        formats.figure(u["cells"][code]["target"], kinds[code]),
                        formats.figure(u["cells"][code]["done"], kinds[code]),
                        formats.Rate(u["cells"][code]["rate"]),
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
                        formats.Rate(r["share"]),
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
    landscape, fitted to the page width; amounts, counts and rates numbers in their
    formats, columns as wide as their content (common/excel.py's rules)."""
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named once, given to each cell by name: a city's month fills thousands of rows,
    # and building a style per cell costs seconds.
    text = Alignment(vertical="center", wrap_text=True)
    for name, number_format, alignment in (
        ("表格", "General", text),
        ("金额", excel.AMOUNT_FORMAT, None),
        ("计数", excel.COUNT_FORMAT, None),
        ("比率", excel.RATE_FORMAT, None),
    ):
        style = NamedStyle(name=name, border=border, number_format=number_format)
        if alignment is not None:
            style.alignment = alignment
        wb.add_named_style(style)
    by_format = {
        None: "表格",
        excel.AMOUNT_FORMAT: "金额",
        excel.COUNT_FORMAT: "计数",
        excel.RATE_FORMAT: "比率",
    }
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
        plain = [excel.plain_int_header(h) for h in headers]
        for r, row in enumerate(rows, start=3):
            for c, value in enumerate(row, start=1):
                shown, number_format = excel.cell_value(value, plain[c - 1])
                cell = ws.cell(row=r, column=c, value=shown)
                cell.style = by_format[number_format]
                as_text(cell)  # a unit's or project's name is text, never a formula
        for i, width in enumerate(excel.column_widths(headers, rows), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
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


def docx_bytes(data, *, issued_on=None, version=None):
    """The report in the national format (common/officialdoc.py): title, the generated
    summary, the tables (the by-unit table on landscape pages, in parts of whole
    indicators when it is wider than them), then the issuing unit and date."""
    # Reports issued before the issuer was kept in the snapshot sign as the district
    # is named now.
    issuer = data.get("issuer") or report_issuer()
    doc = OfficialDocument()
    doc.title(data["title"])
    if version:
        doc.subtitle(f"（第{version}版）")
    doc.heading("总体情况")
    doc.paragraph(data["summary"])
    for title_text, headers, rows in tables(data):
        if title_text == UNIT_TABLE_TITLE:
            # 排名 and 单位 in every part; each indicator's target, done and rate together.
            bands = [[i, i + 1, i + 2] for i in range(2, len(headers), 3)]
            doc.table(headers, rows, caption=title_text, key_columns=2, bands=bands)
        else:
            doc.table(headers, rows, caption=title_text)
    doc.signature(issuer, issued_on or data["computed_on"])
    return doc.to_bytes()


def _wan(text):
    """A snapshot's 万元 figure ("1234.50") as the number it is (printed 1,234.50)."""
    return formats.EMPTY if text in (None, "") else Decimal(str(text))


def bulletin_docx_bytes(bulletin):
    """The bulletin as the office sends it: 简报 masthead (期号, issuer, date), the lead
    paragraph, then each part; the lists name every project (the Word bulletin goes to
    leaders; the portal page names only the enterprises that agreed to be shown)."""
    from django.utils import timezone

    data = bulletin.data
    issued = bulletin.issued_at or bulletin.created_at
    day = timezone.localtime(issued).date() if issued else None
    doc = OfficialDocument()
    doc.masthead(
        "招商工作简报",
        f"{bulletin.year}年第{bulletin.number or '（待编）'}期",
        data["issuer"],
        day,
    )
    doc.title(bulletin.title)
    doc.paragraph(bulletin.lead)
    parts = [
        ("一、签约项目", data["signed"], "签约日期"),
        ("二、落地项目", data["landed"], "注册日期"),
        ("三、重大项目", data["major"], "签约日期"),
    ]
    for text, rows, day_label in parts:
        if not rows:
            doc.heading(text)
            doc.paragraph("本期无。")
            continue
        doc.table(
            ["项目名称", "投资企业", "责任单位", day_label, "协议投资额（万元）"],
            [
                [
                    r["name"],
                    r["enterprise"],
                    r["unit"],
                    formats.cn_date(r["on"]),
                    _wan(r["amount_wan"]),
                ]
                for r in rows
            ],
            caption=text,
        )
    doc.heading("四、到位资金")
    domestic, foreign = _wan(data["funds_domestic_wan"]), _wan(data["funds_foreign_wan"])
    doc.paragraph(
        f"内资到位{formats.number(domestic)}万元，外资到位{formats.number(foreign)}万元。"
    )
    for n, part in enumerate(data.get("sections", []), start=5):
        doc.heading(f"{'五六七八九十'[n - 5] if n - 5 < 6 else n}、{part['title']}")
        for paragraph in part["paragraphs"]:
            doc.paragraph(paragraph)
    return doc.to_bytes()

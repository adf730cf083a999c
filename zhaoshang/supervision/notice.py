"""The progress notice (督办事项进展通报): computed from the items the reader may see,
written as a Word document the way the supervision office sends one: title, issuer and
date, the overall figures, then one table per department (each item with its status,
deadline and an overdue flag). The Word text uses the report module's helpers
(reports/exports.py: fonts and the fast table writer)."""

import datetime as dt
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from zhaoshang.common import formats
from zhaoshang.org.queries import report_issuer
from zhaoshang.reports.exports import _add_rows, _font

from . import queries
from .models import Item
from .workflow import ITEM_CLOCK, OPEN

HEADERS = ["督办编号", "督办事项", "交办日期", "办结期限", "状态", "督办层级", "是否超期"]


def notice_data(user: Any, *, today: dt.date, since: dt.date) -> dict[str, Any]:
    """The notice's figures and tables; every number counted from the rows listed."""
    statuses = dict(Item.Status.choices)
    units: dict[str, list[list[str]]] = {}
    totals = {"all": 0, "open": 0, "overdue": 0, "submitted": 0, "closed": 0, "late": 0}
    per_unit: dict[str, dict[str, int]] = {}
    for r in queries.notice_rows(user, since).iterator(chunk_size=2000):
        overdue = r["status"] in OPEN and r["due_on"] < today
        if r["status"] == Item.Status.CLOSED:
            flag = "按期办结" if r["on_time"] else "超期办结"
        else:
            flag = "已超期" if overdue else "未超期"
        name = r["department__name"]
        units.setdefault(name, []).append(
            [
                r["number"],
                r["title"],
                formats.cn_date(r["raised_on"]),
                formats.cn_date(r["due_on"]),
                str(statuses[r["status"]]),
                ITEM_CLOCK.label(r["level"]),
                flag,
            ]
        )
        unit = per_unit.setdefault(name, {"all": 0, "overdue": 0})
        unit["all"] += 1
        unit["overdue"] += overdue
        totals["all"] += 1
        totals["open"] += r["status"] in OPEN
        totals["overdue"] += overdue
        totals["submitted"] += r["status"] == Item.Status.SUBMITTED
        totals["closed"] += r["status"] == Item.Status.CLOSED
        totals["late"] += r["status"] == Item.Status.CLOSED and not r["on_time"]
    late_units = [name for name, u in per_unit.items() if u["overdue"]]
    summary = (
        f"截至{formats.cn_date(today)}，列入本期通报的督办事项共{totals['all']}件："
        f"正在办理{totals['open']}件，其中超期{totals['overdue']}件；"
        f"已报请办结待审核{totals['submitted']}件；"
        f"{formats.cn_date(since)}以来经审核办结{totals['closed']}件，其中超期办结{totals['late']}件。"
    )
    if late_units:
        summary += f"存在超期未办结事项的单位：{'、'.join(late_units)}。请相关单位抓紧办理，按期报送办理结果。"
    else:
        summary += "各承办单位均无超期未办结事项。"
    return {
        "title": "督办事项进展通报",
        "issuer": report_issuer(),
        "today": today,
        "since": since,
        "summary": summary,
        "totals": totals,
        "units": [(name, per_unit[name], rows) for name, rows in units.items()],
    }


def notice_docx(data: dict[str, Any]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(data["title"]), 22, bold=True, name="方正小标宋简体")
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(meta.add_run(f"{data['issuer']}　　{formats.cn_date(data['today'])}"), 14)

    def heading(text: str) -> None:
        p = doc.add_paragraph()
        _font(p.add_run(text), 16, bold=True, name="黑体")

    heading("一、总体情况")
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(32)
    body.paragraph_format.line_spacing = Pt(28)
    _font(body.add_run(data["summary"]), 16)
    heading("二、各单位督办事项办理情况")
    if not data["units"]:
        p = doc.add_paragraph()
        _font(p.add_run("本期无督办事项。"), 16)
    for n, (name, figures, rows) in enumerate(data["units"], start=1):
        p = doc.add_paragraph()
        _font(
            p.add_run(f"（{n}）{name}：{figures['all']}件，超期未办结{figures['overdue']}件"),
            14,
            bold=True,
            name="楷体_GB2312",
        )
        table = doc.add_table(rows=0, cols=len(HEADERS))
        table.style = "Table Grid"
        _add_rows(table, [HEADERS], bold=True)
        _add_rows(table, rows)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

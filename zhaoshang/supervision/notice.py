"""The progress notice (督办事项进展通报): computed from the items the reader may see,
written as a Word document the way the supervision office sends one (the shared
GB/T 9704 module, common/officialdoc.py): title, the overall figures, then one table per
department (each item with its status, deadline and an overdue flag), issuer and date."""

import datetime as dt
from typing import Any

from zhaoshang.common import formats
from zhaoshang.common.officialdoc import OfficialDocument
from zhaoshang.org.queries import report_issuer

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


def _ordinal(n: int) -> str:
    """（一）…（十）, then （11）: the second-level numbering of an official text."""
    return f"（{'一二三四五六七八九十'[n - 1]}）" if n <= 10 else f"（{n}）"


def notice_docx(data: dict[str, Any]) -> bytes:
    """The notice in the national format for official documents (common/officialdoc.py):
    title, the overall figures, a table per department, the issuer and date."""
    doc = OfficialDocument()
    doc.title(data["title"])
    doc.heading("一、总体情况")
    doc.paragraph(data["summary"])
    doc.heading("二、各单位督办事项办理情况")
    if not data["units"]:
        doc.paragraph("本期无督办事项。")
    for n, (name, figures, rows) in enumerate(data["units"], start=1):
        doc.heading(
            f"{_ordinal(n)}{name}：{figures['all']}件，超期未办结{figures['overdue']}件", level=2
        )
        doc.table(HEADERS, rows, key_columns=2)
    doc.signature(data["issuer"], data["today"])
    return doc.to_bytes()

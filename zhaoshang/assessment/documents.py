"""The assessment's documents, written from a result's frozen data (an issued result's
documents never change): the quarterly bulletin (季度通报) with its lead paragraph, the
annual assessment report (Word and .xlsx), and the monthly dispatch pack (月调度).

Word in the national format through the shared module (``common/officialdoc.py``); the
.xlsx through the shared writer (``common/excel.py``)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from zhaoshang.common import excel, formats
from zhaoshang.common.officialdoc import OfficialDocument
from zhaoshang.org.queries import report_issuer

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
                        formats.Rate(c["rate"]),
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


def _issued_on(result: Result) -> Any:
    from django.utils import timezone

    return timezone.localtime(result.issued_at or result.computed_at or timezone.now()).date()


def result_docx(result: Result) -> bytes:
    """The quarterly bulletin, or the annual report (rankings, call-in list, every unit's
    sheet); a provisional month as the rankings alone. In the national format
    (common/officialdoc.py): wide ranking tables go landscape, in parts keeping the place
    and the unit."""
    doc = OfficialDocument()
    doc.title(title(result))
    if result.version > 1:
        doc.subtitle(f"（第{result.version}版，修订原因：{result.reason}）")
    doc.paragraph(result.lead or default_lead(result))
    for text, headers, rows in ranking_tables(result):
        doc.table(headers, rows, caption=text, key_columns=2)
    if result.kind == Result.Kind.YEAR:
        n = len(result.data.get("groups", [])) + 1
        doc.heading(f"{'一二三四五六七八九十'[n]}、各单位考核得分明细")
        for text, headers, rows in sheet_tables(result):
            doc.table(headers, rows, caption=text)
    doc.signature(report_issuer(), _issued_on(result))
    return doc.to_bytes()


def result_xlsx(result: Result) -> bytes:
    """Rankings per group, the call-in list, and one sheet of every unit's figures, with
    the shared writer's rules (numbers as numbers, rates as percentages, fitted widths)."""
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
                            formats.Rate(c["rate"]),
                            Decimal(c["score"]),
                        ]
                    )
    sheets.append(("得分明细", detail_headers, detail))
    buffer = BytesIO()
    excel.write_workbook(buffer, sheets)
    return buffer.getvalue()

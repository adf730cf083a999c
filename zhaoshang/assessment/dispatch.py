"""月调度: the monthly dispatch pack for the dispatch meeting, per unit:

1. progress against the annual targets, January to the month (the monthly report's own
   per-unit figures, ``reports.monthly.monthly_report``: one counting, never two);
2. stuck projects (停滞项目): in talks or signed and not yet landed, with no ledger entry
   (推进台账) in the ``STUCK_DAYS`` days to the month's end;
3. overdue problems: problems open at the month's end past their deadline;
4. sections other modules add (supervision items, once that module is installed) through
   ``register_section(fn)``: ``fn(year, month) -> {"title", "headers", "rows": {unit_id:
   [[cell, ...], ...]}}``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Max

from zhaoshang.common import formats
from zhaoshang.common.officialdoc import OfficialDocument
from zhaoshang.org.queries import report_issuer
from zhaoshang.pipeline.models import LedgerEntry, Problem, Project, Stage
from zhaoshang.reports import rules
from zhaoshang.reports.monthly import monthly_report

STUCK_DAYS = 60
STUCK_STAGES = [Stage.NEGOTIATING, Stage.SIGNED]
PROGRESS = [
    ("signed_projects", "签约项目（个）", "count"),
    ("agreed_investment", "协议投资额（万元）", "cny"),
    ("funds_domestic", "内资到位（万元）", "cny"),
    ("major_projects", "重大项目（个）", "count"),
]

Section = Callable[[int, int], dict[str, Any]]
SECTIONS: list[Section] = []


def register_section(fn: Section) -> Section:
    """Add a part to every unit's pack (registering one function twice keeps one)."""
    if fn not in SECTIONS:
        SECTIONS.append(fn)
    return fn


def stuck_projects(last: dt.date) -> dict[int, list[list[Any]]]:
    since = last - dt.timedelta(days=STUCK_DAYS)
    latest = dict(
        LedgerEntry.objects.filter(occurred_on__lte=last)
        .values("project_id")
        .annotate(on=Max("occurred_on"))
        .values_list("project_id", "on")
    )
    stages = dict(Stage.choices)
    out: dict[int, list[list[Any]]] = defaultdict(list)
    rows = (
        Project.objects.filter(stage__in=STUCK_STAGES)
        .order_by("department_id", "pk")
        .values_list("pk", "name", "department_id", "stage", "created_at")
    )
    for pk, name, unit, stage, created in rows:
        moved = latest.get(pk) or rules.local_date(created)
        if moved < since:
            out[unit].append([name, stages[stage], formats.cn_date(moved), (last - moved).days])
    return out


def overdue_problems(last: dt.date) -> dict[int, list[list[Any]]]:
    out: dict[int, list[list[Any]]] = defaultdict(list)
    rows = (
        Problem.objects.filter(status=Problem.Status.OPEN, due_on__lt=last)
        .order_by("owner_department_id", "due_on", "pk")
        .values_list("owner_department_id", "title", "project__name", "due_on")
    )
    for unit, title, project, due in rows:
        out[unit].append([project, title, formats.cn_date(due), (last - due).days])
    return out


def dispatch_pack(year: int, month: int) -> dict[str, Any]:
    last = rules.month_bounds(year, month)[1]
    report = monthly_report(year, month, today=last)
    stuck, overdue = stuck_projects(last), overdue_problems(last)
    extra = [fn(year, month) for fn in SECTIONS]
    called = {c["unit_id"] for c in report["call_in"]}
    units = []
    for row in sorted(report["units"], key=lambda r: r["rank"]):
        uid = row["unit_id"]
        progress = []
        for code, label, kind in PROGRESS:
            cell = row["cells"][code]
            progress.append(
                {
                    "label": label,
                    "done": formats.figure(cell["done"], kind),
                    "target": formats.figure(cell["target"], kind),
                    "rate": formats.Rate(cell["rate"]),
                }
            )
        units.append(
            {
                "unit_id": uid,
                "name": row["name"],
                "rank": row["rank"],
                "progress": progress,
                "stuck": stuck.get(uid, []),
                "overdue": overdue.get(uid, []),
                "extra": [
                    {"title": s["title"], "headers": s["headers"], "rows": s["rows"].get(uid, [])}
                    for s in extra
                ],
                "no_signing": uid in called,
            }
        )
    return {
        "year": year,
        "month": month,
        "title": f"{year}年{month}月招商引资工作调度情况",
        "summary": report["summary"],
        "units": units,
        "stuck_days": STUCK_DAYS,
    }


def dispatch_docx(pack: dict[str, Any]) -> bytes:
    """The pack in the national format (common/officialdoc.py): per unit its progress,
    stuck projects, overdue problems and the parts other modules add."""
    doc = OfficialDocument()
    doc.title(pack["title"])
    doc.heading("一、总体情况")
    doc.paragraph(pack["summary"])
    doc.heading("二、各单位调度情况")
    cn = "一二三四五六七八九十"
    for n, u in enumerate(pack["units"]):
        mark = "（年内尚无签约项目）" if u["no_signing"] else ""
        doc.heading(f"（{cn[n % 10] if n < 10 else n + 1}）{u['name']}{mark}", level=2)
        doc.table(
            ["指标", "完成", "年度目标", "完成率"],
            [[p["label"], p["done"], p["target"], p["rate"]] for p in u["progress"]],
            caption="目标任务完成情况",
        )
        doc.table(
            ["项目", "阶段", "最近推进", "停滞天数"],
            u["stuck"],
            caption=f"停滞项目（{pack['stuck_days']}天以上无推进记录）",
        )
        doc.table(["项目", "问题", "办结期限", "超期天数"], u["overdue"], caption="超期未办结问题")
        for part in u["extra"]:
            doc.table(part["headers"], part["rows"], caption=part["title"])
    last = rules.month_bounds(pack["year"], pack["month"])[1]
    doc.signature(report_issuer(), last)
    return doc.to_bytes()

"""The assessment engine: a scheme and a period in, every unit's score sheet, the
rankings per group and the call-in list out, as plain JSON-ready data (``Result.data``).

The figures come from the indicators the owning apps register (``registry.py``); the
points from ``scoring.py``. Nothing here knows what a figure counts.

Groups ranked separately: industry departments, streets, zones (the unit's kind). A unit
assessed for holding a target while of another kind is ranked in a group of its kind.
In a ranking by figure, a percentage indicator with no records (nothing due) counts as
100%. The call-in list (约谈): the built-in rule of the texts, no signed project in the
year (for a provisional result, a warning: none so far), plus the scheme's rules
(a figure below a threshold; the last of each group).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from zhaoshang.org.models import Department

from . import registry, scoring
from .models import Result, Scheme
from .queries import assessed_units, targets_by_unit

CALL_IN_CODE = "signed_projects"
GROUP_ORDER = [Department.Kind.DEPARTMENT, Department.Kind.STREET, Department.Kind.ZONE]


def period_end(year: int, kind: str, period: int) -> dt.date:
    month = {Result.Kind.MONTH: period, Result.Kind.QUARTER: period * 3}.get(kind, 12)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def item_target(item: dict[str, Any], indicator: registry.Indicator, target_row: Any):
    """The unit's annual target for ``item``, before proration (None: no target)."""
    rule = item.get("target", "none")
    if rule == "fixed":
        return _dec(item.get("target_value"))
    if rule == "target" and indicator.target_field:
        return _dec(getattr(target_row, indicator.target_field, 0) if target_row else 0)
    return None


def compute(
    scheme: Scheme,
    kind: str,
    period: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    year = scheme.year
    end = period_end(year, kind, period)
    months = end.month
    span = registry.Period(year, end)
    items = list(scheme.items)
    codes = [i["code"] for i in items]
    for rule in scheme.call_in:
        codes.append(rule["code"])
    codes.append(CALL_IN_CODE)
    codes = list(dict.fromkeys(codes))
    missing = [c for c in codes if registry.get(c) is None]
    if missing:
        raise ValueError(f"考核办法中的指标“{'、'.join(missing)}”未注册（相应模块未安装）。")
    figures: dict[str, dict[int, registry.Figure]] = {}
    for n, code in enumerate(codes, start=1):
        figures[code] = registry.INDICATORS[code].compute(span)
        if progress:
            progress(int(80 * n / len(codes)))

    units = assessed_units(year)
    targets = targets_by_unit(year)
    kinds = dict(Department.Kind.choices)

    def figure_of(code: str, unit: int) -> Decimal | None:
        fig = figures[code].get(unit)
        if fig is not None:
            return fig.value
        return None if registry.INDICATORS[code].kind == registry.RATE else Decimal(0)

    sheets: dict[int, dict[str, Any]] = {}
    for u in units:
        sheets[u.pk] = {"name": u.name, "group": u.kind, "cells": {}, "total": Decimal(0)}

    for item in items:
        code = item["code"]
        indicator = registry.INDICATORS[code]
        is_rate = indicator.kind == registry.RATE
        weight = _dec(item.get("weight"))
        method = item.get("method", scoring.RATE)
        applies = [u for u in units if not item.get("groups") or u.kind in item["groups"]]
        place: dict[int, int] = {}
        if method == scoring.RANK:
            for group in {u.kind for u in applies}:
                members = {
                    u.pk: (
                        figure_of(code, u.pk) if figure_of(code, u.pk) is not None else Decimal(100)
                    )
                    for u in applies
                    if u.kind == group
                }
                place.update(scoring.places(members))
        for u in applies:
            fig = figure_of(code, u.pk)
            annual = item_target(item, indicator, targets.get(u.pk))
            target = scoring.prorated(annual, months, is_rate)
            if method == scoring.RATE:
                score = scoring.score_rate(fig, target, weight, _dec(item.get("cap") or 1))
            elif method == scoring.RANK:
                score = scoring.score_rank(place[u.pk], weight, _dec(item.get("step")))
            elif method == scoring.YESNO:
                score = scoring.score_yesno(fig, target, weight)
            elif method == scoring.DEDUCT:
                score = scoring.score_deduct(fig, _dec(item.get("per_case")), weight)
            else:
                score = scoring.score_bonus(fig, _dec(item.get("per_case")), weight)
            held = figures[code].get(u.pk)
            cell = {
                "figure": _text(fig),
                "target": _text(None if target is None else target.quantize(Decimal("0.01"))),
                "rate": _text(
                    (Decimal(fig) / target * 100).quantize(Decimal("0.1"))
                    if fig is not None and target
                    else None
                ),
                "score": str(score),
                "place": place.get(u.pk),
                "ids": held.ids if held is not None and not indicator.link else [],
                "link": indicator.link(span, u.pk) if indicator.link else "",
            }
            sheets[u.pk]["cells"][code] = cell
            sheets[u.pk]["total"] += score

    groups = []
    present = [g for g in GROUP_ORDER if any(u.kind == g for u in units)]
    present += sorted({u.kind for u in units} - set(present))
    for group in present:
        members = {pk: s["total"] for pk, s in sheets.items() if s["group"] == group}
        ranks = scoring.places(members)
        for pk, p in ranks.items():
            sheets[pk]["place"] = p
        order = sorted(members, key=lambda pk: (ranks[pk], [u.pk for u in units].index(pk)))
        groups.append({"kind": group, "label": kinds.get(group, group), "units": order})

    final = kind == Result.Kind.YEAR
    call_in = []
    for u in units:
        reasons = []
        if figure_of(CALL_IN_CODE, u.pk) == 0:
            reasons.append(
                f"{year}年全年无签约项目"
                if final
                else f"截至{end.month}月底本年尚无签约项目（预警）"
            )
        for rule in scheme.call_in:
            fig = figure_of(rule["code"], u.pk)
            below = _dec(rule.get("below"))
            if fig is not None and fig < below:
                ind = registry.INDICATORS[rule["code"]]
                reasons.append(
                    f"{ind.label}为{_shown(fig, ind.kind)}，低于{_shown(below, ind.kind)}"
                )
        if scheme.call_in_last:
            group = next(g for g in groups if g["kind"] == u.kind)
            worst = max(sheets[pk]["place"] for pk in group["units"])
            if len(group["units"]) > 1 and sheets[u.pk]["place"] == worst:
                reasons.append(f"综合得分列{group['label']}末位")
        if reasons:
            sheets[u.pk]["call_in"] = reasons
            call_in.append({"unit": u.pk, "name": u.name, "reasons": reasons})
    if progress:
        progress(95)
    item_rows = []
    for item in items:
        ind = registry.INDICATORS[item["code"]]
        item_rows.append(
            {
                **item,
                "label": ind.label,
                "kind": ind.kind,
                "unit": registry.KIND_UNITS[ind.kind],
                "rule": ind.rule,
                "method_label": scoring.METHODS.get(item.get("method", ""), ""),
            }
        )
    return {
        "year": year,
        "kind": kind,
        "period": period,
        "end": end.isoformat(),
        "months": months,
        "scheme": {"id": scheme.pk, "version": scheme.version, "title": scheme.title},
        "items": item_rows,
        "groups": groups,
        "units": {
            str(pk): {**s, "total": str(s["total"]), "call_in": s.get("call_in", [])}
            for pk, s in sheets.items()
        },
        "call_in": call_in,
    }


def _shown(value: Decimal, kind: str) -> str:
    from zhaoshang.common import formats

    if kind == registry.CNY:
        return formats.wan_text(value)
    if kind == registry.RATE:
        return f"{value}%"
    return f"{int(value)}个"

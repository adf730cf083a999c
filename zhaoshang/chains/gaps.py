"""The gap rules: which links are 建链 / 延链 / 补链 / 强链, by the chain's own thresholds.

A pure function of the links' strength, so the map, the panel, the report and the tests
all read one rule:

1. A link is *present* when it has more local enterprises than ``empty_at_most``.
2. When fewer than ``build_below_links`` links of the chain are present, the chain is
   still to be built: every link not present is 建链.
3. A present link with fewer than ``strengthen_below`` local enterprises, or (when the
   office set a revenue threshold and operating data exist) whose local revenue is below
   it, is 强链.
4. Any other link not present is 补链 when the chain is there around it (its parent,
   a sibling or a child is present, present links stand both upstream and downstream
   of its position, or another link of its position is present), else 延链 (the chain stops on one side of it: extend it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .models import POSITION_RANK, Position

NONE = ""
BUILD = "build"
EXTEND = "extend"
FILL = "fill"
STRENGTHEN = "strengthen"
LABELS = {NONE: "无缺口", BUILD: "建链", EXTEND: "延链", FILL: "补链", STRENGTHEN: "强链"}
# The map's colours (and the legend's): strong green, then by how much work the gap is.
COLOURS = {
    NONE: "#2e7d32",
    STRENGTHEN: "#f9a825",
    FILL: "#ef6c00",
    EXTEND: "#6a1b9a",
    BUILD: "#c62828",
}


@dataclass
class LinkStrength:
    id: int
    parent_id: int | None
    position: str
    name: str = ""
    count: int = 0
    revenue: Decimal | None = None
    tax: Decimal | None = None
    gap: str = NONE
    reason: str = ""
    children: list[int] = field(default_factory=list)

    @property
    def gap_label(self) -> str:
        return LABELS[self.gap]

    @property
    def colour(self) -> str:
        return COLOURS[self.gap]


def _wan(amount: Decimal) -> str:
    return f"{(amount / 10000).quantize(Decimal('0.01'))}万元"


def classify(chain: Any, links: list[LinkStrength]) -> list[LinkStrength]:
    """Set ``gap`` and ``reason`` on each of ``links`` (one chain's) and return them."""
    by_id = {s.id: s for s in links}
    for s in links:
        s.children = []
    for s in links:
        if s.parent_id in by_id:
            by_id[s.parent_id].children.append(s.id)
    empty_at_most = chain.empty_at_most
    present = {s.id for s in links if s.count > empty_at_most}
    present_ranks = {POSITION_RANK[Position(by_id[i].position)] for i in present}
    for s in links:
        if s.id in present:
            weak_count = s.count < chain.strengthen_below
            weak_revenue = (
                chain.strengthen_revenue_below is not None
                and s.revenue is not None
                and s.revenue < chain.strengthen_revenue_below
            )
            if weak_count:
                s.gap = STRENGTHEN
                s.reason = f"本地企业{s.count}家，少于强链标准{chain.strengthen_below}家"
            elif weak_revenue:
                assert s.revenue is not None
                s.gap = STRENGTHEN
                s.reason = (
                    f"本地企业营业收入合计{_wan(s.revenue)}，"
                    f"低于强链标准{_wan(chain.strengthen_revenue_below)}"
                )
            else:
                s.gap = NONE
                s.reason = f"本地企业{s.count}家，达到强链标准{chain.strengthen_below}家"
            continue
        empty = f"本地企业{s.count}家（空白标准：不超过{empty_at_most}家）"
        if len(present) < chain.build_below_links:
            s.gap = BUILD
            s.reason = (
                f"{empty}；全链仅{len(present)}个环节有本地企业，"
                f"少于建链标准{chain.build_below_links}个"
            )
            continue
        near = [
            by_id[i].name
            for i in [s.parent_id, *s.children, *_siblings(s, links, by_id)]
            if i in present
        ]
        rank = POSITION_RANK[Position(s.position)]
        both_sides = any(r < rank for r in present_ranks) and any(r > rank for r in present_ranks)
        if near:
            s.gap = FILL
            s.reason = f"{empty}；相邻环节“{'、'.join(near[:3])}”已有本地企业，补齐本环节"
        elif both_sides:
            s.gap = FILL
            s.reason = f"{empty}；上游、下游均有本地企业，本环节是链条中间的缺口"
        elif rank in present_ranks:
            s.gap = FILL
            s.reason = f"{empty}；同处{Position(s.position).label}的其他环节已有本地企业"
        else:
            s.gap = EXTEND
            side = "上游" if any(r > rank for r in present_ranks) else "下游"
            s.reason = (
                f"{empty}；本地企业集中在本环节{'下游' if side == '上游' else '上游'}，向{side}延伸"
            )
    return links


def _siblings(s: LinkStrength, links: list[LinkStrength], by_id: dict) -> list[int]:
    if s.parent_id is None:
        return []
    return [i for i in by_id[s.parent_id].children if i != s.id] if s.parent_id in by_id else []

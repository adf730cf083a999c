"""Reads of the industry chains.

Chains are the district's, not a unit's: every user who may read the enterprise library
reads them (the same test as ``enterprises.queries.library``). Targets come from
``library(user)`` only, and show base facts (name, classes, rankings, tags, region), never
contacts or notes. Revenue and tax per link are sums of confidential operating data:
shown to readers of every agreement's figures only (``may_see_figures``); the gap rules
use them either way."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection

from zhaoshang.enterprises.queries import library
from zhaoshang.org import roles
from zhaoshang.org.models import DataScope
from zhaoshang.org.scoping import user_scope

from . import gaps, ranking
from .models import Chain, ChainLead, Link, Placement, Position

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User


def readable(user: User) -> QuerySet[Chain]:
    if not library(user).query.is_empty():
        return Chain.objects.select_related("key_industry")
    return Chain.objects.none()


def may_manage(user: User) -> bool:
    return user.has_perm(roles.MANAGE_CHAINS)


def may_see_figures(user: User) -> bool:
    """Sums of operating data: for those who read every agreement's figures."""
    return user.has_perm(roles.VIEW_AGREEMENT) and user_scope(user) == DataScope.ALL


def links_of(chain: Chain) -> QuerySet[Link]:
    return chain.links.select_related("key_industry").prefetch_related("industries")


# --- Strength and gaps -------------------------------------------------------------------
def _figures(placed: Any) -> tuple[int | None, dict[int, tuple[Decimal | None, Decimal | None]]]:
    """(year, enterprise id -> (revenue, tax)) of the latest year with operating data for
    the enterprises of ``placed`` (a values queryset of ids). A year's figure is its
    annual row (month 0) when there is one, else the sum of its months; of several
    sources the tax office's is taken first, then statistics, then the enterprise's."""
    from zhaoshang.agreements.models import OperatingData

    data = OperatingData.objects.filter(current=True, enterprise_id__in=placed)
    year = data.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None, {}
    order = {"tax": 0, "statistics": 1, "enterprise": 2}
    picked: dict[int, tuple[int, bool]] = {}
    sums: dict[tuple[int, str, bool], list[Decimal | None]] = defaultdict(lambda: [None, None])
    for eid, month, source, revenue, tax in data.filter(year=year).values_list(
        "enterprise_id", "month", "source", "revenue", "tax_total"
    ):
        key = (eid, source, month == 0)
        s = sums[key]
        s[0] = revenue if s[0] is None else s[0] + (revenue or 0)
        s[1] = tax if s[1] is None else s[1] + (tax or 0)
        rank = (order.get(source, 9), month != 0)
        if eid not in picked or rank < picked[eid]:
            picked[eid] = rank
    out = {}
    for (eid, source, annual), (revenue, tax) in sums.items():
        if picked[eid] == (order.get(source, 9), not annual):
            out[eid] = (revenue, tax)
    return year, out


def _ancestors(links: list[gaps.LinkStrength]) -> dict[int, list[int]]:
    """Link id -> itself and its ancestors (a parent's strength counts its sub-links)."""
    parent = {s.id: s.parent_id for s in links}
    out = {}
    for s in links:
        chain: list[int] = []
        node: int | None = s.id
        while node is not None and node not in chain:
            chain.append(node)
            node = parent.get(node)
        out[s.id] = chain
    return out


def _subtree_counts(by_chain: dict[int, list[gaps.LinkStrength]]) -> dict[int, int]:
    """Distinct local enterprises on each link and its sub-links, and on each chain as a
    whole (key ``-chain id``): one query, the (ancestor, link) pairs sent as a VALUES
    list (the same SQL on SQLite and PostgreSQL)."""
    pairs: list[int] = []
    for chain_id, links in by_chain.items():
        for link_id, chain in _ancestors(links).items():
            for ancestor in [*chain, -chain_id]:
                pairs += [ancestor, link_id]
    if not pairs:
        return {}
    table = Placement._meta.db_table
    values = ", ".join(["(%s, %s)"] * (len(pairs) // 2))
    sql = (
        f"SELECT v.column1, COUNT(DISTINCT p.enterprise_id) FROM {table} p "  # noqa: S608 - our table, placeholders
        f"JOIN (VALUES {values}) AS v ON p.link_id = v.column2 "
        "WHERE NOT p.removed GROUP BY v.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, pairs)
        return {int(k): n for k, n in cursor.fetchall()}


Strengths = tuple[dict[int, list[gaps.LinkStrength]], int | None, dict[int, int]]


def strengths(chains: list[Chain]) -> Strengths:
    """Each chain's links with count, revenue, tax (of the link and its sub-links, each
    enterprise once), gap and reason; the year of the figures; each chain's distinct
    local enterprises. A few queries for any number of chains."""
    ids = [c.pk for c in chains]
    by_chain: dict[int, list[gaps.LinkStrength]] = defaultdict(list)
    for pk, chain_id, parent_id, position, name in (
        Link.objects.filter(chain_id__in=ids)
        .order_by("sort_order", "pk")
        .values_list("pk", "chain_id", "parent_id", "position", "name")
    ):
        by_chain[chain_id].append(gaps.LinkStrength(pk, parent_id, position, name))
    counts = _subtree_counts(by_chain)
    live = Placement.objects.filter(link__chain_id__in=ids, removed=False)
    year, figures = _figures(live.values("enterprise_id"))
    link_figures: dict[int, list[Decimal | None]] = {}
    if figures:
        up = {k: v for links in by_chain.values() for k, v in _ancestors(links).items()}
        seen: dict[int, set[int]] = defaultdict(set)
        for link_id, eid in live.filter(enterprise_id__in=list(figures)).values_list(
            "link_id", "enterprise_id"
        ):
            for ancestor in up.get(link_id, [link_id]):
                if eid in seen[ancestor]:
                    continue
                seen[ancestor].add(eid)
                revenue, tax = figures[eid]
                f = link_figures.setdefault(ancestor, [None, None])
                f[0] = revenue if f[0] is None else f[0] + (revenue or 0)
                f[1] = tax if f[1] is None else f[1] + (tax or 0)
    for chain in chains:
        for s in by_chain[chain.pk]:
            s.count = counts.get(s.id, 0)
            s.revenue, s.tax = link_figures.get(s.id, (None, None))
        gaps.classify(chain, by_chain[chain.pk])
    return by_chain, year, {chain.pk: counts.get(-chain.pk, 0) for chain in chains}


def chain_rows(user: User) -> list[dict[str, Any]]:
    """The chain list: each chain with its links, present links and gaps by kind."""
    chains = list(readable(user))
    by_chain, _, totals = strengths(chains)
    rows = []
    for chain in chains:
        links = by_chain[chain.pk]
        kinds = Counter(s.gap for s in links)
        rows.append(
            {
                "chain": chain,
                "links": len(links),
                "enterprises": totals[chain.pk],
                "gaps": [
                    (gaps.LABELS[k], kinds[k], k)
                    for k in (gaps.BUILD, gaps.EXTEND, gaps.FILL, gaps.STRENGTHEN)
                    if kinds[k]
                ],
                "strong": kinds[gaps.NONE],
            }
        )
    return rows


def chain_map(user: User, chain: Chain) -> dict[str, Any]:
    """The ECharts tree of one chain: the chain at the root, its links below, each
    coloured by its gap, with what the tooltip and the panel need."""
    by_chain, year, _ = strengths([chain])
    links = by_chain[chain.pk]
    figures = may_see_figures(user)
    nodes: dict[int, dict[str, Any]] = {}
    for s in links:
        tip = [f"本地企业 {s.count} 家", f"{s.gap_label}：{s.reason}"]
        if figures and s.revenue is not None:
            tip.append(f"{year}年营业收入 {(s.revenue / 10000).quantize(Decimal('0.01'))}万元")
        if figures and s.tax is not None:
            tip.append(f"{year}年税收 {(s.tax / 10000).quantize(Decimal('0.01'))}万元")
        nodes[s.id] = {
            "name": f"{s.name}（{s.count}）",
            "id": s.id,
            "gap": s.gap,
            "gapLabel": s.gap_label,
            "tip": tip,
            "itemStyle": {"color": s.colour, "borderColor": s.colour},
            "children": [],
        }
    roots = []
    for s in links:
        if s.parent_id in nodes:
            nodes[s.parent_id]["children"].append(nodes[s.id])
        else:
            roots.append(nodes[s.id])
    return {
        "name": chain.name,
        "id": 0,
        "tip": [f"{len(links)} 个环节"],
        "children": roots,
        "legend": [{"label": gaps.LABELS[k], "colour": c} for k, c in gaps.COLOURS.items()],
    }


def link_strength(link: Link) -> gaps.LinkStrength:
    by_chain, _, _ = strengths([link.chain])
    return next(s for s in by_chain[link.chain_id] if s.id == link.pk)


# --- One link ----------------------------------------------------------------------------
def placements(link: Link) -> QuerySet[Placement]:
    return (
        link.placements.filter(removed=False)
        .select_related("enterprise")
        .order_by("-source", "enterprise__name")
    )


def removed(link: Link) -> QuerySet[Placement]:
    return link.placements.filter(removed=True).select_related("enterprise", "created_by")


def targets(user: User, link: Link, *, limit: int = 20) -> list[ranking.Target]:
    industries = list(link.industries.all())
    return ranking.rank(
        library(user),
        industry_ids=[i.pk for i in industries],
        industry_names={i.pk: str(i) for i in industries},
        keywords=link.keyword_list,
        key_industry_ids=[k for k in [link.key_industry_id, link.chain.key_industry_id] if k],
        limit=limit,
    )


def link_leads(user: User, link: Link) -> tuple[QuerySet[ChainLead], int]:
    """The link's leads the user may read (the pipeline's scope), and how many others."""
    from zhaoshang.pipeline.models import Project

    mine = link.leads.filter(project__in=Project.objects.for_user(user).values("pk"))
    others = link.leads.count() - mine.count()
    return (
        mine.select_related("project__enterprise", "project__department").order_by("-pk"),
        others,
    )


# --- The chain report --------------------------------------------------------------------
REPORT_HEADERS = [
    "产业链",
    "环节",
    "链上位置",
    "缺口",
    "本地企业（家）",
    "线索（个）",
    "在谈及推进中项目（个）",
    "本年签约（个）",
    "本年落地（个）",
]


def report_rows(user: User, chains: list[Chain], year: int) -> list[list[Any]]:
    """Per chain and link: local enterprises, leads and projects in progress (those
    registered through 产业链招商 on the link), signed and landed in ``year``."""
    from zhaoshang.pipeline.models import ACTIVE_STAGES, LANDED_STAGES, SIGNED_STAGES, Stage

    by_chain, _, _ = strengths(chains)
    tally: dict[int, Counter] = defaultdict(Counter)
    for link_id, stage, signed_on, registered_on in ChainLead.objects.filter(
        link__chain__in=chains
    ).values_list("link_id", "project__stage", "project__signed_on", "project__registered_on"):
        c = tally[link_id]
        if stage == Stage.LEAD:
            c["leads"] += 1
        elif stage in ACTIVE_STAGES:
            c["progress"] += 1
        if stage in SIGNED_STAGES and signed_on and signed_on.year == year:
            c["signed"] += 1
        if stage in LANDED_STAGES and registered_on and registered_on.year == year:
            c["landed"] += 1
    positions = dict(Position.choices)
    position_of = dict(Link.objects.filter(chain__in=chains).values_list("pk", "position"))
    rows = []
    for chain in chains:
        for s in by_chain[chain.pk]:
            c = tally[s.id]
            rows.append(
                [
                    chain.name,
                    s.name,
                    positions.get(position_of.get(s.id) or "", ""),
                    s.gap_label,
                    s.count,
                    c["leads"],
                    c["progress"],
                    c["signed"],
                    c["landed"],
                ]
            )
    return rows


def report_years(today: datetime.date) -> list[int]:
    return list(range(today.year, today.year - 5, -1))


def chain_filter(user: User, chain_id: Any) -> list[Chain]:
    qs = readable(user)
    if str(chain_id or "").isdigit():
        qs = qs.filter(pk=int(chain_id))
    return list(qs)

"""Ranking the library's target enterprises for a link, each with its reasons.

The weights are settings (``TargetSettings``, edited by the office on the weights page),
not code: ``WEIGHTS`` below only names the reasons and their starting points. Tags and
headquarters regions are weighted by name (``tag:央企系``, ``area:jjj``).

The work for one link, whatever the library's size: the candidates are the enterprises
holding one of the link's classes (from the enterprise–industry table's industry index)
and those whose names carry a keyword (the library's bigram search); their rankings,
tags and projects are read in a few set queries, the score is added up in Python, and
only the top rows are read in full."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from zhaoshang.enterprises.models import Enterprise, Ranking, RankingKind, Status, Tag

from .models import TargetSettings

# key, label, starting points. Negative points push a target down the list.
WEIGHTS: list[tuple[str, str, int]] = [
    ("class", "行业代码与环节相符", 30),
    ("keyword", "名称含环节关键词", 20),
    ("key_industry", "属本链重点产业", 10),
    (RankingKind.FORTUNE_500.value, "世界500强", 30),
    (RankingKind.CHINA_500.value, "中国500强", 20),
    (RankingKind.PRIVATE_500.value, "中国民营500强", 15),
    (RankingKind.SERVICE_500.value, "中国服务业500强", 12),
    (RankingKind.INDUSTRY_TOP_100.value, "行业百强", 15),
    (RankingKind.LITTLE_GIANT.value, "专精特新“小巨人”", 15),
    (RankingKind.HIGH_TECH.value, "高新技术企业", 5),
    (RankingKind.UNICORN.value, "独角兽", 12),
    ("listed", "上市公司", 10),
    ("contact", "曾有接触（登记过线索或项目）", 5),
    ("lead_held", "已有单位正在跟进", -20),
]
DEFAULT_TAGS = {"央企系": 10, "中科系": 6, "高校系": 4, "国际系": 6}
DEFAULT_AREAS = {"jjj": 5, "yrd": 4, "gba": 4}
LABELS = {k: label for k, label, _ in WEIGHTS}
CHUNK = 5000  # ids per IN list: well under SQLite's bound-parameter limit
KEYWORD_LIMIT = 2000  # name matches read per keyword


def weights() -> dict[str, int]:
    """The weights in force: the office's settings over the starting points."""
    saved = TargetSettings.current().weights or {}
    out = {k: w for k, _, w in WEIGHTS}
    out |= {f"tag:{t}": w for t, w in DEFAULT_TAGS.items()}
    out |= {f"area:{a}": w for a, w in DEFAULT_AREAS.items()}
    out.update({k: int(v) for k, v in saved.items()})
    return out


@dataclass
class Target:
    enterprise_id: int
    score: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (text, points)
    name: str = ""
    held_by: str = ""  # the unit that holds a lead or project on it now
    held_project_id: int | None = None

    @property
    def reason_texts(self) -> list[str]:
        return [f"{text}（{points:+d}）" for text, points in self.reasons]


def _chunks(ids: list[int]) -> Any:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def rank(
    library: Any,
    *,
    industry_ids: list[int],
    industry_names: dict[int, str],
    keywords: list[str],
    key_industry_ids: list[int],
    limit: int = 20,
    only: int | None = None,
) -> list[Target]:
    """The ``limit`` best targets of ``library`` (the user's readable enterprises) for a
    link of ``industry_ids`` and ``keywords``, best first, each with its reasons.
    ``only``: score that one enterprise (what a registered lead keeps)."""
    from zhaoshang.enterprises.queries import SearchTooShort, apply_search
    from zhaoshang.pipeline.leads.services import HELD_STAGES
    from zhaoshang.pipeline.models import Project
    from zhaoshang.reference.models import EconomicArea, Region

    w = weights()
    targets = library.filter(status=Status.TARGET)
    through = Enterprise.industries.through
    matched: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if industry_ids:
        by_class = defaultdict(list)
        pairs = through.objects.filter(industry_id__in=industry_ids)
        if only is not None:
            pairs = pairs.filter(enterprise_id=only)
        for eid, iid in pairs.values_list("enterprise_id", "industry_id"):
            by_class[eid].append(iid)
        for eid, iids in by_class.items():
            text = "行业相符：" + "、".join(industry_names.get(i, str(i)) for i in sorted(iids))
            matched[eid].append((text, w["class"]))
    for kw in keywords:
        try:
            ids = list(
                apply_search(targets, kw).order_by().values_list("pk", flat=True)[:KEYWORD_LIMIT]
            )
        except SearchTooShort:
            continue
        for eid in ids:
            if only is not None and eid != only:
                continue
            if not any(t.startswith("名称含") for t, _ in matched[eid]):
                matched[eid].append((f"名称含关键词“{kw}”", w["keyword"]))
    if not matched:
        return []
    region_areas: dict[int, list[str]] = defaultdict(list)
    for rid, code in Region.objects.filter(areas__isnull=False).values_list("pk", "areas__code"):
        region_areas[rid].append(code)
    area_names = dict(EconomicArea.objects.values_list("code", "name"))
    tag_weights = {k[4:]: v for k, v in w.items() if k.startswith("tag:") and v}
    tag_ids = dict(Tag.objects.filter(name__in=tag_weights).values_list("pk", "name"))
    tag_through = Enterprise.tags.through
    key_through = Enterprise.key_industries.through
    scored: dict[int, Target] = {}
    all_ids = sorted(matched)
    for chunk in _chunks(all_ids):
        rows = targets.filter(pk__in=chunk).values_list(
            "pk", "listing_exchange", "stock_code", "hq_region_id"
        )
        for eid, exchange, code, region in rows:
            t = Target(eid, reasons=list(matched[eid]))
            if exchange or code:
                t.reasons.append((f"上市公司（{exchange or code}）", w["listed"]))
            for area in region_areas.get(region, []):
                if w.get(f"area:{area}"):
                    t.reasons.append((f"总部位于{area_names.get(area, area)}", w[f"area:{area}"]))
            scored[eid] = t
        present = [e for e in chunk if e in scored]
        if not present:
            continue
        best: dict[tuple[int, str], tuple[int, int | None]] = {}
        for eid, kind, year, place in (
            Ranking.objects.filter(enterprise_id__in=present)
            .values_list("enterprise_id", "kind", "year", "rank")
            .order_by("-year")
        ):
            best.setdefault((eid, kind), (year, place))
        for (eid, kind), (year, place) in best.items():
            if w.get(kind):
                label = f"{year}年{RankingKind(kind).label}" + (f"第{place}名" if place else "")
                scored[eid].reasons.append((label, w[kind]))
        if tag_ids:
            for eid, tid in tag_through.objects.filter(
                enterprise_id__in=present, tag_id__in=list(tag_ids)
            ).values_list("enterprise_id", "tag_id"):
                scored[eid].reasons.append((f"标签：{tag_ids[tid]}", tag_weights[tag_ids[tid]]))
        if key_industry_ids and w.get("key_industry"):
            for eid in set(
                key_through.objects.filter(
                    enterprise_id__in=present, keyindustry_id__in=key_industry_ids
                ).values_list("enterprise_id", flat=True)
            ):
                scored[eid].reasons.append((LABELS["key_industry"], w["key_industry"]))
        contacted: set[int] = set()
        for pid, eid, stage, pooled, unit in (
            Project.objects.filter(enterprise_id__in=present)
            .values_list("pk", "enterprise_id", "stage", "pooled_at", "department__name")
            .order_by("pk")
        ):
            t = scored[eid]
            if stage in HELD_STAGES and pooled is None and t.held_project_id is None:
                t.held_by, t.held_project_id = unit, pid
                t.reasons.append((f"{unit}已在跟进", w["lead_held"]))
            elif eid not in contacted and t.held_project_id is None:
                contacted.add(eid)
                t.reasons.append(("曾登记过线索或项目", w["contact"]))
    for t in scored.values():
        if t.held_project_id is not None:  # held now: the earlier contact is that lead
            t.reasons = [r for r in t.reasons if r[0] != "曾登记过线索或项目"]
        t.score = sum(p for _, p in t.reasons)
        t.reasons.sort(key=lambda r: -r[1])
    top = sorted(scored.values(), key=lambda t: (-t.score, -t.enterprise_id))[:limit]
    names = dict(
        Enterprise.objects.filter(pk__in=[t.enterprise_id for t in top]).values_list("pk", "name")
    )
    for t in top:
        t.name = names.get(t.enterprise_id, "")
    return top

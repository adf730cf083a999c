"""Writes of the industry chains: chains and links (with their bad-input checks), copy,
placements (rules and the office's hand), the ranking weights and "登记线索" on a
target. Every write is audited; only the office calls these (views check
``roles.MANAGE_CHAINS``; registering a lead needs ``roles.MANAGE_PIPELINE``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.enterprises.models import Enterprise, Status
from zhaoshang.reference.models import Industry

from . import ranking
from .models import Chain, ChainLead, Link, Placement, TargetSettings, split_keywords

if TYPE_CHECKING:
    from zhaoshang.org.models import User
    from zhaoshang.pipeline.models import Project

CHAIN_FIELDS = [
    "name",
    "key_industry",
    "description",
    "sort_order",
    "empty_at_most",
    "strengthen_below",
    "strengthen_revenue_below",
    "build_below_links",
]
LINK_FIELDS = ["name", "parent", "position", "keywords", "key_industry", "sort_order"]


# --- Chains ------------------------------------------------------------------------------
def chain_create(*, actor: User | None, data: dict[str, Any]) -> Chain:
    return record_create(Chain, actor=actor, data={k: data[k] for k in CHAIN_FIELDS if k in data})


def chain_update(*, actor: User, chain: Chain, data: dict[str, Any], version: int) -> Chain:
    return record_update(
        chain,
        actor=actor,
        data={k: data[k] for k in CHAIN_FIELDS if k in data},
        version=version,
    )


@transaction.atomic
def chain_delete(*, actor: User, chain: Chain) -> None:
    if ChainLead.objects.filter(link__chain=chain).exists():
        raise ValidationError(f"产业链“{chain.name}”已登记过线索，不能删除（可修改其环节）。")
    # Children first: a link's parent is protected while it has children.
    links = list(chain.links.all())
    while links:
        parents = {link.parent_id for link in links}
        for link in [x for x in links if x.pk not in parents]:
            link.delete()
        links = [x for x in links if x.pk in parents]
    record_delete(chain, actor=actor)


@transaction.atomic
def chain_copy(*, actor: User, source: Chain, name: str) -> Chain:
    """A new chain with ``source``'s links (tree, classes, keywords, key industries) and
    thresholds, as a starting point for another district or a new chain; its local
    enterprises are placed by the rules afresh (manual placements are not copied)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写新产业链的名称。"})
    if Chain.objects.filter(name=name).exists():
        raise ValidationError({"name": f"产业链“{name}”已存在，请换一个名称。"})
    data = {k: getattr(source, k) for k in CHAIN_FIELDS} | {"name": name}
    copy = chain_create(actor=actor, data=data)
    Chain.objects.filter(pk=copy.pk).update(copied_from=source)
    copy.copied_from = source
    new_ids: dict[int, Link] = {}
    pending = list(source.links.prefetch_related("industries").order_by("pk"))
    while pending:  # parents before children, whatever the ids
        rest = []
        for link in pending:
            if link.parent_id is not None and link.parent_id not in new_ids:
                rest.append(link)
                continue
            new = Link.objects.create(
                chain=copy,
                parent=new_ids.get(link.parent_id) if link.parent_id else None,
                name=link.name,
                position=link.position,
                keywords=link.keywords,
                key_industry_id=link.key_industry_id,
                sort_order=link.sort_order,
            )
            new.industries.set(link.industries.all())
            new_ids[link.pk] = new
        pending = rest
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=copy,
        detail=f"复制自产业链“{source.name}”（{len(new_ids)}个环节）",
    )
    placements_recompute(actor=actor, chain=copy)
    return copy


# --- Links -------------------------------------------------------------------------------
def parse_industry_codes(text: Any) -> list[Industry]:
    """National classes from "27、35" (codes of GB/T 4754 divisions, or sections' letters
    for a whole section's divisions); unknown codes are refused, all of them named."""
    codes = split_keywords(str(text or "").replace("/", " "))
    found = {i.code: i for i in Industry.objects.filter(code__in=[c.upper() for c in codes])}
    unknown = [c for c in codes if c.upper() not in found]
    if unknown:
        raise ValidationError(
            {
                "industries": f"行业代码“{'、'.join(unknown)}”不在国民经济行业分类"
                "（GB/T 4754-2017）中，请填写两位大类代码（如 27）或门类字母（如 C）。"
            }
        )
    out: list[Industry] = []
    for code in codes:
        industry = found[code.upper()]
        if industry.level == Industry.Level.SECTION:
            out.extend(industry.children.all())
        else:
            out.append(industry)
    return list(dict.fromkeys(out))


def _check_link(chain: Chain, link: Link | None, data: dict[str, Any]) -> None:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写环节名称。"})
    same = chain.links.filter(name=name)
    if link is not None:
        same = same.exclude(pk=link.pk)
    if same.exists():
        raise ValidationError({"name": f"本链已有环节“{name}”，环节名称在一条链内不能重复。"})
    parent = data.get("parent")
    if parent is not None:
        if parent.chain_id != chain.pk:
            raise ValidationError(
                {
                    "parent": f"上级环节“{parent.name}”属于产业链“{parent.chain.name}”，"
                    f"不在“{chain.name}”中：上级环节只能选本链的环节。"
                }
            )
        if link is not None:
            path, node = [link.name], parent
            while node is not None:
                path.append(node.name)
                if node.pk == link.pk:
                    raise ValidationError(
                        {
                            "parent": "上级环节不能是本环节或其下级环节（会形成循环："
                            + " → ".join(path)
                            + "）。"
                        }
                    )
                node = node.parent
    short = [k for k in split_keywords(data.get("keywords", "")) if len(k) < 2]
    if short:
        raise ValidationError(
            {"keywords": f"关键词“{'、'.join(short)}”太短，每个关键词至少两个字。"}
        )


@transaction.atomic
def link_save(
    *,
    actor: User | None,
    chain: Chain,
    data: dict[str, Any],
    industries: list[Industry],
    link: Link | None = None,
    recompute: bool = True,
) -> Link:
    """Create (``link`` None) or change a link of ``chain``; its local enterprises are
    placed again by its classes and keywords (manual ones stand)."""
    data = {k: data[k] for k in LINK_FIELDS if k in data}
    data["name"] = (data.get("name") or "").strip()
    _check_link(chain, link, data)
    data["keywords"] = "、".join(split_keywords(data.get("keywords", "")))
    if link is None:
        link = record_create(Link, actor=actor, data={**data, "chain": chain})
    else:
        link = record_update(link, actor=actor, data=data)
    link.industries.set(industries)
    if recompute:
        placements_recompute(actor=actor, chain=chain, links=[link])
    return link


def link_delete(*, actor: User, link: Link) -> None:
    if link.children.exists():
        raise ValidationError(f"环节“{link.name}”下还有下级环节，请先删除或移走下级环节。")
    if link.leads.exists():
        raise ValidationError(f"环节“{link.name}”已登记过线索，不能删除。")
    record_delete(link, actor=actor)


# --- Placements --------------------------------------------------------------------------
def _local() -> Any:
    return Enterprise.objects.live().filter(status=Status.LOCAL)


def rule_matches(link: Link) -> dict[int, str]:
    """Local enterprises a link's rules place on it: enterprise id -> the reason."""
    from zhaoshang.enterprises.queries import SearchTooShort, apply_search

    found: dict[int, str] = {}
    industries = {i.pk: i for i in link.industries.all()}
    if industries:
        through = Enterprise.industries.through
        for eid, iid in (
            through.objects.filter(industry_id__in=list(industries), enterprise__in=_local())
            .values_list("enterprise_id", "industry_id")
            .order_by("industry_id")
        ):
            found.setdefault(eid, f"行业{industries[iid]}")
    for kw in link.keyword_list:
        try:
            ids = apply_search(_local(), kw).order_by().values_list("pk", flat=True)
        except SearchTooShort:
            continue
        for eid in ids:
            found.setdefault(eid, f"名称含“{kw}”")
    return found


@transaction.atomic
def placements_recompute(
    *, actor: User | None, chain: Chain, links: list[Link] | None = None
) -> dict[str, int]:
    """Place the local enterprises on ``chain``'s links (or only ``links``) by their rules.
    Manual placements and manual removals are kept as they are: a removed enterprise is
    not put back, a manually added one stays even when no rule matches it."""
    links = list(links if links is not None else chain.links.prefetch_related("industries"))
    added = dropped = 0
    for link in links:
        wanted = rule_matches(link)
        rows = {
            eid: (pk, source)
            for pk, eid, source in Placement.objects.filter(link=link).values_list(
                "pk", "enterprise_id", "source"
            )
        }
        stale = [
            pk
            for eid, (pk, source) in rows.items()
            if source == Placement.Source.RULE and eid not in wanted
        ]
        dropped += Placement.objects.filter(pk__in=stale).delete()[0]
        new = [
            Placement(link=link, enterprise_id=eid, source=Placement.Source.RULE, reason=why)
            for eid, why in wanted.items()
            if eid not in rows
        ]
        Placement.objects.bulk_create(new, batch_size=2000)
        added += len(new)
    if added or dropped:
        audit_record(
            AuditEvent.Action.UPDATE,
            actor=actor,
            obj=chain,
            detail=f"按规则重新匹配本地企业：新增{added}家次，移出{dropped}家次",
        )
    return {"added": added, "dropped": dropped}


def placements_recompute_all(*, actor: User | None = None) -> dict[str, int]:
    total = {"added": 0, "dropped": 0}
    for chain in Chain.objects.all():
        for k, v in placements_recompute(actor=actor, chain=chain).items():
            total[k] += v
    return total


@transaction.atomic
def placement_add(*, actor: User, link: Link, enterprise: Enterprise, note: str = "") -> Placement:
    """Put a local enterprise on a link by hand (also undoes a manual removal)."""
    if enterprise.merged_into_id is not None or enterprise.status != Status.LOCAL:
        raise ValidationError(
            f"“{enterprise.name}”在企业库中不是本地企业（已落地），不能放入环节；"
            "目标企业请在“推荐目标企业”中登记线索。"
        )
    placement, _ = Placement.objects.update_or_create(
        link=link,
        enterprise=enterprise,
        defaults={
            "source": Placement.Source.MANUAL,
            "removed": False,
            "reason": (note or "人工加入")[:200],
            "created_by": actor,
        },
    )
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=link,
        detail=f"人工加入本地企业“{enterprise.name}”",
    )
    return placement


@transaction.atomic
def placement_remove(*, actor: User, link: Link, enterprise: Enterprise, note: str = "") -> None:
    """Take an enterprise off a link by hand; later recomputations leave it off."""
    Placement.objects.update_or_create(
        link=link,
        enterprise=enterprise,
        defaults={
            "source": Placement.Source.MANUAL,
            "removed": True,
            "reason": (note or "人工移出")[:200],
            "created_by": actor,
        },
    )
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=link,
        detail=f"人工移出本地企业“{enterprise.name}”",
    )


# --- Settings ----------------------------------------------------------------------------
@transaction.atomic
def weights_update(*, actor: User, weights: dict[str, int]) -> TargetSettings:
    row = TargetSettings.current()
    before = dict(row.weights)
    for key, value in weights.items():
        if not -100 <= int(value) <= 100:
            raise ValidationError({key: "权重应在 -100 到 100 之间。"})
    row.weights = {k: int(v) for k, v in weights.items()}
    row.save()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=row,
        changes={k: [before.get(k), v] for k, v in row.weights.items() if before.get(k) != v},
        detail="修改目标企业推荐权重",
    )
    return row


# --- 登记线索 ----------------------------------------------------------------------------
@transaction.atomic
def target_register_lead(
    *,
    actor: User,
    link: Link,
    enterprise: Enterprise,
    library: Any,
    today: datetime.date | None = None,
) -> Project:
    """Register a lead on a target of ``link`` through the leads service (its attribution
    rules: ``LeadHeld`` when a unit holds the enterprise), method 产业链招商, and keep the
    chain, link, score and reasons beside it."""
    from zhaoshang.pipeline.leads.services import lead_register
    from zhaoshang.pipeline.models import Method

    chain = link.chain
    if not library.filter(pk=enterprise.pk, status=Status.TARGET).exists():
        raise ValidationError(
            f"“{enterprise.name}”不是企业库中的目标企业，不能作为本环节的推荐对象登记线索。"
        )
    target = next(
        (t for t in _targets_of(link, library, enterprise) if t.enterprise_id == enterprise.pk),
        None,
    )
    industries = list(link.industries.all())
    data: dict[str, Any] = {
        "method": Method.CHAIN,
        "key_industry": link.key_industry or chain.key_industry,
        "industry": industries[0] if industries else None,
        "description": f"产业链招商：{chain.name}·{link.name}"
        + (f"。推荐理由：{'；'.join(t for t, _ in target.reasons)}" if target else ""),
    }
    project = lead_register(actor=actor, data=data, enterprise=enterprise, today=today)
    ChainLead.objects.create(
        project=project,
        link=link,
        score=target.score if target else 0,
        reasons=[[t, p] for t, p in target.reasons] if target else [],
        created_by=actor,
    )
    return project


def _targets_of(link: Link, library: Any, enterprise: Enterprise) -> list[ranking.Target]:
    """The ranking of ``enterprise`` alone for ``link`` (its score and reasons)."""
    industries = list(link.industries.all())
    return ranking.rank(
        library.filter(pk=enterprise.pk),
        industry_ids=[i.pk for i in industries],
        industry_names={i.pk: str(i) for i in industries},
        keywords=link.keyword_list,
        key_industry_ids=[k for k in [link.key_industry_id, link.chain.key_industry_id] if k],
        limit=1,
        only=enterprise.pk,
    )


def chains_enterprise_merge(*, actor: Any, survivor: Any, duplicate: Any) -> dict[str, int]:
    """An enterprise merge: the duplicate's places on links become the survivor's, each
    with its audit line. Where the survivor already sits on that link (or was removed
    from it by hand), the survivor's row stands and the duplicate's goes: one enterprise,
    one row per link, and the survivor's own placement decided."""
    detail = f"企业合并：“{duplicate.name}”并入“{survivor.name}”"
    taken = set(Placement.objects.filter(enterprise=survivor).values_list("link_id", flat=True))
    moved = 0
    for row in Placement.objects.filter(enterprise=duplicate).order_by("pk"):
        if row.link_id in taken:
            record_delete(row, actor=actor, detail=detail)
            continue
        Placement.objects.filter(pk=row.pk).update(enterprise=survivor)
        audit_record(
            AuditEvent.Action.UPDATE,
            actor=actor,
            obj=row,
            changes={"enterprise": [duplicate.name, survivor.name]},
            detail=detail,
        )
        moved += 1
    return {str(Placement._meta.verbose_name): moved}

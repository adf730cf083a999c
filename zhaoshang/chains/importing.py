"""A chain from Excel: one row per link (产业链, 环节, 上级环节, 链上位置, 行业代码, 关键词,
重点产业), through the common import (upload → mapping → dry run → commit). A chain or
link is known by its name, so the same file imported twice changes nothing. Bad input is
refused row by row: unknown classes or key industries, a parent that is in another chain
or nowhere, a cycle of parents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from zhaoshang.common.imports import Column, JobImport, RowError, register
from zhaoshang.reference.models import KeyIndustry

from . import services
from .models import Chain, Link, Position, split_keywords

POSITIONS = {label: value for value, label in Position.choices} | {v: v for v in Position.values}


def _text(value: Any) -> str:
    return str(value).strip()


def _position(value: Any) -> str:
    text = _text(value)
    if text not in POSITIONS:
        raise ValueError(f"链上位置“{text}”应为 上游、中游 或 下游")
    return POSITIONS[text]


def _codes(value: Any) -> list:
    try:
        return services.parse_industry_codes(value)
    except ValidationError as exc:
        raise ValueError(exc.message_dict["industries"][0]) from exc


def _key_industry(value: Any) -> KeyIndustry:
    text = _text(value)
    found = KeyIndustry.objects.filter(name=text).first()
    if found is None:
        names = "、".join(KeyIndustry.objects.values_list("name", flat=True))
        raise ValueError(f"重点产业“{text}”不在本区重点产业中（现有：{names}）")
    return found


def _keywords(value: Any) -> str:
    words = split_keywords(_text(value))
    short = [w for w in words if len(w) < 2]
    if short:
        raise ValueError(f"关键词“{'、'.join(short)}”太短，每个关键词至少两个字")
    return "、".join(words)


def _order(value: Any) -> int:
    try:
        number = int(float(_text(value)))
    except ValueError as exc:
        raise ValueError(f"排序“{value}”应为整数") from exc
    if number < 0:
        raise ValueError("排序不能为负数")
    return number


COLUMNS = [
    Column("chain", "产业链", aliases=("产业链名称", "链条"), required=True, parse=_text),
    Column("name", "环节", aliases=("环节名称", "产业链环节"), required=True, parse=_text),
    Column("parent", "上级环节", aliases=("上级", "所属环节"), parse=_text),
    Column("position", "链上位置", aliases=("位置", "上中下游"), parse=_position),
    Column("industries", "行业代码", aliases=("国民经济行业代码", "行业分类"), parse=_codes),
    Column("keywords", "关键词", parse=_keywords),
    Column("key_industry", "重点产业", aliases=("对应重点产业",), parse=_key_industry),
    Column("sort_order", "排序", parse=_order),
]


def _plan(result: Any) -> list[tuple]:
    """Rows in an order that creates parents before children, each with create / update /
    unchanged; a link named twice, a parent in another chain or nowhere, and a cycle of
    parents are errors on their row."""
    rows: dict[tuple[str, str], tuple[int, dict]] = {}
    for number, row in result.rows:
        key = (row["chain"], row["name"])
        if key in rows:
            result.errors.append(
                RowError(number, "环节", f"环节“{row['name']}”与第 {rows[key][0]} 行重复")
            )
            continue
        rows[key] = (number, row)
    chains = {c.name: c for c in Chain.objects.filter(name__in={k[0] for k in rows})}
    existing: dict[tuple[str, str], Link] = {
        (link.chain.name, link.name): link
        for link in Link.objects.filter(chain__name__in=list(chains)).select_related(
            "chain", "parent", "key_industry"
        )
    }
    elsewhere: dict[str, list[str]] = {}
    for chain_name, link_name in Link.objects.values_list("chain__name", "name"):
        elsewhere.setdefault(link_name, []).append(chain_name)
    # The parents once the file is applied: existing links, then the file's rows.
    parent_of = {key: (link.parent.name if link.parent else "") for key, link in existing.items()}
    for key, (_, row) in rows.items():
        parent_of[key] = row.get("parent") or ""
    bad = set()
    for key, (number, row) in rows.items():
        chain_name, name = key
        parent = row.get("parent") or ""
        if parent and (chain_name, parent) not in parent_of:
            others = [c for c in elsewhere.get(parent, []) if c != chain_name]
            message = (
                f"上级环节“{parent}”属于产业链“{'、'.join(others)}”，不在“{chain_name}”中"
                if others
                else f"上级环节“{parent}”在产业链“{chain_name}”中不存在（请先列出上级环节）"
            )
            result.errors.append(RowError(number, "上级环节", message))
            bad.add(key)
            continue
        seen, node = [name], parent
        while node:
            if node in seen:
                result.errors.append(
                    RowError(
                        number,
                        "上级环节",
                        "上级环节形成循环：" + " → ".join([*seen, node]),
                    )
                )
                bad.add(key)
                break
            seen.append(node)
            node = parent_of.get((chain_name, node), "")
    plan, placed = [], {k for k in existing if k not in rows}
    pending = [k for k in rows if k not in bad]
    while pending:
        rest = []
        for key in pending:
            number, row = rows[key]
            parent = row.get("parent") or ""
            if parent and (key[0], parent) not in placed:
                rest.append(key)
                continue
            placed.add(key)
            plan.append((number, _action(existing.get(key), row), row))
        if len(rest) == len(pending):  # a parent row was rejected: its children wait on it
            for key in rest:
                result.errors.append(
                    RowError(
                        rows[key][0], "上级环节", f"上级环节“{rows[key][1]['parent']}”所在行有错误"
                    )
                )
            break
        pending = rest
    return plan


def _action(link: Link | None, row: dict) -> str:
    row = {k: v for k, v in row.items() if v is not None}  # an empty cell: not given
    if link is None:
        return "create"
    same = (
        (link.parent.name if link.parent else "") == (row.get("parent") or "")
        and ("position" not in row or link.position == row["position"])
        and ("keywords" not in row or link.keywords == row["keywords"])
        and ("key_industry" not in row or link.key_industry_id == row["key_industry"].pk)
        and ("sort_order" not in row or link.sort_order == row["sort_order"])
        and (
            "industries" not in row
            or set(link.industries.values_list("pk", flat=True))
            == {i.pk for i in row["industries"]}
        )
    )
    return "unchanged" if same else "update"


def _apply(entry: tuple, actor: Any) -> str:
    _, action, row = entry
    if action == "unchanged":
        return action
    row = {k: v for k, v in row.items() if v is not None}
    chain = Chain.objects.filter(name=row["chain"]).first() or services.chain_create(
        actor=actor, data={"name": row["chain"]}
    )
    link = chain.links.filter(name=row["name"]).first()
    data = {k: row[k] for k in ("position", "keywords", "key_industry", "sort_order") if k in row}
    data["name"] = row["name"]
    data["parent"] = chain.links.get(name=row["parent"]) if row.get("parent") else None
    industries = (
        row["industries"] if "industries" in row else list(link.industries.all()) if link else []
    )
    services.link_save(actor=actor, chain=chain, link=link, data=data, industries=industries)
    return action


CHAINS = register(
    JobImport(
        model="chains.ChainImport",
        columns=COLUMNS,
        plan=_plan,
        apply=_apply,
        validate_row=lambda row, number: [],
        object_type="chains.link",
        what="产业链环节",
        unit="个环节",
        list_url="chains:import_list",
        detail_url="chains:import_detail",
        done_url="chains:chain_list",
        done_label="查看产业链",
        hint="以“产业链+环节名称”识别同一环节，上级环节须在同一条链中（可在文件中先列出），"
        "行业代码填 GB/T 4754-2017 两位大类代码；重复导入同一文件不会产生重复环节。",
    )
)

"""Importing the enterprise lists and ranking lists offices already keep.

Upload (.xlsx, or CSV in UTF-8 or GBK/GB18030) → column mapping (Chinese headers are
recognised) → dry run in the worker: every rejected row with row, column and reason,
and for each good row whether it creates, updates or changes nothing → commit in the
worker, all or nothing. An enterprise is the same when its credit code is the same, or,
without a code, when its normalised name is; so re-importing a file changes nothing."""

import datetime
import itertools
import json
import re
import secrets
from collections import Counter
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from zhaoshang.audit.context import current_ip
from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import imports
from zhaoshang.common.bulk import insert_rows, reserve_ids
from zhaoshang.common.imports import read_table
from zhaoshang.common.progress import progress_get, progress_set
from zhaoshang.org.models import Department
from zhaoshang.reference.models import Industry, KeyIndustry, Region

from . import search
from .models import Enterprise, FormerName, GramFrequency, ImportJob, Ranking, SearchGram, Tag
from .parsing import exact_name, normalize_name, parse_amount, parse_date
from .services import clean_credit_code

BATCH = 1000
OWNERSHIP = {label: value for value, label in Enterprise._meta.get_field("ownership").choices}
STATUS = {
    "目标企业": "target",
    "目标": "target",
    "已落地": "local",
    "本地企业": "local",
    "已落地（本地企业）": "local",
}

# key -> (Chinese header, other headers offices use, required)
ENTERPRISE_COLUMNS = {
    "name": ("企业名称", ("名称", "公司名称", "单位名称"), True),
    "credit_code": ("统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"), False),
    "former_names": ("曾用名", ("原名称",), False),
    "legal_representative": ("法定代表人", ("法人", "法人代表"), False),
    "registered_capital": ("注册资本", ("注册资本（万元）", "注册资金"), False),
    "paid_in_capital": ("实缴资本", ("实缴资本（万元）",), False),
    "founded_on": ("成立日期", ("成立时间", "注册日期"), False),
    "ownership": ("企业性质", ("企业类型", "所有制"), False),
    "listing_exchange": ("上市交易所", ("上市地",), False),
    "stock_code": ("股票代码", ("证券代码",), False),
    "hq_region": ("总部所在地", ("所在地区", "总部"), False),
    "industries": ("国民经济行业", ("行业代码",), False),
    "key_industries": ("重点产业", (), False),
    "tags": ("标签", (), False),
    "website": ("网址", ("官网",), False),
    "description": ("企业简介", ("简介",), False),
    "status": ("状态", (), False),
    "department": ("跟进单位", ("跟进部门",), False),
}
RANKING_COLUMNS = {
    "rank": ("排名", ("名次", "序号"), False),
    "name": ("企业名称", ("公司名称", "名称"), True),
    "credit_code": ("统一社会信用代码", ("信用代码",), False),
}


def columns_for(kind):
    return RANKING_COLUMNS if kind == ImportJob.Kind.RANKING else ENTERPRISE_COLUMNS


def guess_mapping(kind, headers):
    """File column index -> our column key, from the headers offices write."""
    return imports.guess_mapping(columns_for(kind), headers)


# --- Reading files ----------------------------------------------------------------------
_path = imports.job_path


def store(upload, *, kind, user, ranking_kind="", ranking_year=None):
    """Keep the upload, read its header, guess the mapping: a new job awaiting mapping."""
    job = ImportJob(
        kind=kind,
        file_name=upload.name[:200],
        token=secrets.token_hex(16),
        department=user.department,
        created_by=user,
        ranking_kind=ranking_kind,
        ranking_year=ranking_year,
    )
    return imports.store_job(upload, job, columns_for(kind))


# --- Parsing one row --------------------------------------------------------------------
class Lookups:
    """Reference values by the names offices write, loaded once per run."""

    def __init__(self):
        self.regions = {}
        for r in Region.objects.all():
            for name in (r.name, r.short_name):
                if name:
                    self.regions[name] = r.pk
        self.industries = dict(Industry.objects.values_list("code", "pk"))
        self.key_industries = dict(KeyIndustry.objects.values_list("name", "pk"))
        self.tags = dict(Tag.objects.values_list("name", "pk"))
        self.departments = {}
        for pk, name, short in Department.objects.values_list("pk", "name", "short_name"):
            self.departments[name] = pk
            if short:
                self.departments.setdefault(short, pk)
        self.today = timezone.localdate()  # founding dates after it are refused


def _split(value):
    return [v for v in re.split(r"[、,，;；/\s]+", str(value)) if v]


def _lookup(values, table, what):
    unknown = [v for v in values if v not in table]
    if unknown:
        raise ValueError(f"{what}“{'、'.join(unknown)}”不存在")
    return sorted({table[v] for v in values})


def _columns(mapping):
    """[(file column index, key, Chinese label, required)] of a mapping, worked out once
    per run rather than once per row."""
    return [
        (int(index), key, ENTERPRISE_COLUMNS[key][0], ENTERPRISE_COLUMNS[key][2])
        for index, key in mapping.items()
    ]


def parse_row(values, columns, lookups):
    """(cleaned dict, [(column label, reason)]); ``columns`` as ``_columns`` gives them."""
    return imports.parse_cells(
        values, columns, lambda key, raw: _PARSERS[key](raw, str(raw), lookups)
    )


def _parse_founded_on(raw, text, lookups):
    day = parse_date(raw)
    if day and day > lookups.today:
        raise ValueError(f"成立日期“{raw}”晚于今天")
    return day


def _parse_ownership(raw, text, lookups):
    if text not in OWNERSHIP:
        raise ValueError(f"未知的企业性质“{text}”（应为 {'、'.join(OWNERSHIP)}）")
    return OWNERSHIP[text]


def _parse_status(raw, text, lookups):
    if text not in STATUS:
        raise ValueError(f"未知的状态“{text}”（应为 目标企业 或 已落地）")
    return STATUS[text]


def _parse_region(raw, text, lookups):
    if text not in lookups.regions:
        raise ValueError(f"未知的地区“{text}”（填写省份或国家名称）")
    return lookups.regions[text]


def _parse_industries(raw, text, lookups):
    codes = [c.zfill(2) if c.isdigit() and len(c) < 2 else c for c in _split(text)]
    return _lookup(codes, lookups.industries, "国民经济行业代码")


def _parse_department(raw, text, lookups):
    if text not in lookups.departments:
        raise ValueError(f"跟进单位“{text}”不存在")
    return lookups.departments[text]


def _plain(raw, text, lookups):
    return text


# key -> parse(raw cell, its text, lookups): the value, or ValueError with the reason.
_PARSERS = {key: _plain for key in ENTERPRISE_COLUMNS}
_PARSERS.update(
    {
        "name": lambda raw, text, lookups: text[:200],
        "credit_code": lambda raw, text, lookups: clean_credit_code(text),
        # A bare number in a capital column is 万元, as the lists offices keep write it.
        "registered_capital": lambda raw, text, lookups: parse_amount(
            raw, default_multiplier=10000
        ),
        "paid_in_capital": lambda raw, text, lookups: parse_amount(raw, default_multiplier=10000),
        "founded_on": _parse_founded_on,
        "ownership": _parse_ownership,
        "status": _parse_status,
        "hq_region": _parse_region,
        "industries": _parse_industries,
        "key_industries": lambda raw, text, lookups: _lookup(
            _split(text), lookups.key_industries, "重点产业"
        ),
        "tags": lambda raw, text, lookups: _lookup(_split(text), lookups.tags, "标签"),
        "department": _parse_department,
        "former_names": lambda raw, text, lookups: [
            n for n in re.split(r"[、;；\n]+", text) if n.strip()
        ],
    }
)


# --- Running a job ----------------------------------------------------------------------
def _progress(job, done, phase):
    progress_set(f"import:{job.pk}", done, phase)


def progress(job):
    return progress_get(
        f"import:{job.pk}", {"done": job.processed_rows, "phase": job.get_state_display()}
    )


SCALARS = (
    "name",
    "legal_representative",
    "founded_on",
    "ownership",
    "listing_exchange",
    "stock_code",
    "website",
    "description",
    "status",
)
M2M = ("industries", "key_industries", "tags")


def _record(row):
    """Model values of a parsed row (capital split into amount and currency)."""
    out = {k: row[k] for k in SCALARS if k in row}
    for key in ("registered_capital", "paid_in_capital"):
        if key in row and row[key] is not None:
            out[key], out[key.replace("capital", "currency")] = row[key]
    if "credit_code" in row:
        out["credit_code"] = row["credit_code"]
    if "hq_region" in row:
        out["hq_region_id"] = row["hq_region"]
    if "department" in row:
        out["department_id"] = row["department"]
    return out


def _parse_file(job, lookups):
    """Every row of the file parsed and checked on its own and against the file's other
    rows: (errors, [(row number, parsed row)]). The normalised name rides along as
    ``_key``, computed once."""
    columns = _columns(job.mapping)
    headers, rows, _ = read_table(_path(job))
    errors, accepted = [], []
    seen_codes, seen_names = {}, {}
    for done, (number, values) in enumerate(rows, start=1):
        row, row_errors = parse_row(values, columns, lookups)
        if row_errors:
            errors.extend([number, c, m] for c, m in row_errors)
        elif "name" in row:
            code, key = row.get("credit_code"), normalize_name(row["name"])
            # Two rows are one enterprise by the exact name, not the core: 北京甲科技 and
            # 上海甲科技 in one list are two companies.
            exact = exact_name(row["name"])
            twin = seen_codes.get(code) if code else seen_names.get(exact)
            if twin:
                errors.append(
                    [
                        number,
                        "统一社会信用代码" if code else "企业名称",
                        f"与第 {twin} 行是同一企业",
                    ]
                )
            else:
                (seen_codes if code else seen_names)[code or exact] = number
                row["_key"] = key
                accepted.append((number, row))
        if done % BATCH == 0:
            _progress(job, done, "checking")
    return errors, accepted


def _live_with(column, values):
    """Live enterprises whose ``column`` is one of ``values``. On PostgreSQL one array
    parameter (= ANY, the same index scan) rather than a thousand placeholders, which the
    driver splices into the text one by one: half the time of a match, twice per import."""
    qs = Enterprise.objects.live()
    if connection.vendor != "postgresql":
        return qs.filter(**{f"{column}__in": values})
    table = Enterprise._meta.db_table
    # The values go as a parameter; the table and column names are ours.
    return qs.extra(where=[f'"{table}"."{column}" = ANY(%s)'], params=[list(values)])  # noqa: S610


def _match(rows, confirmations=None):
    """Each parsed row against the library as it is now, a thousand at a time.

    The same credit code is the same enterprise. A row that finds a record only by its
    name (a row without a code: any record of the same core; a row with a new code: a
    record of the same core that has none) is the same enterprise only when the user
    says so: it is planned as "confirm" (需确认) with its candidates and changes nothing,
    unless ``confirmations`` ({row number: enterprise id, or "new"}) holds the user's
    decision for it. A row whose name and values are already those of a record of the
    same exact name changes nothing either way, so a file committed once and run again
    needs no second decision.
    (errors, [(row, action, record, m2m, former names, existing enterprise or None,
    candidates)])"""
    confirmations = confirmations or {}
    errors, plan = [], []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        codes = [r["credit_code"] for _, r in batch if r.get("credit_code")]
        by_code = {e.credit_code: e for e in _live_with("credit_code", codes)} if codes else {}
        keys = [r["_key"] for _, r in batch if by_code.get(r.get("credit_code")) is None]
        by_key = {}
        if keys:
            for e in _live_with("dedupe_key", keys).order_by("pk"):
                by_key.setdefault(e.dedupe_key, []).append(e)
        named = {
            number: [
                e
                for e in by_key.get(row["_key"], [])
                if not (row.get("credit_code") and e.credit_code)
            ]
            for number, row in batch
            if by_code.get(row.get("credit_code")) is None
        }
        unchanged = _unchanged_by_name(batch, named)
        for number, row in batch:
            code = row.get("credit_code")
            record = _record(row)
            m2m = {k: row[k] for k in M2M if k in row}
            existing, candidates = by_code.get(code) if code else None, []
            if existing is None and named.get(number):
                candidates = named[number]
                decision = confirmations.get(number, confirmations.get(str(number)))
                if number in unchanged:
                    existing = unchanged[number]
                elif decision is None or decision == "":
                    plan.append((number, "confirm", record, m2m, [], None, candidates))
                    continue
                elif str(decision) != "new":
                    existing = next((e for e in candidates if str(e.pk) == str(decision)), None)
                    if existing is None:
                        errors.append(
                            [
                                number,
                                "企业名称",
                                "确认的企业已不在候选之中（企业库已有变化），请重新试导入后再确认",
                            ]
                        )
                        continue
            if existing is None:
                action = "create"
                record["dedupe_key"] = row["_key"]
            elif any(getattr(existing, k) != v for k, v in record.items()):
                action = "update"
            else:
                action = "m2m"  # decided against the database at commit (cheap there)
            plan.append(
                (number, action, record, m2m, row.get("former_names", []), existing, candidates)
            )
    return errors, plan


def _unchanged_by_name(batch, named):
    """{row number: record} for rows matched by name only whose exact name and values
    are already a record's, links and former names included: nothing to decide."""
    out = {}
    rows = dict(batch)
    for number, candidates in named.items():
        row = rows[number]
        record = _record(row)
        exact = exact_name(row["name"])
        for e in candidates:
            if exact_name(e.name) == exact and all(getattr(e, k) == v for k, v in record.items()):
                out[number] = e
                break
    if not out:
        return out
    ids = [e.pk for e in out.values()]
    links = _current_links(ids, set(M2M))
    formers = set(
        FormerName.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "dedupe_key")
    )
    for number, e in list(out.items()):
        row = rows[number]
        if any(set(row[k]) != links[k].get(e.pk, set()) for k in M2M if k in row) or any(
            (e.pk, normalize_name(n)) not in formers for n in row.get("former_names", [])
        ):
            del out[number]
    return out


def _plan(job, lookups, *, keep=False, confirmations=None):
    """Every row parsed and matched: (errors, plan). With ``keep`` (the dry run), the
    accepted rows are kept beside the upload for the commit."""
    errors, rows = _parse_file(job, lookups)
    if keep and not errors:
        _keep_checked(job, rows)
    match_errors, plan = _match(rows, confirmations)
    # Row order, whichever step found the fault.
    return sorted(errors + match_errors, key=lambda e: e[0]), plan


# --- The checked rows, kept from the dry run for the commit ---------------------------
# The dry run has read and checked every row; the commit takes those rows instead of
# reading the file again (reading and checking is half the cost of an import). It still
# matches them against the library as it is then, so an enterprise registered between
# the dry run and the commit is updated, not duplicated. The kept rows are plain JSON,
# stamped with the file's size and time and the mapping they were checked with; when
# any differs, or a reference value they point at is gone, the commit reads the file.
_AMOUNTS = ("registered_capital", "paid_in_capital")


def _checked_path(job):
    return _path(job).with_name(f"{job.token}.checked.jsonl")


def _stamp(job):
    stat = _path(job).stat()
    return {"format": 1, "mapping": job.mapping, "size": stat.st_size, "mtime": stat.st_mtime_ns}


def _encode(row):
    out = dict(row)
    for key in _AMOUNTS:
        if out.get(key) is not None:
            out[key] = [str(out[key][0]), out[key][1]]
    if out.get("founded_on") is not None:
        out["founded_on"] = out["founded_on"].isoformat()
    return out


def _decode(row):
    for key in _AMOUNTS:
        if row.get(key) is not None:
            row[key] = (Decimal(row[key][0]), row[key][1])
    if row.get("founded_on") is not None:
        row["founded_on"] = datetime.date.fromisoformat(row["founded_on"])
    return row


def _keep_checked(job, rows):
    path = _checked_path(job)
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(_stamp(job)) + "\n")
        for number, row in rows:
            out.write(json.dumps([number, _encode(row)], ensure_ascii=False) + "\n")
    partial.replace(path)


def _references_exist(rows, lookups):
    """Every unit, region, industry, key industry and tag a kept row names still exists."""
    known = {
        "department": set(lookups.departments.values()),
        "hq_region": set(lookups.regions.values()),
        "industries": set(lookups.industries.values()),
        "key_industries": set(lookups.key_industries.values()),
        "tags": set(lookups.tags.values()),
    }
    for _, row in rows:
        for key, ids in known.items():
            value = row.get(key)
            if value is None:
                continue
            if not (set(value) <= ids if isinstance(value, list) else value in ids):
                return False
    return True


def _checked_rows(job, lookups):
    """The rows the dry run accepted, or None when they must be read again."""
    try:
        with _checked_path(job).open(encoding="utf-8") as kept:
            if json.loads(next(kept)) != _stamp(job):
                return None
            rows = [(number, _decode(row)) for number, row in map(json.loads, kept)]
    except (OSError, StopIteration, ValueError):
        return None
    return rows if _references_exist(rows, lookups) else None


def check(job):
    """The dry run: nothing is written but the job's own report (and its checked rows)."""
    lookups = Lookups()
    missing = [
        v[0] for k, v in columns_for(job.kind).items() if v[2] and k not in job.mapping.values()
    ]
    if missing:
        errors, plan = [[1, m, f"缺少必需的列“{m}”（请在列对应中指定）"] for m in missing], []
    elif job.kind == ImportJob.Kind.RANKING:
        errors, plan = _ranking_plan(job)
    else:
        errors, plan = _plan(job, lookups, keep=True)
    counts = Counter(action for _, action, *_ in plan)
    summary = {
        "create": counts["create"],
        "update": counts["update"],
        "same": counts["m2m"] + counts["match"],
        "unmatched": counts["unmatched"],
        "unmatched_names": [p[2]["name"] for p in plan if p[1] == "unmatched"][:200],
        "confirm": counts["confirm"],
        # What the dry-run page shows for each row to confirm (the first 500).
        "to_confirm": [
            {
                "row": p[0],
                "name": p[2]["name"],
                "candidates": [_candidate(e, p[2]["name"]) for e in p[6]],
            }
            for p in plan
            if p[1] == "confirm"
        ][:500],
    }
    # The rows actually read (the upload only estimated them from the sheet's dimension).
    total = len(plan) + len({e[0] for e in errors if e[0] > 1}) or job.total_rows
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.CHECKED,
        errors=errors[:5000],
        summary=summary,
        processed_rows=total,
        total_rows=total,
    )
    _progress(job, total, "checked")


def _candidate(enterprise, name):
    same = exact_name(enterprise.name) == exact_name(name)
    return {
        "id": enterprise.pk,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code or "",
        "reason": "名称相同" if same else "名称相近（地区、组织形式或分支机构不同）",
    }


@transaction.atomic
def commit(job, *, actor, create_unmatched=False, confirmations=None):
    """Apply the file: all rows or, when any is rejected, none. ``confirmations``: the
    user's decision for rows the dry run found by name only ({row number: enterprise id
    or "new"}); such a row without one is left out and changes nothing."""
    lookups = Lookups()
    if job.kind == ImportJob.Kind.RANKING:
        errors, plan = _ranking_plan(job)
    else:
        rows = _checked_rows(job, lookups)
        if rows is None:
            errors, plan = _plan(job, lookups, confirmations=confirmations)
        else:
            errors, plan = _match(rows, confirmations)
    if errors:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.CHECKED, errors=errors[:5000]
        )
        return None
    if job.kind == ImportJob.Kind.RANKING:
        counts = _commit_ranking(job, plan, actor=actor, create_unmatched=create_unmatched)
    else:
        counts = _commit_enterprises(job, plan, actor=actor)
    audit_record(
        AuditEvent.Action.IMPORT,
        actor=actor,
        obj=job,
        detail=f"{job.get_kind_display()}导入“{job.file_name}”："
        + "，".join(f"{k} {v}" for k, v in counts.items()),
    )
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        summary={**job.summary, "result": counts},
        finished_at=timezone.now(),
        processed_rows=job.total_rows,
    )
    _progress(job, job.total_rows, "done")
    transaction.on_commit(lambda: _checked_path(job).unlink(missing_ok=True))
    return counts


# From this many new or changed enterprises on, an import refreshes the search tables'
# statistics itself instead of waiting for autovacuum (which a server may run late or
# not at all): searches then plan for the new rows and read postings from the index.
SETTLE_ROWS = 10_000


def settle(counts):
    """After a large import has committed (outside its transaction): VACUUM ANALYZE of
    the enterprise and search tables on PostgreSQL. The imported rows are already
    visible; this only keeps the next searches as fast as before. Returns True when run."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block or not counts:
        return False  # VACUUM cannot run inside a transaction
    if counts.get("新增", 0) + counts.get("更新", 0) < SETTLE_ROWS:
        return False
    tables = [m._meta.db_table for m in (Enterprise, SearchGram, GramFrequency, FormerName)]
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return True


def _audit_line(actor, pk, name, action, changes, detail):
    """One audit row per enterprise an import touches, inserted in bulk."""
    return {
        "user_id": actor.pk,
        "username": actor.username,
        "ip": current_ip.get(),
        "action": action,
        "object_type": "enterprises.enterprise",
        "object_id": str(pk),
        "object_repr": name[:255],
        "changes": changes,
        "detail": detail,
    }


def _current_links(ids, m2m_names):
    """{m2m name: {enterprise id: set of linked ids}} for existing enterprises, one query
    per relation for a whole batch."""
    out = {}
    for name in m2m_names:
        field = Enterprise._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        links = {}
        for pk, other in through.objects.filter(enterprise_id__in=ids).values_list(
            "enterprise_id", f"{target}_id"
        ):
            links.setdefault(pk, set()).add(other)
        out[name] = links
    return out


def _set_links(changes):
    """Replace links: ``changes`` is [(m2m name, enterprise id, new ids, old ids)]."""
    by_name = {}
    for name, pk, new, old in changes:
        by_name.setdefault(name, []).append((pk, set(new), old))
    for name, items in by_name.items():
        field = Enterprise._meta.get_field(name)
        through = field.remote_field.through
        target = f"{field.m2m_reverse_field_name()}_id"
        for pk, new, old in items:
            if old - new:
                through.objects.filter(enterprise_id=pk, **{f"{target}__in": old - new}).delete()
        through.objects.bulk_create(
            [
                through(enterprise_id=pk, **{target: other})
                for pk, new, old in items
                for other in sorted(new - old)
            ],
            batch_size=BATCH,
        )


def _commit_enterprises(job, plan, *, actor):
    """New enterprises all at once (``_create_all``); changed rows updated one statement
    each, their links, former names and audit lines a thousand rows at a time."""
    counts = Counter()
    audit_rows = []
    creates = [p for p in plan if p[1] == "create"]
    created = []  # (id, name) of each new enterprise, for its audit line
    if creates:
        counts["新增"] = len(creates)
        created = _create_all(creates, actor=actor)
        _progress(job, len(creates), "importing")
    # Rows found by name only that the user did not confirm: left as they are.
    if unconfirmed := sum(1 for p in plan if p[1] == "confirm"):
        counts["待确认未导入"] = unconfirmed
    others = [p for p in plan if p[1] not in ("create", "confirm")]
    for start in range(0, len(others), BATCH):
        chunk = others[start : start + BATCH]
        existing_ids = [p[5].pk for p in chunk]
        m2m_names = {n for p in chunk for n in p[3]}
        links = _current_links(existing_ids, m2m_names)
        formers_known = set()
        # Former names the enterprises already have (a rename by import adds one too).
        if any(p[4] or p[1] == "update" for p in chunk):
            formers_known = set(
                FormerName.objects.filter(enterprise_id__in=existing_ids).values_list(
                    "enterprise_id", "dedupe_key"
                )
            )
        link_changes, formers, touched = [], [], []
        for _, action, record, m2m, former, existing, _candidates in chunk:
            pk, name = existing.pk, existing.name
            changed = False
            if action == "update":
                e = existing
                changes = {
                    k: [str(getattr(e, k)), str(v)] for k, v in record.items() if getattr(e, k) != v
                }
                renamed = record.get("name", e.name) != e.name
                if renamed:
                    # As a rename on the page: the old name stays findable as a former name.
                    former = [*former, e.name]
                for k, v in record.items():
                    setattr(e, k, v)
                e.dedupe_key = normalize_name(e.name)
                e.version += 1
                Enterprise.objects.filter(pk=e.pk).update(
                    **record, dedupe_key=e.dedupe_key, version=e.version
                )
                audit_rows.append(_audit_line(actor, pk, e.name, "update", changes, "Excel 导入"))
                name = e.name
                if renamed:
                    touched.append(pk)
            for field_name, ids in m2m.items():
                old = links.get(field_name, {}).get(pk, set())
                if set(ids) != old:
                    link_changes.append((field_name, pk, ids, old))
                    changed = True
            for former_name in former:
                key = normalize_name(former_name)
                if (pk, key) not in formers_known:
                    formers_known.add((pk, key))
                    formers.append(FormerName(enterprise_id=pk, name=former_name, dedupe_key=key))
                    touched.append(pk)
                    changed = True
            if action == "update" or changed:
                counts["更新"] += 1
                if action != "update":
                    audit_rows.append(
                        _audit_line(
                            actor, pk, name, "update", {}, "Excel 导入（产业、标签或曾用名）"
                        )
                    )
            else:
                counts["未变化"] += 1
        _set_links(link_changes)
        FormerName.objects.bulk_create(formers, batch_size=BATCH)
        if touched:
            for e in Enterprise.objects.filter(pk__in=set(touched)):
                names = list(e.former_names.values_list("name", flat=True))
                Enterprise.objects.filter(pk=e.pk).update(
                    search_text=search.search_text_of(e.name, names),
                    initials=search.initials_of(e.name),
                )
            search.reindex(set(touched))
        _progress(job, len(creates) + min(start + BATCH, len(others)), "importing")
    # The new enterprises' audit lines are made as the COPY sends them.
    new_lines = (
        _audit_line(actor, pk, name, "create", {"企业名称": [None, name]}, "Excel 导入")
        for pk, name in created
    )
    insert_rows(
        AuditEvent, itertools.chain(new_lines, audit_rows), count=len(created) + len(audit_rows)
    )
    return dict(counts)


def _create_all(creates, *, actor):
    """Insert the new enterprises of a plan, their search postings, links and former
    names; returns their (id, name) pairs.

    One COPY of the enterprises (PostgreSQL), whose search text and initials are worked
    out row by row as the COPY is sent, so the database indexes one row while Python
    prepares the next; then one COPY of all their postings in gram order, built per gram
    (the bigram counts fall out of it), not per posting. The normalised name is the dry
    run's (``dedupe_key`` in the record), not worked out again."""
    # On PostgreSQL the keys are taken first, so that each row's postings are gathered
    # while the COPY sends it; elsewhere once the rows have their keys.
    ids = reserve_ids(Enterprise, len(creates)) if connection.vendor == "postgresql" else None
    by_gram, texts = {}, []

    def add_postings(pk, text):
        for gram in search.grams_of(text):
            pks = by_gram.get(gram)
            if pks is None:
                by_gram[gram] = [pk]
            else:
                pks.append(pk)

    def rows():
        for i, (_, _, record, _, former, _, _) in enumerate(creates):
            name = record["name"]
            text = search.search_text_of(name, former)
            if ids is None:
                texts.append(text)
            else:
                add_postings(ids[i], text)
            yield {
                **record,
                "created_by_id": actor.pk,
                "search_text": text,
                "initials": search.initials_of(name),
            }

    ids = insert_rows(Enterprise, rows(), count=len(creates), ids=ids)
    for pk, text in zip(ids, texts, strict=False):  # SQLite: texts kept, keys known now
        add_postings(pk, text)
    search.insert_postings_by_gram(by_gram)
    search._bump({gram: len(pks) for gram, pks in by_gram.items()})
    link_changes, formers, created = [], [], []
    for pk, (_, _, record, m2m, former, _, _) in zip(ids, creates, strict=True):
        name = record["name"]
        for field_name, linked in m2m.items():
            if linked:
                link_changes.append((field_name, pk, linked, set()))
        keys = set()
        for former_name in former:
            key = normalize_name(former_name)
            if key not in keys:
                keys.add(key)
                formers.append(FormerName(enterprise_id=pk, name=former_name, dedupe_key=key))
        created.append((pk, name))
    _set_links(link_changes)
    FormerName.objects.bulk_create(formers, batch_size=BATCH)
    return created


# --- Ranking lists ----------------------------------------------------------------------
def _ranking_plan(job):
    headers, rows, _ = read_table(_path(job))
    errors, plan = [], []
    index = {key: int(i) for i, key in job.mapping.items()}
    for number, values in rows:

        def cell(key, values=values):
            i = index.get(key)
            v = values[i] if i is not None and i < len(values) else None
            return v.strip() if isinstance(v, str) else v

        name, rank, code = cell("name"), cell("rank"), cell("credit_code")
        if not name:
            errors.append([number, "企业名称", "“企业名称”不能为空"])
            continue
        try:
            rank = int(float(str(rank))) if rank not in (None, "") else None
            code = clean_credit_code(code)
        except ValueError:
            errors.append([number, "排名", f"名次“{rank}”不是整数"])
            continue
        except Exception as exc:
            errors.append(
                [number, "统一社会信用代码", "；".join(getattr(exc, "messages", [str(exc)]))]
            )
            continue
        match = None
        if code:
            match = Enterprise.objects.live().filter(credit_code=code).first()
        if match is None:
            # The same exact name (current or former), not only the same core: a
            # ranking of 万科企业股份有限公司 is not 万科集团有限公司's.
            key, exact = normalize_name(str(name)), exact_name(str(name))
            match = next(
                (
                    e
                    for e in Enterprise.objects.live().filter(dedupe_key=key)
                    if exact_name(e.name) == exact
                ),
                None,
            ) or next(
                (
                    f.enterprise
                    for f in FormerName.objects.filter(
                        dedupe_key=key, enterprise__merged_into__isnull=True
                    ).select_related("enterprise")
                    if exact_name(f.name) == exact
                ),
                None,
            )
        plan.append(
            (
                number,
                "match" if match else "unmatched",
                {"name": str(name), "rank": rank, "code": code},
                match,
            )
        )
    return errors, plan


def _commit_ranking(job, plan, *, actor, create_unmatched):
    from .services import enterprise_create, ranking_set

    counts = Counter()
    for _, _action, row, match in plan:
        if match is None:
            if not create_unmatched:
                counts["未匹配跳过"] += 1
                continue
            match = enterprise_create(
                actor=actor,
                data={"name": row["name"], "credit_code": row["code"]},
                confirm_duplicates=True,
            )
            counts["新增企业"] += 1
        existing = Ranking.objects.filter(
            enterprise=match, kind=job.ranking_kind, year=job.ranking_year
        ).first()
        if existing and existing.rank == row["rank"]:
            counts["未变化"] += 1
            continue
        ranking_set(
            actor=actor,
            enterprise=match,
            kind=job.ranking_kind,
            year=job.ranking_year,
            rank=row["rank"],
        )
        counts["登记排名"] += 1
    return dict(counts)

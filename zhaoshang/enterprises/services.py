"""Every write to the enterprise library: create and update with code validation and
duplicate control, former names, rankings, contacts, and merging two records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record, diff, snapshot
from zhaoshang.common.errors import Conflict
from zhaoshang.common.imports import job_step_start, send_phase
from zhaoshang.common.records import record_update

from . import search
from .models import Contact, Enterprise, FormerName, ImportJob, Ranking, SearchGram
from .parsing import exact_name, normalize_name

if TYPE_CHECKING:
    from django.db import models

    from zhaoshang.org.models import User

SIMILARITY_THRESHOLD = 85


# A code already written in canonical form (18 characters, 8 digits then the code's own
# alphabet), checked here directly: an import checks 100,000 of them, and python-stdnum's
# general cleaning (Unicode dash folding and the like) costs ten times more. Anything
# else, and any code whose check digit is wrong, goes through stdnum for its error.
_USCC_CANONICAL = re.compile(r"[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}")
_USCC_VALUES = {c: i for i, c in enumerate(uscc._alphabet)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _canonical_uscc(text):
    if not _USCC_CANONICAL.fullmatch(text):
        return False
    values = _USCC_VALUES
    total = sum(values[c] * w for c, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    return uscc._alphabet[(31 - total) % 31] == text[17]


def clean_credit_code(value: Any) -> str | None:
    """The code in canonical form, or None for blank; a Chinese ValidationError when the
    code is not a valid unified social credit code (GB 32100-2015)."""
    if not value or not str(value).strip():
        return None
    if isinstance(value, str) and _canonical_uscc(value):
        return value
    try:
        return uscc.validate(str(value))
    except InvalidLength as exc:
        raise ValidationError(f"统一社会信用代码“{value}”应为 18 位。", code="uscc_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            f"统一社会信用代码“{value}”校验位不正确，请核对。", code="uscc_checksum"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            f"统一社会信用代码“{value}”格式不正确（前 8 位为数字，其余为数字或大写字母，不含 I、O、Z、S、V）。",
            code="uscc_format",
        ) from exc


@dataclass
class Candidate:
    enterprise: Enterprise
    reason: str
    score: int


class DuplicateFound(Conflict, ValidationError):
    """Likely duplicates exist; the user must look and decide before saving."""

    def api_extra(self) -> dict[str, Any]:
        return {
            "candidates": [
                {"id": c.enterprise.pk, "name": c.enterprise.name, "reason": c.reason}
                for c in self.candidates
            ]
        }

    def __init__(self, candidates):
        self.candidates = candidates
        names = "、".join(f"“{c.enterprise.name}”（{c.reason}）" for c in candidates[:5])
        super().__init__(
            f"企业库中可能已有该企业：{names}。请核对后决定是否仍要新增。", code="duplicate"
        )


def find_duplicates(
    name: str, credit_code: str | None = None, *, exclude: int | None = None, limit: int = 10
) -> list[Candidate]:
    """Likely duplicates of a new or edited enterprise, best first: the same credit code;
    the same name ("名称相同": ``exact_name`` agrees, for the current or a former name);
    the same core written otherwise (another place, legal form or branch: offered, never
    called the same); a similar core (rapidfuzz ratio ≥ 85, numbers agreeing)."""
    found = {}
    live = Enterprise.objects.live()
    if exclude is not None:
        live = live.exclude(pk=exclude)
    if credit_code:
        for e in live.filter(credit_code=credit_code):
            found[e.pk] = Candidate(e, "统一社会信用代码相同", 100)
    key = normalize_name(name)
    if not key:
        return sorted(found.values(), key=lambda c: -c.score)[:limit]
    exact = exact_name(name)
    for e in live.filter(dedupe_key=key):
        if exact_name(e.name) == exact:
            found.setdefault(e.pk, Candidate(e, "名称相同", 99))
        else:
            found.setdefault(e.pk, Candidate(e, SAME_CORE, 97))
    formers = FormerName.objects.filter(
        dedupe_key=key, enterprise__merged_into__isnull=True
    ).select_related("enterprise")
    for f in formers:
        if f.enterprise_id != exclude:
            same = exact_name(f.name) == exact
            reason = f"与其曾用名“{f.name}”" + ("相同" if same else "相近")
            found.setdefault(f.enterprise_id, Candidate(f.enterprise, reason, 98 if same else 96))
    similar = {
        pk: hit
        for pk, hit in search.similar_cores(key, SIMILARITY_THRESHOLD).items()
        if pk not in found
        and pk != exclude
        # "第一分公司"/"第二分公司" look alike but are not the same; numbers decide.
        and _numbers(key) == _numbers(hit[1])
    }
    best = sorted(similar, key=lambda pk: -similar[pk][0])[:limit]
    for e in live.filter(pk__in=best).only("pk", "name", "dedupe_key"):
        score = similar[e.pk][0]
        # Below the same-core candidates: a similar core is the weakest sign.
        found[e.pk] = Candidate(e, f"名称相似度 {score}%", min(score, 95))
    return sorted(found.values(), key=lambda c: (-c.score, c.enterprise.pk))[:limit]


# Same core, other exact name: another place, legal form (集团/股份) or branch, or the
# same company written with or without its place. The user judges.
SAME_CORE = "名称相近（地区、组织形式或分支机构不同）"


def _numbers(text):
    return re.findall(r"\d+|[一二三四五六七八九十百零]+(?=[号分厂店所部])", text)


def _keys(enterprise):
    former = list(enterprise.former_names.values_list("name", flat=True)) if enterprise.pk else []
    enterprise.dedupe_key = normalize_name(enterprise.name)
    enterprise.search_text = search.search_text_of(enterprise.name, former)
    enterprise.initials = search.initials_of(enterprise.name)


FIELDS_M2M = ("industries", "key_industries", "tags")


@transaction.atomic
def enterprise_create(
    *, actor: User | None, data: dict[str, Any], confirm_duplicates: bool = False
) -> Enterprise:
    """A new enterprise. ``confirm_duplicates``: the user has seen the likely duplicates
    and decided this is a different enterprise (a same credit code is never allowed)."""
    data = dict(data)
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": "企业名称不能为空。"})
    data["name"] = data["name"].strip()
    data["credit_code"] = clean_credit_code(data.get("credit_code"))
    candidates = find_duplicates(data["name"], data["credit_code"])
    same_code = [c for c in candidates if c.score == 100]
    if same_code:
        raise ValidationError(
            {
                "credit_code": f"统一社会信用代码 {data['credit_code']} 已登记为“{same_code[0].enterprise.name}”。"
            }
        )
    if candidates and not confirm_duplicates:
        raise DuplicateFound(candidates)
    m2m = {k: data.pop(k) for k in FIELDS_M2M if k in data}
    enterprise = Enterprise(
        **data, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    _keys(enterprise)
    enterprise.full_clean()
    enterprise.save()
    for name, values in m2m.items():
        getattr(enterprise, name).set(values)
    search.reindex([enterprise.pk])
    fields = [*data, *m2m]
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=enterprise,
        changes=diff({}, snapshot(enterprise, fields)),
        detail="确认与疑似重复企业不同，仍新增" if candidates else "",
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, data: dict[str, Any], version: int
) -> Enterprise:
    data = dict(data)
    if "credit_code" in data:
        data["credit_code"] = clean_credit_code(data["credit_code"])
        if data["credit_code"]:
            other = (
                Enterprise.objects.filter(credit_code=data["credit_code"])
                .exclude(pk=enterprise.pk)
                .first()
            )
            if other is not None:
                raise ValidationError(
                    {"credit_code": f"该统一社会信用代码已登记为“{other.name}”。"}
                )
    old_name = Enterprise.objects.filter(pk=enterprise.pk).values_list("name", flat=True).first()
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise ValidationError({"name": "企业名称不能为空。"})
        enterprise.name = data["name"]
        if old_name and old_name != data["name"]:
            # A renamed enterprise keeps its old name, so searches by it still find it.
            FormerName.objects.get_or_create(
                enterprise=enterprise,
                dedupe_key=normalize_name(old_name),
                defaults={"name": old_name},
            )
    _keys(enterprise)
    data.update(
        dedupe_key=enterprise.dedupe_key,
        search_text=enterprise.search_text,
        initials=enterprise.initials,
    )
    enterprise = record_update(enterprise, actor=actor, data=data, version=version)
    search.reindex([enterprise.pk])
    return enterprise


def former_name_add(*, actor: User, enterprise: Enterprise, name: str) -> FormerName:
    key = normalize_name(name)
    former, created = FormerName.objects.get_or_create(
        enterprise=enterprise, dedupe_key=key, defaults={"name": name}
    )
    if created:
        _keys(enterprise)
        Enterprise.objects.filter(pk=enterprise.pk).update(search_text=enterprise.search_text)
        search.reindex([enterprise.pk])
        audit_record(
            AuditEvent.Action.UPDATE, actor=actor, obj=enterprise, changes={"曾用名": [None, name]}
        )
    return former


def ranking_set(
    *, actor: User, enterprise: Enterprise, kind: str, year: int, rank: int | None = None
) -> Ranking:
    ranking, created = Ranking.objects.update_or_create(
        enterprise=enterprise, kind=kind, year=year, defaults={"rank": rank}
    )
    audit_record(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        actor=actor,
        obj=enterprise,
        changes={"榜单": [None, str(ranking)]},
    )
    return ranking


def contact_add(*, actor: User, enterprise: Enterprise, data: dict[str, Any]) -> Contact:
    contact = Contact(enterprise=enterprise, created_by=actor, **data)
    contact.full_clean()
    contact.save()
    audit_record(
        AuditEvent.Action.CREATE, actor=actor, obj=contact, changes={"联系人": [None, contact.name]}
    )
    return contact


# Records of other modules that point at an enterprise follow a merge through their own
# module's service, registered here from its AppConfig.ready (this app may not import
# theirs): ``fn(*, actor, survivor, duplicate)`` re-points its records to the survivor
# with an audit line per moved record and returns ``{what: count}``, or raises a Chinese
# ValidationError to refuse the merge (the whole merge then rolls back).
# Moves a model's records from the duplicate to the survivor: fn(actor=…, survivor=…,
# duplicate=…) -> {verbose name: records moved}.
MergeHandler = Callable[..., dict[str, int]]
MERGE_HANDLERS: dict[type[models.Model], MergeHandler] = {}


def register_merge(model: type[models.Model], fn: MergeHandler) -> MergeHandler:
    """``model`` (its records point at an enterprise) moves on a merge through ``fn``."""
    MERGE_HANDLERS[model] = fn
    return fn


def contacts_merge(*, actor: User, survivor: Enterprise, duplicate: Enterprise) -> dict[str, int]:
    """The duplicate's contacts become the survivor's, each with its audit line."""
    moved = 0
    for contact in Contact.objects.filter(enterprise=duplicate).order_by("pk"):
        Contact.objects.filter(pk=contact.pk).update(enterprise=survivor)
        audit_record(
            AuditEvent.Action.UPDATE,
            actor=actor,
            obj=contact,
            changes={"enterprise": [duplicate.name, survivor.name]},
            detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”",
        )
        moved += 1
    return {str(Contact._meta.verbose_name): moved}


register_merge(Contact, contacts_merge)
# Kept by the merge itself: names become former names, rankings are moved where the
# survivor lacks that list and year, postings are rebuilt, merged rows follow.
MERGE_OWN = (Enterprise, SearchGram, FormerName, Ranking)


def _merge_handlers():
    """The handler of every model pointing at an enterprise; a model without one stops
    the merge rather than leave its records on the merged row."""
    handlers = []
    for rel in Enterprise._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or model in MERGE_OWN:
            continue
        if model not in MERGE_HANDLERS:
            raise ValidationError(
                f"“{model._meta.verbose_name}”的记录没有合并办法，暂不能合并企业，请联系系统管理员。"
            )
        if MERGE_HANDLERS[model] not in handlers:
            handlers.append(MERGE_HANDLERS[model])
    return handlers


@transaction.atomic
def enterprise_merge(*, actor: User, survivor: Enterprise, duplicate: Enterprise) -> Enterprise:
    """Join ``duplicate`` into ``survivor``: every link moves to the survivor through its
    module's service, the duplicate's names become former names, blanks are filled from
    it, and the duplicate stays (marked merged) so old references resolve.

    Both rows stay locked until the merge commits, so a lead registered, a contact added
    or another merge of either enterprise waits for it and then sees the merged state."""
    if survivor.pk == duplicate.pk:
        raise ValidationError("不能与自身合并。")
    # Locked in key order, so two merges of the same pair cannot deadlock.
    locked = {
        e.pk: e
        for e in Enterprise.objects.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if duplicate.merged_into_id:
        raise ValidationError(f"“{duplicate}”已合并至其他企业。")
    if survivor.merged_into_id:
        raise ValidationError(f"“{survivor}”已合并至其他企业，请选择合并后的企业。")
    moved: dict[str, int] = {}
    for handler in _merge_handlers():
        for what, count in handler(actor=actor, survivor=survivor, duplicate=duplicate).items():
            if count:
                moved[str(what)] = moved.get(str(what), 0) + count
    Enterprise.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    for ranking in duplicate.rankings.all():
        if not survivor.rankings.filter(kind=ranking.kind, year=ranking.year).exists():
            ranking.enterprise = survivor
            ranking.save(update_fields=["enterprise"])
    for former in [duplicate.name, *duplicate.former_names.values_list("name", flat=True)]:
        FormerName.objects.get_or_create(
            enterprise=survivor, dedupe_key=normalize_name(former), defaults={"name": former}
        )
    for name in FIELDS_M2M:
        getattr(survivor, name).add(*getattr(duplicate, name).all())
    fill = {}
    for field in (
        "legal_representative",
        "registered_capital",
        "paid_in_capital",
        "founded_on",
        "ownership",
        "listing_exchange",
        "stock_code",
        "hq_region",
        "website",
        "description",
        "department",
    ):
        if getattr(survivor, field) in (None, "") and getattr(duplicate, field) not in (None, ""):
            fill[field] = getattr(duplicate, field)
    code = duplicate.credit_code
    Enterprise.objects.filter(pk=duplicate.pk).update(merged_into=survivor, credit_code=None)
    if code and not survivor.credit_code:
        fill["credit_code"] = code
    survivor.refresh_from_db()
    _keys(survivor)
    fill.update(search_text=survivor.search_text)
    survivor = record_update(
        survivor, actor=actor, data=fill, version=survivor.version, detail=f"合并“{duplicate.name}”"
    )
    search.reindex([survivor.pk, duplicate.pk])
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=duplicate,
        changes={"已合并至": [None, survivor.name]},
        detail="合并重复企业"
        + ("；转移：" + "、".join(f"{k}{v}条" for k, v in moved.items()) if moved else ""),
    )
    return survivor


# --- Imports: starting the worker's steps --------------------------------------------------
def import_check_start(
    *,
    actor: User,
    job: ImportJob,
    mapping: dict[str, str],
    on_queued: Callable[[], Any] | None = None,
    on_not_queued: Callable[[], Any] | None = None,
) -> None:
    """Save the column mapping and hand the dry run to the worker (once per click that
    wins: see ``common.imports.job_step_start``; a broker that does not answer puts the
    job back, see ``send_phase``)."""
    from . import tasks  # tasks → importing → services

    job_step_start(
        ImportJob,
        job,
        from_states=[ImportJob.State.UPLOADED, ImportJob.State.CHECKED],
        to_state=ImportJob.State.CHECKING,
        mapping=mapping,
        processed_rows=0,
        worker_started_at=None,  # queued: no worker yet
    )
    send_phase(
        ImportJob,
        job.pk,
        tasks.check_import,
        back_to=ImportJob.State.UPLOADED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )


def import_commit_start(
    *,
    actor: User,
    job: ImportJob,
    create_unmatched: bool = False,
    confirmations: dict[str, str] | None = None,
    on_queued: Callable[[], Any] | None = None,
    on_not_queued: Callable[[], Any] | None = None,
) -> None:
    """Hand a checked import to the worker: checked → importing as one conditional UPDATE,
    so a double click on 确认导入 queues one commit and the second click is told so.
    ``confirmations``: the user's decision per row found by name only (row → enterprise
    id or "new"); the commit checks each against that row's candidates."""
    from . import tasks

    if job.errors:
        raise ValidationError("试导入发现被拒绝的行，请修正文件后重新上传，再确认导入。")
    job_step_start(
        ImportJob,
        job,
        from_states=[ImportJob.State.CHECKED],
        to_state=ImportJob.State.IMPORTING,
        processed_rows=0,
        worker_started_at=None,
    )
    send_phase(
        ImportJob,
        job.pk,
        tasks.commit_import,
        actor.pk,
        create_unmatched,
        confirmations,
        back_to=ImportJob.State.CHECKED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )

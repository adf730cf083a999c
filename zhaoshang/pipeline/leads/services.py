"""Leads (线索): registration with attribution, the lapse to the office's pool (公海),
claim, reassignment and the push (信息推送) between units.

Who holds a lead is ``Project.department``. Every change of it goes through one of the
functions below, each a conditional UPDATE on the holder the caller saw (``WHERE
department = old``), so two clerks claiming the same pooled lead, or an answer to a
push racing a reassignment, cannot both win; each writes one ``OwnerChange`` row with
its reason and one audit line, and tells the units concerned through
``notifications.notify`` after commit.

Time comes in as ``today``/``now`` so tests (and a re-run of a missed nightly job) can
say which day it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import formats
from zhaoshang.common.errors import Conflict
from zhaoshang.enterprises import services as enterprise_services
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.notifications.recipients import recipients_in_unit
from zhaoshang.notifications.services import notify
from zhaoshang.org import roles
from zhaoshang.org.models import Department

from ..models import (
    ACTIVE_STAGES,
    LeadPush,
    Method,
    OwnerChange,
    PipelineConfig,
    Project,
    Stage,
)
from ..projects import funds
from ..projects import services as project_services
from .workflow import may_act_for, push_move

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User

# Units that promote investment and so may hold leads.
PROMOTING_KINDS = [
    Department.Kind.OFFICE,
    Department.Kind.DEPARTMENT,
    Department.Kind.STREET,
    Department.Kind.ZONE,
]
# Stages in which a holder is protected: a lead or project being worked (on hold too:
# it is parked, not given up).
HELD_STAGES = [*ACTIVE_STAGES, Stage.ON_HOLD]

P = LeadPush.State


class LeadHeld(Conflict, ValidationError):
    """Another unit (or the clerk's own) already holds a lead or project for this
    enterprise: the first registration is protected while it is worked."""

    def __init__(self, project, since, *, own=False):
        self.project = project
        self.since = since
        self.own = own
        if own:
            text = (
                f"本单位已于{formats.cn_date(since)}登记该企业的“{project.name}”"
                f"（当前阶段：{project.get_stage_display()}），请在原线索上继续推进，不要重复登记。"
            )
        else:
            text = (
                f"“{project.enterprise.name}”已由{project.department.name}于{formats.cn_date(since)}"
                f"登记跟进（当前阶段：{project.get_stage_display()}）。首次登记单位在跟进期内受保护，"
                "不能重复登记；如需参与，请向该单位发起合作请求。"
            )
        super().__init__(text, code="lead_held")

    def api_extra(self) -> dict[str, Any]:
        """Who holds the enterprise, so that a caller can ask that unit to cooperate."""
        held = self.project
        return {
            "holder": {
                "project_id": held.pk,
                "department_id": held.department_id,
                "department_name": held.department.name,
                "since": self.since.isoformat(),
                "stage": held.stage,
                "stage_name": held.get_stage_display(),
            }
        }


def office_unit() -> Department:
    office = (
        Department.objects.filter(kind=Department.Kind.OFFICE, is_active=True)
        .order_by("path")
        .first()
    )
    if office is None:
        raise ValidationError("系统中没有启用的招商办单位，无法处理公海线索。")
    return office


def _local_date(dt):
    return timezone.localtime(dt).date()


def holder_since(project: Project) -> datetime.date:
    """When the current holder got the project: its latest change of owner."""
    change = (
        OwnerChange.objects.filter(project=project, to_department_id=project.department_id)
        .order_by("-at", "-id")
        .first()
    )
    return _local_date(change.at if change else project.created_at)


def holding(enterprise: Enterprise, *, exclude_pk: int | None = None) -> Project | None:
    """The lead or project that holds ``enterprise`` now (worked by a unit, not pooled)."""
    qs = Project.objects.filter(
        enterprise=enterprise, stage__in=HELD_STAGES, pooled_at__isnull=True
    ).select_related("department", "enterprise")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def attribution(enterprise: Enterprise, unit: Department) -> dict[str, Any] | None:
    """What the registration form says when an enterprise is picked: who holds it, or
    that its lead waits in the pool, or nothing. Returns a dict for the template/API."""
    held = holding(enterprise)
    if held is not None:
        since = holder_since(held)
        return {
            "state": "own" if held.department_id == unit.pk else "held",
            "project": held,
            "unit": held.department,
            "since": since,
            "stage": held.get_stage_display(),
            "message": LeadHeld(held, since, own=held.department_id == unit.pk).messages[0],
        }
    pooled = Project.objects.pooled().filter(enterprise=enterprise).order_by("id").first()
    if pooled is not None:
        return {
            "state": "pooled",
            "project": pooled,
            "message": f"该企业的线索“{pooled.name}”在公海中，可直接认领，无需重新登记。",
        }
    return None


def free_note(enterprise: Enterprise, unit: Department) -> str:
    """What the registration form says of an enterprise no unit holds a lead for. It
    names the enterprise's following unit (跟进单位, set in the library) when it has one:
    saying no unit follows it would contradict the enterprise's own page. Registration
    is not refused for it; only a held lead or project protects an enterprise."""
    follower = enterprise.department
    if follower is None:
        return "该企业目前没有单位在跟进，可以登记。"
    if follower.pk == unit.pk:
        return "该企业由本单位跟进，目前没有在办的线索或项目，可以登记。"
    return f"该企业在企业库中由{follower.name}跟进，目前没有在办的线索或项目，可以登记。"


def projects_enterprise_merge(
    *, actor: User, survivor: Enterprise, duplicate: Enterprise
) -> dict[str, int]:
    """The enterprise library's merge hook (registered in ``apps.PipelineConfig.ready``):
    the duplicate's leads and projects move to the surviving enterprise, each with its
    audit line. Refused when two different units hold leads or projects on the two
    records, since merging would hand one unit's protected lead to another: the units
    settle who holds it first (a push, a cooperation request, or the office reassigns).
    The caller holds both enterprise rows locked, so no lead is registered meanwhile."""
    held = list(
        Project.objects.filter(
            enterprise__in=[survivor, duplicate], stage__in=HELD_STAGES, pooled_at__isnull=True
        )
        .select_related("department")
        .order_by("id")
    )
    mine = [p for p in held if p.enterprise_id == survivor.pk]
    theirs = [p for p in held if p.enterprise_id == duplicate.pk]
    for a in mine:
        for b in theirs:
            if a.department_id != b.department_id:
                raise ValidationError(
                    f"无法合并：{a.department.name} 与 {b.department.name} 分别持有这两家企业的"
                    f"线索（“{a.name}”“{b.name}”），请先协调线索归属。",
                    code="lead_held",
                )
    moved = 0
    for project in Project.objects.filter(enterprise=duplicate).order_by("id"):
        Project.objects.filter(pk=project.pk, enterprise=duplicate).update(
            enterprise=survivor, version=F("version") + 1
        )
        audit_record(
            AuditEvent.Action.UPDATE,
            actor=actor,
            obj=project,
            changes={"enterprise": [duplicate.name, survivor.name]},
            detail=f"企业合并：“{duplicate.name}”并入“{survivor.name}”",
        )
        moved += 1
    return {str(Project._meta.verbose_name): moved}


LEAD_FIELDS = [
    "industry_id",
    "key_industry_id",
    "origin_region_id",
    "name",
    "description",
    "estimated_investment",
    "industry",
    "key_industry",
    "origin_region",
    "method",
    "referrer_name",
    "referrer_kind",
    "referrer",
    "investor_origin",
    "capital_source",
    "opportunity",
]


@transaction.atomic
def lead_register(
    *,
    actor: User,
    data: dict[str, Any],
    enterprise: Enterprise | None = None,
    new_enterprise: dict[str, Any] | None = None,
    confirm_duplicates: bool = False,
    today: datetime.date | None = None,
) -> Project:
    """Register a lead for ``enterprise`` (from the library) or for ``new_enterprise``
    (the library's fields; created through its duplicate control, which raises
    ``DuplicateFound`` until the clerk confirms). Refuses with ``LeadHeld`` when a unit
    already holds the enterprise, and when its lead is in the pool (claim it instead)."""
    unit = actor.department
    if unit.kind not in PROMOTING_KINDS:
        raise ValidationError(f"{unit.name}不是招商责任单位，不能登记线索。")
    if (enterprise is None) == (new_enterprise is None):
        raise ValidationError({"enterprise": "请从企业库选择企业，或新增一家企业。"})
    if enterprise is None:
        assert new_enterprise is not None  # exactly one of the two, checked above
        enterprise = enterprise_services.enterprise_create(
            actor=actor, data=new_enterprise, confirm_duplicates=confirm_duplicates
        )
    # Lock the enterprise row: two units registering the same enterprise at once
    # queue here, and the second sees the first's lead.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    found = attribution(enterprise, unit)
    if found and found["state"] in ("held", "own"):
        raise LeadHeld(found["project"], found["since"], own=found["state"] == "own")
    if found:
        raise ValidationError(found["message"], code="lead_pooled")
    data = {k: v for k, v in data.items() if k in LEAD_FIELDS}
    if not (data.get("name") or "").strip():
        data["name"] = f"{enterprise.name}投资项目"
    data["enterprise"] = enterprise
    return project_services.project_create(actor=actor, data=data, occurred_on=today)


@transaction.atomic
def lead_from_enquiry(
    *,
    enterprise_name: Any,
    data: dict[str, Any],
    reference: Any,
    now: datetime.datetime | None = None,
) -> Any:
    """An investor's enquiry from the portal (投资咨询) becomes a lead in the office's pool,
    method online (网上招商), with no registering user: any unit may claim it as it may any
    pooled lead. The enterprise is the library's when one of the same name exists
    (名称相同), else a new record. When a unit already holds that enterprise, or its lead
    waits in the pool, no second lead is made: the holder (and the office) are told of
    the enquiry instead. The office is notified either way. Returns (project, created)."""
    now = now or timezone.now()
    office = office_unit()
    name = (enterprise_name or "").strip()
    same = next(
        (c.enterprise for c in enterprise_services.find_duplicates(name) if c.reason == "名称相同"),
        None,
    )
    enterprise = same or enterprise_services.enterprise_create(
        actor=None, data={"name": name}, confirm_duplicates=True
    )
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    body = (data.get("description") or "")[:500]
    existing = holding(enterprise) or (
        Project.objects.pooled().filter(enterprise=enterprise).order_by("id").first()
    )
    if existing is not None:
        notify(
            recipients=recipients_in_unit(
                office, existing.department, permission=roles.VIEW_PIPELINE
            ),
            title=f"门户投资咨询 {reference}：{enterprise.name}（已有线索“{existing.name}”）",
            body=body,
            url=lead_url(existing),
            kind="portal_enquiry",
        )
        return existing, False
    fields = {k: v for k, v in data.items() if k in LEAD_FIELDS}
    fields |= {
        "enterprise": enterprise,
        "name": (fields.get("name") or f"{enterprise.name}投资咨询")[:200],
        "method": Method.ONLINE,
    }
    project = project_services.project_create(actor=None, data=fields, department=office)
    Project.objects.filter(pk=project.pk).update(pooled_at=now)
    project.pooled_at = now
    notify(
        recipients=recipients_in_unit(office, permission=roles.VIEW_PIPELINE),
        title=f"门户投资咨询 {reference}：{enterprise.name}",
        body=body,
        url=lead_url(project),
        kind="portal_enquiry",
    )
    return project, True


def _owner_change(*, actor, project, kind, old, new, reason, now=None):
    """The moved lead's history row and audit line (the UPDATE is the caller's)."""
    change = OwnerChange.objects.create(
        project=project,
        kind=kind,
        from_department=old,
        to_department=new,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if now is not None:
        # A controlled clock (tests, a re-run of a missed nightly job) dates the row.
        OwnerChange.objects.filter(pk=change.pk).update(at=now)
        change.at = now
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=project,
        changes={"department": [old.name if old else None, new.name]},
        detail=f"{OwnerChange.Kind(kind).label}：{reason}"[:500],
    )
    # Any other open hand-over is moot once the lead has moved.
    for push in LeadPush.objects.pending().filter(project=project):
        push_move(
            push,
            P.WITHDRAWN,
            actor=actor,
            reason=f"线索已{OwnerChange.Kind(kind).label}至{new.name}，推送自动撤回",
            now=now,
        )
    return change


def _move_owner(project, *, old, new, pooled_at=None, require_pooled=None):
    """Conditional UPDATE of the holder; False when someone else moved it first."""
    qs = Project.objects.filter(pk=project.pk, department=old, stage__in=HELD_STAGES)
    if require_pooled is True:
        qs = qs.filter(pooled_at__isnull=False)
    elif require_pooled is False:
        qs = qs.filter(pooled_at__isnull=True)
    moved = qs.update(department=new, pooled_at=pooled_at, version=F("version") + 1)
    if moved:
        project.department, project.pooled_at = new, pooled_at
        project.version += 1
    return bool(moved)


def _hand_over(project, *, kind, old, new, actor, reason, now=None, **move):
    """The holder moves (conditional UPDATE, ``move``: pooled_at, require_pooled), with
    its history row and audit line, and the monthly funds sums follow: funds received
    after the hand-over count for the new unit (counting rule 2). Returns the history
    row, or None when someone else moved the lead first (nothing is written)."""
    with funds.changing([project.pk]):
        if not _move_owner(project, old=old, new=new, **move):
            return None
        return _owner_change(
            actor=actor, project=project, kind=kind, old=old, new=new, reason=reason, now=now
        )


def lead_url(project: Project) -> str:
    return reverse("pipeline:lead_detail", args=[project.pk])


# --- The pool ---------------------------------------------------------------------------
def lapse_due(
    *, today: datetime.date | None = None, config: PipelineConfig | None = None
) -> QuerySet[Project]:
    """Leads whose holder has recorded no ledger entry, and not received them, for the
    configured number of days: due to lapse ``today``. Day N after the last entry (or
    the day the holder got the lead) lapses; day N-1 is still protected."""
    today = today or timezone.localdate()
    config = config or PipelineConfig.current()
    cutoff = today - datetime.timedelta(days=config.lead_lapse_days)
    start_after_cutoff = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min)
    )
    recent_owner = OwnerChange.objects.filter(
        project=OuterRef("pk"), to_department=OuterRef("department"), at__gte=start_after_cutoff
    )
    return (
        Project.objects.leads()
        .filter(pooled_at__isnull=True)
        .filter(Q(last_ledger_on__isnull=True) | Q(last_ledger_on__lte=cutoff))
        .exclude(Exists(recent_owner))
        .exclude(department__kind=Department.Kind.OFFICE)
    )


# Leads moved per transaction by the nightly job: large enough that a backlog (a
# shortened protection period, a missed night) is not one commit per lead, small enough
# that a failure rolls back little and locks are short.
LAPSE_BATCH = 500


def leads_lapse(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    actor: User | None = None,
    only: Iterable[int] | None = None,
) -> int:
    """The nightly job: every lead due to lapse goes to the office's pool, with its
    owner-change row and audit line; each former holder unit gets one message listing
    its lapsed leads. ``only``: ids to consider (the demo ages just its own leads).
    Returns how many lapsed."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    config = PipelineConfig.current()
    office = office_unit()
    candidates = lapse_due(today=today, config=config)
    if only is not None:
        candidates = candidates.filter(pk__in=only)
    due = list(candidates.order_by("pk").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(due), LAPSE_BATCH):
        lapsed: dict[Department, list[Project]] = {}
        with transaction.atomic():
            batch = Project.objects.filter(pk__in=due[start : start + LAPSE_BATCH])
            for project in batch.select_related("department"):
                old = project.department
                last = project.last_ledger_on
                reason = (
                    f"超过{config.lead_lapse_days}天没有推进台账记录"
                    + (f"（最近一条：{formats.cn_date(last)}）" if last else "（登记后未记录台账）")
                    + "，退回招商办公海"
                )
                lapsed_row = _hand_over(
                    project,
                    kind=OwnerChange.Kind.LAPSE,
                    old=old,
                    new=office,
                    actor=actor,
                    reason=reason,
                    now=now,
                    pooled_at=now,
                    require_pooled=False,
                )
                if lapsed_row is None:
                    continue  # worked on or moved since the list was read
                lapsed.setdefault(old, []).append(project)
            for old, projects in lapsed.items():
                _tell_lapsed(old, projects, config, actor)
        count += sum(len(v) for v in lapsed.values())
    return count


def _tell_lapsed(unit, projects, config, actor):
    days = config.lead_lapse_days
    hint = "任何招商单位均可认领，如仍在跟进请尽快认领并登记台账。"
    if len(projects) == 1:
        p = projects[0]
        title, url = f"线索“{p.name}”已退回公海", lead_url(p)
        body = f"超过{days}天没有推进台账记录，已退回招商办公海。{hint}"
    else:
        names = "、".join(f"“{p.name}”" for p in projects[:20])
        more = f"等 {len(projects)} 条" if len(projects) > 20 else ""
        title = f"本单位 {len(projects)} 条线索已退回公海"
        url = reverse("pipeline:lead_pool")
        body = f"{names}{more}超过{days}天没有推进台账记录，已退回招商办公海。{hint}"
    notify(
        recipients=recipients_in_unit(unit, permission=roles.VIEW_PIPELINE),
        title=title,
        body=body,
        url=url,
        kind="lead_lapse",
        actor=actor,
    )


@transaction.atomic
def lead_claim(
    *, actor: User, project: Project, reason: str = "", now: datetime.datetime | None = None
) -> OwnerChange:
    """A promotion unit takes a pooled lead."""
    unit = actor.department
    if unit.kind not in PROMOTING_KINDS:
        raise ValidationError(f"{unit.name}不是招商责任单位，不能认领线索。")
    if project.pooled_at is None or project.stage != Stage.LEAD:
        raise ValidationError("该线索不在公海中（可能已被其他单位认领），请刷新后查看。")
    old = project.department
    reason = reason.strip() or "从公海认领"
    change = _hand_over(
        project,
        kind=OwnerChange.Kind.CLAIM,
        old=old,
        new=unit,
        actor=actor,
        reason=reason,
        now=now,
        pooled_at=None,
        require_pooled=True,
    )
    if change is None:
        raise ValidationError("该线索刚被其他单位认领，请刷新后查看。")
    notify(
        recipients=recipients_in_unit(old, permission=roles.VIEW_PIPELINE),
        title=f"公海线索“{project.name}”已被{unit.name}认领",
        body=f"认领说明：{reason}",
        url=lead_url(project),
        kind="lead_claim",
        actor=actor,
    )
    return change


@transaction.atomic
def project_reassign(
    *,
    actor: User,
    project: Project,
    to_department: Department,
    reason: str,
    now: datetime.datetime | None = None,
) -> OwnerChange:
    """The office gives a lead or project to another unit; the reason is required."""
    if not actor.has_perm(roles.COORDINATE_PIPELINE):
        raise ValidationError("只有招商办可以改派线索和项目。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写改派原因。"})
    if to_department.kind not in PROMOTING_KINDS or not to_department.is_active:
        raise ValidationError({"to_department": f"{to_department.name}不是启用的招商责任单位。"})
    if project.stage not in HELD_STAGES:
        raise ValidationError(f"项目已{project.get_stage_display()}，不能改派。")
    old = project.department
    if to_department.pk == old.pk and project.pooled_at is None:
        raise ValidationError({"to_department": f"该线索现在就由{old.name}负责。"})
    change = _hand_over(
        project,
        kind=OwnerChange.Kind.REASSIGN,
        old=old,
        new=to_department,
        actor=actor,
        reason=reason,
        now=now,
        pooled_at=None,
    )
    if change is None:
        raise ValidationError("该线索的责任单位刚刚发生变化，请刷新后重试。")
    notify(
        recipients=recipients_in_unit(old, to_department, permission=roles.VIEW_PIPELINE),
        title=f"“{project.name}”由招商办改派：{old.name} → {to_department.name}",
        body=f"改派原因：{reason}",
        url=lead_url(project),
        kind="lead_reassign",
        actor=actor,
    )
    return change


# --- Push -------------------------------------------------------------------------------
def push_suggestion(project: Project) -> Department | None:
    """The unit that owns the lead's key industry, when that is not its holder."""
    key = project.key_industry
    if key is None or key.department_id == project.department_id:
        return None
    if project.stage not in HELD_STAGES or project.pooled_at is not None:
        return None
    return key.department


def _push_create(*, actor, project, kind, from_unit, to_unit, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写推送理由。"})
    if project.stage not in HELD_STAGES or project.pooled_at is not None:
        raise ValidationError("只有正在跟进的线索和项目可以推送（公海线索请直接认领）。")
    if from_unit.pk == to_unit.pk:
        raise ValidationError({"to_department": "不能推送给本单位。"})
    if to_unit.kind not in PROMOTING_KINDS or not to_unit.is_active:
        raise ValidationError({"to_department": f"{to_unit.name}不是启用的招商责任单位。"})
    try:
        with transaction.atomic():
            push = LeadPush.objects.create(
                project=project,
                kind=kind,
                from_department=from_unit,
                to_department=to_unit,
                holder=project.department,
                reason=reason,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "该线索已有一条待处理的推送或合作请求，请等对方处理后再发起。"
        ) from exc
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=push,
        changes={
            "kind": [None, push.get_kind_display()],
            "to_department": [None, to_unit.name],
            "reason": [None, reason],
        },
    )
    return push


@transaction.atomic
def lead_push(*, actor: User, project: Project, to_department: Department, reason: str) -> LeadPush:
    """The holder offers the lead to ``to_department`` (typically the unit that owns its
    industry); that unit's users and robots are told."""
    if not may_act_for(actor, project.department_id):
        raise ValidationError("只有线索的责任单位（或招商办）可以推送该线索。")
    push = _push_create(
        actor=actor,
        project=project,
        kind=LeadPush.Kind.PUSH,
        from_unit=project.department,
        to_unit=to_department,
        reason=reason,
    )
    notify(
        recipients=recipients_in_unit(to_department, permission=roles.VIEW_PIPELINE),
        title=f"{project.department.name}向本单位推送线索“{project.name}”",
        body=f"推送理由：{reason}\n请在“线索推送”中接收或退回。",
        url=reverse("pipeline:lead_push_list"),
        kind="lead_push",
        actor=actor,
    )
    return push


@transaction.atomic
def lead_cooperation_request(*, actor: User, project: Project, reason: str) -> LeadPush:
    """Another unit found the holder's enterprise and asks the holder to hand it over
    (or work it together); the holder answers like a push."""
    if project.department_id == actor.department_id:
        raise ValidationError("该线索已由本单位负责。")
    push = _push_create(
        actor=actor,
        project=project,
        kind=LeadPush.Kind.REQUEST,
        from_unit=actor.department,
        to_unit=project.department,
        reason=reason,
    )
    notify(
        recipients=recipients_in_unit(project.department, permission=roles.VIEW_PIPELINE),
        title=f"{actor.department.name}请求参与线索“{project.name}”",
        body=f"请求说明：{reason}\n同意后线索转由{actor.department.name}负责；也可退回并说明理由。",
        url=reverse("pipeline:lead_push_list"),
        kind="lead_request",
        actor=actor,
    )
    return push


@transaction.atomic
def push_answer(
    *,
    actor: User,
    push: LeadPush,
    accept: bool,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> LeadPush:
    """The receiving unit accepts (the lead moves, OwnerChange push) or declines with a
    required reason. Of two answers only the first counts."""
    reason = (reason or "").strip()
    project = Project.objects.select_related("department").get(pk=push.project_id)
    push = push_move(
        push, P.ACCEPTED if accept else P.DECLINED, actor=actor, reason=reason, now=now
    )
    if accept:
        new = Department.objects.get(pk=push.new_owner_id)
        old = project.department
        label = "推送" if push.kind == LeadPush.Kind.PUSH else "合作请求"
        if (
            project.department_id != push.holder_id
            or _hand_over(
                project,
                kind=OwnerChange.Kind.PUSH,
                old=old,
                new=new,
                actor=actor,
                reason=f"{label}：{push.reason}" + (f"；接收意见：{reason}" if reason else ""),
                now=now,
                pooled_at=None,
                require_pooled=False,
            )
            is None
        ):
            raise ValidationError("推送后该线索的责任单位已发生变化，推送不能再接收。")
    verdict = "接收" if accept else "退回"
    notify(
        recipients=[
            push.created_by,
            *recipients_in_unit(push.from_department, permission=roles.VIEW_PIPELINE),
        ],
        title=f"{push.to_department.name}已{verdict}{push.get_kind_display()}“{project.name}”",
        body=(f"{verdict}意见：{reason}" if reason else "")
        + (
            f"\n线索现由{Department.objects.get(pk=push.new_owner_id).name}负责。" if accept else ""
        ),
        url=lead_url(project),
        kind="lead_push_answer",
        actor=actor,
    )
    return push


@transaction.atomic
def push_withdraw(
    *, actor: User, push: LeadPush, reason: str = "", now: datetime.datetime | None = None
) -> LeadPush:
    if not may_act_for(actor, push.from_department_id):
        raise ValidationError("只有发起单位可以撤回推送。")
    push = push_move(
        push, P.WITHDRAWN, actor=actor, reason=reason.strip() or "发起单位撤回", now=now
    )
    notify(
        recipients=recipients_in_unit(push.to_department, permission=roles.VIEW_PIPELINE),
        title=f"{push.from_department.name}撤回了{push.get_kind_display()}“{push.project.name}”",
        body=push.answer_reason,
        url=reverse("pipeline:lead_push_list"),
        kind="lead_push_withdraw",
        actor=actor,
    )
    return push

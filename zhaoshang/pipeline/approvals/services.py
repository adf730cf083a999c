"""Admission evaluation (准入评估, M8) and tailored terms (一企一策, M9): every write and
every rule. Reads are in ``approval_queries``; the approval's states in
``terms_workflow``.

The total of an evaluation (the number the office decides on):

    criterion score s_c ∈ [0, max_c]  (manual: one per reviewer; computed: by thresholds)
    sheet total = 100 × Σ w_c · (s_c / max_c) / Σ w_c

A reviewer's sheet total uses their own manual scores and the stored computed ones; the
evaluation's total is the mean of the submitted sheets' totals, which (the formula being
linear) equals the sheet total of the reviewers' mean scores. Totals are rounded half up
to two places only when shown or stored, never between steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import formats
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.notifications.services import notify
from zhaoshang.org import roles

from ..models import (
    COMPUTED_SOURCES,
    Evaluation,
    EvaluationCriterion,
    EvaluationReviewer,
    EvaluationScore,
    EvaluationTemplate,
    MeetingRecord,
    PipelineConfig,
    Project,
    Stage,
    TermsApproval,
    TermsDocument,
    TermsState,
)
from ..projects.services import investment_of
from . import workflow

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import User

COORDINATE = roles.COORDINATE_PIPELINE
MANAGE = roles.MANAGE_PIPELINE
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PASSED = [Evaluation.Decision.ADMIT, Evaluation.Decision.CONDITIONAL]


def num(value: Decimal | int | str) -> str:
    """A Decimal as people write it: 10, 7.5 (never 1E+1)."""
    return f"{Decimal(value).normalize():f}"


def _require_office(actor):
    if not actor.has_perm(COORDINATE):
        raise PermissionDenied("只有招商办可以进行此项操作。")


# --- Templates ----------------------------------------------------------------------------
THRESHOLD_PAIR = re.compile(r"(-?\d+(?:\.\d+)?)\s*[:：=→>]\s*(\d+(?:\.\d+)?)")


def parse_thresholds(text: str) -> list[list[str]]:
    """ "300:10；200:6；100:3" (at least 300 scores 10 …) → [["300", "10"], …], highest
    threshold first. Raises ValidationError naming the piece it cannot read."""
    pieces = [p.strip() for p in re.split(r"[;；,，\n]+", text or "") if p.strip()]
    if not pieces:
        raise ValidationError({"thresholds": "自动计分的指标须填写计分档次，如“300:10；200:6”。"})
    pairs = []
    for piece in pieces:
        match = THRESHOLD_PAIR.fullmatch(piece.replace("≥", "").replace(">=", "").strip())
        if not match:
            raise ValidationError(
                {"thresholds": f"无法识别计分档次“{piece}”，应写成“指标值:得分”，如“300:10”。"}
            )
        pairs.append((Decimal(match.group(1)), Decimal(match.group(2))))
    if len({t for t, _ in pairs}) != len(pairs):
        raise ValidationError({"thresholds": "计分档次中有重复的指标值。"})
    pairs.sort(key=lambda p: p[0], reverse=True)
    return [[str(t), str(s)] for t, s in pairs]


def thresholds_text(thresholds: list[list[str]]) -> str:
    return "；".join(f"{t}:{s}" for t, s in thresholds)


def thresholds_label(thresholds: list[list[str]]) -> str:
    """How a clerk reads the bands: ≥500得10分；≥300得7分；不足300得0分."""
    if not thresholds:
        return ""
    bands = "；".join(f"≥{num(t)}得{num(s)}分" for t, s in thresholds)
    return f"{bands}；不足{num(thresholds[-1][0])}得0分"


def computed_score(criterion: EvaluationCriterion, value: Decimal | None) -> Decimal:
    """The score of a computed criterion for a project field's ``value``: the score of
    the highest threshold the value reaches; 0 below all of them or with no value."""
    if value is None:
        return Decimal(0)
    for at_least, score in criterion.thresholds:
        if Decimal(value) >= Decimal(at_least):
            return Decimal(score)
    return Decimal(0)


@transaction.atomic
def evaluation_template_create(*, actor: User, data: dict[str, Any]) -> EvaluationTemplate:
    _require_office(actor)
    return record_create(EvaluationTemplate, actor=actor, data={**data, "created_by": actor})


def _refuse_if_frozen(template):
    # Read from the database: the row may have been used since the page was opened.
    if EvaluationTemplate.objects.filter(pk=template.pk, used_at__isnull=False).exists():
        raise ValidationError(
            f"模板“{template}”已用于项目评估，不能再修改指标；请“复制为新版本”后修改。"
        )


@transaction.atomic
def evaluation_template_update(
    *, actor: User, template: EvaluationTemplate, data: dict[str, Any]
) -> EvaluationTemplate:
    """Name, description and whether it is offered; these never change a score, so a
    used template may still be renamed or retired."""
    _require_office(actor)
    return record_update(template, actor=actor, data=data)


@transaction.atomic
def evaluation_template_copy(*, actor: User, template: EvaluationTemplate) -> EvaluationTemplate:
    """A new edition with the same criteria, open for edits; the old one is retired."""
    _require_office(actor)
    newest = EvaluationTemplate.objects.filter(name=template.name).order_by("-edition").first()
    latest = newest.edition if newest else template.edition
    copy = record_create(
        EvaluationTemplate,
        actor=actor,
        data={
            "name": template.name,
            "edition": latest + 1,
            "based_on": template,
            "description": template.description,
            "created_by": actor,
        },
    )
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(
            template=copy,
            **{
                f: getattr(c, f)
                for f in (
                    "dimension",
                    "name",
                    "weight",
                    "rule",
                    "max_score",
                    "source_field",
                    "thresholds",
                    "position",
                )
            },
        )
        for c in template.criteria.all()
    )
    record_update(template, actor=actor, data={"is_active": False}, detail="已复制为新版本")
    return copy


@transaction.atomic
def criterion_add(
    *, actor: User, template: EvaluationTemplate, data: dict[str, Any]
) -> EvaluationCriterion:
    _require_office(actor)
    _refuse_if_frozen(template)
    data = dict(data)
    rule = data.get("rule")
    if data.get("weight") is not None and data["weight"] <= 0:
        raise ValidationError({"weight": "权重须大于0。"})
    if data.get("max_score") is not None and data["max_score"] <= 0:
        raise ValidationError({"max_score": "满分须大于0。"})
    if rule == EvaluationCriterion.Rule.COMPUTED:
        if data.get("source_field") not in COMPUTED_SOURCES:
            raise ValidationError({"source_field": "自动计分的指标须选择取值的项目指标。"})
        thresholds = data.get("thresholds")
        if isinstance(thresholds, str):
            thresholds = parse_thresholds(thresholds)
        too_high = [s for _, s in thresholds or [] if Decimal(s) > data["max_score"]]
        if too_high:
            raise ValidationError(
                {
                    "thresholds": f"档次得分{num(too_high[0])}超过了该指标的满分{num(data['max_score'])}。"
                }
            )
        data["thresholds"] = thresholds
    else:
        data["source_field"], data["thresholds"] = "", []
    if "position" not in data:
        data["position"] = template.criteria.count() + 1
    return record_create(EvaluationCriterion, actor=actor, data={**data, "template": template})


@transaction.atomic
def criterion_delete(*, actor: User, criterion: EvaluationCriterion) -> None:
    _require_office(actor)
    _refuse_if_frozen(criterion.template)
    record_delete(criterion, actor=actor)


# --- Evaluations --------------------------------------------------------------------------
def sheet_total(criteria: Iterable[EvaluationCriterion], scores: Mapping[int, Any]) -> Decimal:
    """100 × Σ w·(s/max) / Σ w over ``criteria``; ``scores`` maps criterion id → score
    (a missing score counts 0). Unrounded."""
    weights = sum((c.weight for c in criteria), Decimal(0))
    if not weights:
        return Decimal(0)
    earned = sum(
        (c.weight * Decimal(scores.get(c.pk, 0)) / c.max_score for c in criteria), Decimal(0)
    )
    return HUNDRED * earned / weights


def rounded(total: Decimal | None) -> Decimal | None:
    return None if total is None else total.quantize(CENT, ROUND_HALF_UP)


def evaluation_totals(
    evaluation: Evaluation,
    criteria: Iterable[EvaluationCriterion] | None = None,
    scores: Iterable[EvaluationScore] | None = None,
    reviewers: Iterable[EvaluationReviewer] | None = None,
) -> tuple[dict[int, Decimal], Decimal | None]:
    """{reviewer id: sheet total} for submitted sheets, and the evaluation's total (their
    mean, None until a sheet is in). Pass prefetched rows to spare queries."""
    criteria = list(criteria if criteria is not None else evaluation.template.criteria.all())
    scores = list(scores if scores is not None else evaluation.scores.all())
    reviewers = list(reviewers if reviewers is not None else evaluation.reviewers.all())
    computed = {s.criterion_id: s.score for s in scores if s.reviewer_id is None}
    by_reviewer: dict[int, dict[int, Any]] = {}
    for s in scores:
        if s.reviewer_id is not None:
            by_reviewer.setdefault(s.reviewer_id, {})[s.criterion_id] = s.score
    totals = {
        r.pk: sheet_total(criteria, {**computed, **by_reviewer.get(r.pk, {})})
        for r in reviewers
        if r.submitted_at is not None
    }
    overall = sum(totals.values(), Decimal(0)) / len(totals) if totals else None
    return totals, overall


@transaction.atomic
def evaluation_create(
    *, actor: User, project: Project, template: EvaluationTemplate, reviewers: Iterable[User]
) -> Evaluation:
    """Start an evaluation: names the reviewers, freezes the template, and stores the
    computed criteria from the project's fields as they stand now."""
    _require_office(actor)
    if project.stage in (Stage.DROPPED,):
        raise ValidationError("该项目已终止，不能发起准入评估。")
    if not template.is_active:
        raise ValidationError({"template": f"模板“{template}”已停用，请选择在用的模板。"})
    criteria = list(template.criteria.all())
    if not criteria:
        raise ValidationError({"template": f"模板“{template}”还没有评估指标。"})
    reviewers = list(dict.fromkeys(reviewers))
    if not reviewers:
        raise ValidationError({"reviewers": "请至少指定一名评审人。"})
    inactive = [u for u in reviewers if not u.is_active]
    if inactive:
        raise ValidationError({"reviewers": f"评审人{inactive[0]}的账号已停用。"})
    if project.evaluations.filter(decision="").exists():
        raise ValidationError("该项目已有一项正在进行的准入评估，请先完成该评估。")
    evaluation = record_create(
        Evaluation,
        actor=actor,
        data={"project": project, "template": template, "created_by": actor},
    )
    EvaluationTemplate.objects.filter(pk=template.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    EvaluationReviewer.objects.bulk_create(
        EvaluationReviewer(evaluation=evaluation, user=u) for u in reviewers
    )
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation,
            criterion=c,
            value=getattr(project, c.source_field),
            score=computed_score(c, getattr(project, c.source_field)),
        )
        for c in criteria
        if c.rule == EvaluationCriterion.Rule.COMPUTED
    )
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=project,
        detail=f"发起准入评估（{template}），评审人："
        + "、".join(u.full_name or u.username for u in reviewers),
    )
    notify(
        recipients=reviewers,
        title=f"请评审：{project.name}准入评估",
        body=f"招商办指定您为“{project.name}”准入评估的评审人，请按“{template}”评分并提交。",
        url=reverse("pipeline:evaluation_score", args=[evaluation.pk]),
        kind="evaluation_review",
        actor=actor,
    )
    return evaluation


def _reviewer_of(evaluation, actor):
    reviewer = evaluation.reviewers.filter(user=actor).first()
    if reviewer is None:
        raise PermissionDenied("您不是该项目准入评估的评审人。")
    return reviewer


@transaction.atomic
def evaluation_score_save(
    *,
    actor: User,
    evaluation: Evaluation,
    scores: Mapping[Any, tuple[Any, Any]],
    opinion: str = "",
    submit: bool = False,
    now: dt.datetime | None = None,
) -> EvaluationReviewer:
    """A reviewer's sheet: ``scores`` maps a manual criterion id → (score, comment).
    Saved as a draft until submitted; a submitted sheet no longer changes."""
    reviewer = _reviewer_of(evaluation, actor)
    # Lock the reviewer row so a double submit cannot write twice.
    reviewer = EvaluationReviewer.objects.select_for_update().get(pk=reviewer.pk)
    if reviewer.submitted_at is not None:
        raise ValidationError("您已提交评分，不能再修改。")
    if Evaluation.objects.filter(pk=evaluation.pk).exclude(decision="").exists():
        raise ValidationError("该评估已作出结论，不能再评分。")
    manual = {
        c.pk: c
        for c in evaluation.template.criteria.all()
        if c.rule == EvaluationCriterion.Rule.MANUAL
    }
    errors: dict[Any, str] = {}
    clean = {}
    for cid, (score, comment) in scores.items():
        criterion = manual.get(int(cid))
        if criterion is None:
            raise ValidationError("评分表中有不属于本模板的评审指标。")
        if score in (None, ""):
            continue
        try:
            value = Decimal(str(score))
        except InvalidOperation:
            errors[cid] = f"“{criterion.name}”的得分“{score}”不是数字。"
            continue
        if not Decimal(0) <= value <= criterion.max_score:
            errors[cid] = f"“{criterion.name}”的得分须在0至{num(criterion.max_score)}之间。"
            continue
        clean[criterion.pk] = (value, (comment or "").strip())
    if submit:
        for cid, criterion in manual.items():
            if cid not in clean and cid not in errors:
                errors[cid] = f"“{criterion.name}”尚未评分，提交前须为每项评审指标打分。"
    if errors:
        raise ValidationError(errors)
    EvaluationScore.objects.filter(reviewer=reviewer).delete()
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation, criterion_id=cid, reviewer=reviewer, score=s, comment=c
        )
        for cid, (s, c) in clean.items()
    )
    reviewer.opinion = opinion.strip()
    if submit:
        reviewer.submitted_at = now or timezone.now()
    reviewer.save(update_fields=["opinion", "submitted_at"])
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=evaluation,
        changes={str(cid): [None, str(s)] for cid, (s, _) in clean.items()},
        detail="提交评分" if submit else "保存评分草稿",
    )
    if submit and not evaluation.reviewers.filter(submitted_at__isnull=True).exists():
        project = evaluation.project
        notify(
            recipients=[evaluation.created_by]
            if evaluation.created_by
            else permission_holders(roles.COORDINATE_PIPELINE),
            title=f"待作结论：{project.name}准入评估",
            body=f"“{project.name}”准入评估的评审人已全部提交评分，请记录评估结论。",
            url=reverse("pipeline:evaluation_detail", args=[evaluation.pk]),
            kind="evaluation_decide",
            actor=actor,
        )
    return reviewer


@transaction.atomic
def evaluation_decide(
    *,
    actor: User,
    evaluation: Evaluation,
    decision: str,
    reasons: str,
    conditions: str = "",
    today: dt.date | None = None,
) -> Evaluation:
    """The office's decision once every reviewer is in. Recorded once: a conditional
    UPDATE on "no decision yet", so two clerks deciding at once cannot both win."""
    _require_office(actor)
    errors = {}
    if decision not in PASSED + [Evaluation.Decision.REJECT]:
        errors["decision"] = "请选择评估结论：准入、有条件准入或不准入。"
    if not (reasons or "").strip():
        errors["reasons"] = "请填写作出该结论的理由。"
    if decision == Evaluation.Decision.CONDITIONAL and not (conditions or "").strip():
        errors["conditions"] = "有条件准入须写明准入条件。"
    if errors:
        raise ValidationError(errors)
    pending = evaluation.reviewers.filter(submitted_at__isnull=True)
    if pending.exists():
        names = "、".join(
            r.user.full_name or r.user.username for r in pending.select_related("user")
        )
        raise ValidationError(f"评审人{names}尚未提交评分，全部提交后才能作出结论。")
    _, total = evaluation_totals(evaluation)
    today = today or timezone.localdate()
    changed = Evaluation.objects.filter(pk=evaluation.pk, decision="").update(
        decision=decision,
        conditions=(conditions or "").strip()
        if decision == Evaluation.Decision.CONDITIONAL
        else "",
        reasons=reasons.strip(),
        total=rounded(total),
        decided_on=today,
        decided_by=actor,
    )
    if not changed:
        raise ValidationError("该评估已作出结论（可能他人刚刚提交），请刷新页面查看。")
    evaluation.refresh_from_db()
    audit_record(
        AuditEvent.Action.UPDATE,
        actor=actor,
        obj=evaluation,
        changes={"decision": ["", decision], "total": [None, str(evaluation.total)]},
        detail=f"评估结论：{evaluation.get_decision_display()}",
    )
    project = evaluation.project
    notify(
        recipients=recipients_in_unit(project.department, permission=roles.VIEW_PIPELINE)
        + [r.user for r in evaluation.reviewers.all()],
        title=f"准入评估结论：{project.name}{evaluation.get_decision_display()}",
        body=f"“{project.name}”准入评估综合得分{evaluation.total}分，结论为"
        f"{evaluation.get_decision_display()}。"
        + (f"准入条件：{evaluation.conditions}" if evaluation.conditions else ""),
        url=reverse("pipeline:evaluation_detail", args=[evaluation.pk]),
        kind="evaluation_decided",
        actor=actor,
    )
    return evaluation


def evaluation_missing(project: Project, data: dict[str, Any]) -> str | None:
    """A signing guard (registered in ``PipelineConfig.ready``): a project whose
    agreed (or else estimated) investment reaches the configured size signs only after an
    evaluation decided 准入 or 有条件准入. The latest decision counts: a later 不准入
    overrides an earlier admission."""
    amount = (data or {}).get("agreed_investment")
    if amount in (None, ""):
        amount = investment_of(project)
    try:
        amount = None if amount is None else Decimal(str(amount))
    except InvalidOperation:
        return None  # the move's own checks refuse an amount that is not a number
    if amount is None:
        return None
    threshold = PipelineConfig.current().evaluation_threshold
    if amount < threshold:
        return None
    latest = (
        Evaluation.objects.filter(project_id=project.pk)
        .exclude(decision="")
        .order_by("-decided_on", "-id")
        .values_list("decision", flat=True)
        .first()
    )
    if latest in PASSED:
        return None
    found = "最近一次评估结论为“不准入”" if latest else "尚未完成准入评估"
    return (
        f"该项目投资额{formats.wan_text(amount)}，达到须准入评估的标准（{formats.wan_text(threshold)}），{found}；"
        "须经准入评估并决定“准入”或“有条件准入”后方可签约。"
    )


def terms_unapproved(project: Project, data: dict[str, Any]) -> str | None:
    """The signing guard of tailored terms: a project whose 一企一策 approval has been
    started (or that is flagged 一企一策) signs only once the executive meeting approved
    its terms, since the agreement signed is the one the meeting froze."""
    states = set(
        TermsApproval.objects.filter(project_id=project.pk).values_list("state", flat=True)
    )
    if TermsState.APPROVED in states:
        return None
    open_states = [s for s in TERMS_OPEN if s in states]
    if open_states:
        return (
            f"该项目的一企一策正在审批（当前环节：{TermsState(open_states[0]).label}），"
            "须经区政府常务会议审议通过后方可签约。"
        )
    if project.tailored_terms:
        # A flag without an approval (set before only the loop could set it).
        return (
            "该项目标记为一企一策，但没有区政府常务会议审议通过的记录；"
            "请发起一企一策审批，经常务会议审议通过后方可签约。"
        )
    return None


# --- Tailored terms (一企一策) ------------------------------------------------------------
def may_draft_terms(user: User, project: Project) -> bool:
    """The project's responsible unit (or a unit above it) drafts the core terms."""
    unit = getattr(user, "department", None)
    return (
        user.has_perm(MANAGE) and unit is not None and project.department.path.startswith(unit.path)
    )


def may_coordinate(user: User) -> bool:
    return user.has_perm(COORDINATE)


@transaction.atomic
def terms_start(*, actor: User, project: Project) -> TermsApproval:
    if not (may_draft_terms(actor, project) or may_coordinate(actor)):
        raise PermissionDenied("只有项目责任单位或招商办可以发起一企一策。")
    if project.stage == Stage.DROPPED:
        raise ValidationError("该项目已终止，不能发起一企一策。")
    if project.terms_approvals.filter(state=TermsState.APPROVED).exists():
        raise ValidationError("该项目的一企一策已经常务会议审议通过，条款已冻结。")
    try:
        with transaction.atomic():
            approval = record_create(
                TermsApproval,
                actor=actor,
                data={"project": project, "created_by": actor, "state_changed_at": timezone.now()},
            )
    except (IntegrityError, ValidationError) as exc:
        if TermsApproval.objects.filter(project=project, state__in=TERMS_OPEN).exists():
            raise ValidationError("该项目已有一项正在办理的一企一策审批。") from exc
        raise
    approval.steps.create(
        action="start", from_state="", to_state=approval.state, round=1, actor=actor
    )
    _notify_terms(
        approval,
        recipients_in_unit(project.department, permission=roles.VIEW_PIPELINE),
        f"请拟定核心条款：{project.name}一企一策",
        f"“{project.name}”已发起一企一策审批，请责任单位与企业商定核心条款后报送。",
        actor,
    )
    return approval


TERMS_OPEN = [TermsState.DRAFTING_TERMS, TermsState.DRAFTING_AGREEMENT, TermsState.AWAITING_MEETING]
# Which kind of text is drafted in which state, and by whom.
DRAFTS: dict[str, tuple[str, str]] = {
    TermsDocument.Kind.CORE_TERMS: (TermsState.DRAFTING_TERMS, "department"),
    TermsDocument.Kind.AGREEMENT: (TermsState.DRAFTING_AGREEMENT, "office"),
    TermsDocument.Kind.RULES: (TermsState.DRAFTING_AGREEMENT, "office"),
}


def _may_act(user, approval, actor_kind):
    if actor_kind == "office":
        return may_coordinate(user)
    return may_draft_terms(user, approval.project)


@transaction.atomic
def terms_document_save(
    *,
    actor: User,
    approval: TermsApproval,
    kind: str,
    text: str,
    file: Any | None = None,
    note: str = "",
) -> TermsDocument:
    """Save a new version of one text; the earlier versions stay as they were."""
    state, actor_kind = DRAFTS[kind]
    label = TermsDocument.Kind(kind).label
    # Lock the approval: the state must not move while the version is written, and two
    # saves must not take the same number.
    current = TermsApproval.objects.select_for_update().get(pk=approval.pk)
    if current.state == TermsState.APPROVED:
        raise ValidationError("一企一策已经常务会议审议通过，条款已冻结，不能再修改。")
    if not _may_act(actor, current, actor_kind):
        who = "招商办" if actor_kind == "office" else "项目责任单位"
        raise PermissionDenied(f"{label}由{who}起草。")
    if current.state != state:
        raise ValidationError(f"当前环节为“{current.get_state_display()}”，此时不能修改{label}。")
    if not (text or "").strip():
        raise ValidationError({"text": f"请填写{label}正文。"})
    last = current.documents.filter(kind=kind).order_by("-number").first()
    if last and last.text == text.strip() and not file:
        raise ValidationError({"text": f"{label}与上一版（第{last.number}版）相同，未保存新版本。"})
    doc = record_create(
        TermsDocument,
        actor=actor,
        data={
            "approval": current,
            "kind": kind,
            "number": (last.number if last else 0) + 1,
            "round": current.round,
            "text": text.strip(),
            "note": (note or "").strip(),
            "department": actor.department,
            "created_by": actor,
        },
        detail=f"附件：{file.name}" if file else "",
    )
    _attach(doc, "file", file)
    return doc


def _attach(obj, field, upload):
    # Files are stored after the audited row; the audit line names the file.
    if upload:
        getattr(obj, field).save(upload.name, upload, save=False)
        type(obj).objects.filter(pk=obj.pk).update(**{field: getattr(obj, field).name})


@transaction.atomic
def terms_submit(
    *, actor: User, approval: TermsApproval, action: str, expected_state: str, note: str = ""
) -> TermsApproval:
    """The department's submission of its core terms, or the office's submission of the
    agreement and rules to the executive meeting."""
    move = workflow.MOVES.get(action)
    if move is None or action not in ("submit_terms", "submit_to_meeting"):
        raise ValidationError("不存在该审批操作。")
    if not _may_act(actor, approval, move.actor_kind):
        raise PermissionDenied(
            "核心条款由项目责任单位报送。" if action == "submit_terms" else "由招商办提交常务会议。"
        )
    needed = (
        [TermsDocument.Kind.CORE_TERMS]
        if action == "submit_terms"
        else [TermsDocument.Kind.AGREEMENT, TermsDocument.Kind.RULES]
    )
    have = set(
        approval.documents.filter(round=approval.round, kind__in=needed).values_list(
            "kind", flat=True
        )
    )
    missing = [TermsDocument.Kind(k).label for k in needed if k not in have]
    if missing:
        raise ValidationError(
            f"本轮（第{approval.round}轮）尚未起草{'、'.join(missing)}，不能报送。"
        )
    approval = workflow.terms_move(
        actor=actor, approval=approval, action=action, note=note, expected_state=expected_state
    )
    project = approval.project
    if action == "submit_terms":
        _notify_terms(
            approval,
            permission_holders(roles.COORDINATE_PIPELINE),
            f"请起草协议：{project.name}一企一策",
            f"{project.department.name}已报送“{project.name}”第{approval.round}轮核心条款，"
            "请起草协议文本和实施细则。",
            actor,
        )
    else:
        _notify_terms(
            approval,
            recipients_in_unit(project.department, permission=roles.VIEW_PIPELINE),
            f"已提交常务会议：{project.name}一企一策",
            f"招商办已将“{project.name}”一企一策（第{approval.round}轮）提交区政府常务会议审议。",
            actor,
        )
    return approval


def _notify_terms(approval, recipients, title, body, actor):
    notify(
        recipients=recipients,
        title=title,
        body=body,
        url=reverse("pipeline:project_terms", args=[approval.project_id]),
        kind="tailored_terms",
        actor=actor,
    )


SESSION = re.compile(
    r"(?:区政府)?\s*第?\s*(\d{1,4})\s*次?\s*(?:区政府)?\s*(?:常务会议|常务会|常委会)?"
)


def session_normalize(text: str) -> str:
    """ "第138次常务会议", "138", "第 138 次" → "第138次常务会议"."""
    match = SESSION.fullmatch((text or "").strip())
    if not match or int(match.group(1)) == 0:
        raise ValidationError(
            {"session": f"会次“{text}”无法识别，请填写如“第138次常务会议”或会次编号“138”。"}
        )
    return f"第{int(match.group(1))}次常务会议"


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    approval: TermsApproval,
    data: dict[str, Any],
    expected_state: str = TermsState.AWAITING_MEETING,
    today: dt.date | None = None,
) -> MeetingRecord:
    """Record the executive meeting's result: approval freezes the terms and flags the
    project as 一企一策; a return sends them back to the department for a new round."""
    _require_office(actor)
    errors: dict[str, Any] = {}
    try:
        session = session_normalize(data.get("session") or "")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        session = ""
    if not data.get("held_on"):
        errors["held_on"] = "请填写会议日期。"
    elif data["held_on"] > (today or timezone.localdate()):
        errors["held_on"] = "会议日期不能晚于今天。"
    if not (data.get("attendees") or "").strip():
        errors["attendees"] = "请填写出席人员。"
    decision = data.get("decision")
    if decision not in MeetingRecord.Decision.values:
        errors["decision"] = "请选择审议结果。"
    if decision == MeetingRecord.Decision.RETURNED and not (data.get("opinion") or "").strip():
        errors["opinion"] = "退回修改须写明退回理由。"
    if not (data.get("minutes") or "").strip() and not data.get("minutes_file"):
        errors["minutes"] = "请填写会议纪要或上传纪要文件。"
    if errors:
        raise ValidationError(errors)
    round_no = approval.round
    action = "approve" if decision == MeetingRecord.Decision.APPROVED else "return"
    approval = workflow.terms_move(
        actor=actor,
        approval=approval,
        action=action,
        note=(data.get("opinion") or "").strip() or f"{session}审议通过",
        expected_state=expected_state,
    )
    record = record_create(
        MeetingRecord,
        actor=actor,
        data={
            "approval": approval,
            "round": round_no,
            "held_on": data["held_on"],
            "session": session,
            "attendees": data["attendees"].strip(),
            "decision": decision,
            "opinion": (data.get("opinion") or "").strip(),
            "minutes": (data.get("minutes") or "").strip(),
            "created_by": actor,
        },
        detail=f"纪要文件：{data['minutes_file'].name}" if data.get("minutes_file") else "",
    )
    _attach(record, "minutes_file", data.get("minutes_file"))
    project = approval.project
    if action == "approve":
        body = f"“{project.name}”一企一策经{session}审议通过，条款已冻结。"
    else:
        body = f"“{project.name}”一企一策经{session}审议退回修改：{record.opinion}。请重新拟定核心条款（第{approval.round}轮）。"
    _notify_terms(
        approval,
        recipients_in_unit(project.department, permission=roles.VIEW_PIPELINE),
        f"常务会议{record.get_decision_display()}：{project.name}一企一策",
        body,
        actor,
    )
    if action == "approve":
        TermsApproval.objects.filter(pk=approval.pk).update(approved_on=data["held_on"])
        approval.approved_on = data["held_on"]
        project = Project.objects.get(pk=approval.project_id)
        record_update(
            project, actor=actor, data={"tailored_terms": True}, detail=f"{session}审议通过一企一策"
        )
    return record

"""Admission evaluations and tailored-terms approvals over JSON (read-only): the same
scoping as the pages, including the one widening — a named reviewer reads the evaluation
they review."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries, services

router = Router(tags=["准入评估与一企一策"])
VIEW = roles.VIEW_PIPELINE
MAX_LIMIT = 100


class EvaluationRow(Schema):
    id: int
    project_id: int
    project: str
    department: str
    template: str
    decision: str
    decision_label: str
    total: Decimal | None
    decided_on: datetime.date | None
    reviewers: int
    submitted: int


class CriterionOut(Schema):
    id: int
    dimension: str
    name: str
    weight: Decimal
    max_score: Decimal
    rule: str
    source_field: str
    value: Decimal | None  # the stored project value (computed criteria)
    computed_score: Decimal | None


class SheetOut(Schema):
    reviewer: str
    department: str
    submitted_at: datetime.datetime | None
    total: Decimal | None
    scores: dict[int, Decimal]


class EvaluationOut(EvaluationRow):
    conditions: str
    reasons: str
    criteria: list[CriterionOut]
    sheets: list[SheetOut]


class TermsRow(Schema):
    id: int
    project_id: int
    project: str
    department: str
    state: str
    state_label: str
    round: int
    approved_on: datetime.date | None


class DocumentOut(Schema):
    kind: str
    number: int
    round: int
    text: str
    has_file: bool
    note: str
    created_at: datetime.datetime


class MeetingOut(Schema):
    round: int
    held_on: datetime.date
    session: str
    attendees: str
    decision: str
    opinion: str
    minutes: str


class StepOut(Schema):
    action: str
    from_state: str
    to_state: str
    round: int
    note: str
    at: datetime.datetime


class TermsOut(TermsRow):
    documents: list[DocumentOut]
    meetings: list[MeetingOut]
    steps: list[StepOut]


def _limit(limit):
    return max(1, min(limit, MAX_LIMIT))


def _evaluation_row(e):
    return {
        "id": e.pk,
        "project_id": e.project_id,
        "project": e.project.name,
        "department": e.project.department.name,
        "template": str(e.template),
        "decision": e.decision,
        "decision_label": e.get_decision_display(),
        "total": e.total,
        "decided_on": e.decided_on,
        "reviewers": e.n_reviewers,
        "submitted": e.n_submitted,
    }


@router.get("/evaluations", response=list[EvaluationRow], summary="准入评估列表（按数据范围）")
@require(VIEW)
def list_evaluations(
    request, state: str = "", department: int | None = None, offset: int = 0, limit: int = 50
):
    qs = queries.evaluation_list(request.user, {"state": state, "department": department})
    return [_evaluation_row(e) for e in qs[max(offset, 0) : max(offset, 0) + _limit(limit)]]


@router.get(
    "/evaluations/{evaluation_id}",
    response=EvaluationOut,
    summary="一项准入评估：指标、评分表、结论",
)
@require(VIEW)
def get_evaluation(request, evaluation_id: int):
    evaluation = queries.evaluation_detail(request.user, evaluation_id)
    if evaluation is None:
        raise Http404
    criteria = list(evaluation.template.criteria.all())
    reviewers = list(evaluation.reviewers.select_related("user", "user__department"))
    scores = list(evaluation.scores.all())
    totals, _ = services.evaluation_totals(evaluation, criteria, scores, reviewers)
    computed = {s.criterion_id: s for s in scores if s.reviewer_id is None}
    evaluation.n_reviewers = len(reviewers)
    evaluation.n_submitted = sum(1 for r in reviewers if r.submitted_at)
    return {
        **_evaluation_row(evaluation),
        "conditions": evaluation.conditions,
        "reasons": evaluation.reasons,
        "criteria": [
            {
                "id": c.pk,
                "dimension": c.dimension,
                "name": c.name,
                "weight": c.weight,
                "max_score": c.max_score,
                "rule": c.rule,
                "source_field": c.source_field,
                "value": computed[c.pk].value if c.pk in computed else None,
                "computed_score": computed[c.pk].score if c.pk in computed else None,
            }
            for c in criteria
        ],
        # A sheet's scores are shown once submitted, as on the page.
        "sheets": [
            {
                "reviewer": r.user.full_name or r.user.username,
                "department": r.user.department.name,
                "submitted_at": r.submitted_at,
                "total": services.rounded(totals.get(r.pk)),
                "scores": {s.criterion_id: s.score for s in scores if s.reviewer_id == r.pk}
                if r.submitted_at
                else {},
            }
            for r in reviewers
        ],
    }


def _terms_row(a):
    return {
        "id": a.pk,
        "project_id": a.project_id,
        "project": a.project.name,
        "department": a.project.department.name,
        "state": a.state,
        "state_label": a.get_state_display(),
        "round": a.round,
        "approved_on": a.approved_on,
    }


@router.get("/terms", response=list[TermsRow], summary="一企一策审批列表（按数据范围）")
@require(VIEW)
def list_terms(
    request, state: str = "", department: int | None = None, offset: int = 0, limit: int = 50
):
    qs = queries.approval_list(request.user, {"state": state, "department": department})
    return [_terms_row(a) for a in qs[max(offset, 0) : max(offset, 0) + _limit(limit)]]


@router.get(
    "/terms/{approval_id}",
    response=TermsOut,
    summary="一项一企一策审批：各版本文本、会议记录、办理记录",
)
@require(VIEW)
def get_terms(request, approval_id: int):
    approval = get_object_or_404(
        queries.approvals(request.user).select_related("project", "project__department"),
        pk=approval_id,
    )
    return {
        **_terms_row(approval),
        "documents": [
            {
                "kind": d.kind,
                "number": d.number,
                "round": d.round,
                "text": d.text,
                "has_file": bool(d.file),
                "note": d.note,
                "created_at": d.created_at,
            }
            for d in approval.documents.order_by("kind", "number")
        ],
        "meetings": list(
            approval.meetings.values(
                "round", "held_on", "session", "attendees", "decision", "opinion", "minutes"
            )
        ),
        "steps": list(
            approval.steps.values("action", "from_state", "to_state", "round", "note", "at")
        ),
    }

"""Reads for admission evaluations and tailored-terms approvals, always through
``for_user``.

The one widening of scope, explicit here and nowhere else: a user named as a reviewer of
an evaluation may read that evaluation (and on its page the project facts it scores),
even when the project's unit is outside their data scope. It opens that evaluation
only — not the project's page, its ledger, other evaluations or anything else.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q

from ..models import (
    Evaluation,
    EvaluationReviewer,
    Project,
    TermsApproval,
    TermsDocument,
    TermsState,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User


def projects(user: User) -> QuerySet[Project]:
    return Project.objects.for_user(user)


def evaluations(user: User) -> QuerySet[Evaluation]:
    """Evaluations of projects in the user's scope, plus those the user reviews."""
    in_scope = Evaluation.objects.for_user(user).values("pk")
    return Evaluation.objects.filter(Q(pk__in=in_scope) | Q(reviewers__user=user)).distinct()


def evaluation_list(user: User, filters: dict[str, str]) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.for_user(user).select_related(
        "project", "project__department", "template"
    )
    state = filters.get("state")
    if state == "pending":
        qs = qs.filter(decision="")
    elif state:
        qs = qs.filter(decision=state)
    if filters.get("department"):
        qs = qs.filter(project__department_id=filters["department"])
    if filters.get("q"):
        qs = qs.filter(project__name__contains=filters["q"])
    return qs.annotate(
        n_reviewers=Count("reviewers", distinct=True),
        n_submitted=Count(
            "reviewers", filter=Q(reviewers__submitted_at__isnull=False), distinct=True
        ),
    ).order_by("-id")


def evaluation_detail(user: User, pk: int) -> Evaluation | None:
    return (
        evaluations(user)
        .select_related("project", "project__department", "project__enterprise", "template")
        .filter(pk=pk)
        .first()
    )


def my_reviews(user: User, pending_only: bool = True) -> QuerySet[EvaluationReviewer]:
    """待我评审: evaluations naming the user, not yet submitted by them and not decided."""
    qs = EvaluationReviewer.objects.filter(user=user).select_related(
        "evaluation",
        "evaluation__project",
        "evaluation__project__department",
        "evaluation__template",
    )
    if pending_only:
        qs = qs.filter(submitted_at__isnull=True, evaluation__decision="")
    return qs.order_by("-evaluation_id")


def awaiting_decision(user: User) -> QuerySet[Evaluation]:
    """Evaluations with every sheet in and no decision yet (the office's to-do)."""
    open_sheet = EvaluationReviewer.objects.filter(
        evaluation=OuterRef("pk"), submitted_at__isnull=True
    )
    return Evaluation.objects.for_user(user).filter(decision="").exclude(Exists(open_sheet))


def project_evaluations(project: Project) -> QuerySet[Evaluation]:
    return project.evaluations.select_related("template", "decided_by").order_by("-id")


def approvals(user: User) -> QuerySet[TermsApproval]:
    return TermsApproval.objects.for_user(user)


def approval_list(user: User, filters: dict[str, str]) -> QuerySet[TermsApproval]:
    qs = approvals(user).select_related("project", "project__department", "project__enterprise")
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("department"):
        qs = qs.filter(project__department_id=filters["department"])
    if filters.get("q"):
        qs = qs.filter(project__name__contains=filters["q"])
    return qs.order_by("-id")


def approval_counts(user: User) -> list[tuple[str, str, int]]:
    rows = approvals(user).values("state").annotate(n=Count("pk"))
    counts = {r["state"]: r["n"] for r in rows}
    return [(value, label, counts.get(value, 0)) for value, label in TermsState.choices]


def project_approvals(project: Project) -> QuerySet[TermsApproval]:
    return project.terms_approvals.order_by("-id")


def documents_by_kind(approval: TermsApproval) -> dict[str, list[TermsDocument]]:
    """{kind: [versions, oldest first]} with each version's diff against the one before."""
    out: dict[str, list[Any]] = {k: [] for k in TermsDocument.Kind.values}
    for doc in approval.documents.select_related("created_by", "department").order_by(
        "kind", "number"
    ):
        versions = out[doc.kind]
        # The page shows each version with its diff: an attribute of the row as read.
        doc.diff = text_diff(versions[-1].text, doc.text) if versions else None  # type: ignore[attr-defined]
        versions.append(doc)
    return out


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "same" / "del" / "ins", character by character (Chinese text
    has no spaces to split words on), merged into runs for display."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("same", old[i1:i2]))
        if tag in ("delete", "replace"):
            out.append(("del", old[i1:i2]))
        if tag in ("insert", "replace"):
            out.append(("ins", new[j1:j2]))
    return out

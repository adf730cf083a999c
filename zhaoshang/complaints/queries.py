"""Reads of complaints. A complaint is read only with ``complaints.view_complaint`` (the
discipline office and leaders), then through ``for_user``; a department reads the tasks
given to it, and from them only the task's own columns (``TASK_VALUES``): never the
complaint's content, complainant, contact or number."""

from typing import Any

from django.db.models import Q

from zhaoshang.org.roles import VIEW_COMPLAINT

from .models import Complaint, ComplaintTask, TypicalCase

# Everything a department's task page, export, search and API may show.
TASK_VALUES = [
    "pk",
    "reference",
    "brief",
    "due_on",
    "status",
    "findings",
    "reported_on",
    "assigned_at",
    "department_id",
    "department__name",
]


def complaints(user: Any) -> Any:
    if not user.has_perm(VIEW_COMPLAINT):
        return Complaint.objects.none()
    return Complaint.objects.for_user(user)


def complaint_for(user: Any, pk: Any) -> Any:
    return complaints(user).select_related("handling_unit").filter(pk=pk).first()


def filtered(user: Any, params: Any, today: Any) -> Any:
    qs = complaints(user)
    if (status := params.get("status", "")) in Complaint.Status.values:
        qs = qs.filter(status=status)
    if params.get("overdue") == "1":
        qs = qs.filter(status__in=["received", "accepted"], due_on__lt=today)
    if q := params.get("q", "").strip()[:50]:
        qs = qs.filter(
            Q(number=q.upper())
            | Q(complainant_name__contains=q)
            | Q(enterprise_name__contains=q)
            | Q(content__contains=q)
        )
    return qs.order_by("-id")


def tasks(user: Any) -> Any:
    """The tasks given to the user's units (data scope of the task's department)."""
    return ComplaintTask.objects.for_user(user)


def task_rows(user: Any, params: Any = None) -> Any:
    params = params or {}
    qs = tasks(user)
    if (status := params.get("status", "")) in ComplaintTask.Status.values:
        qs = qs.filter(status=status)
    if q := params.get("q", "").strip()[:50]:
        # A department searches its own briefs and findings, nothing of the complaint.
        qs = qs.filter(Q(reference=q.upper()) | Q(brief__contains=q) | Q(findings__contains=q))
    return qs.order_by("-id").values(*TASK_VALUES)


def task_for(user: Any, pk: Any) -> Any:
    return tasks(user).filter(pk=pk).values(*TASK_VALUES, "version").first()


def published_cases() -> Any:
    """The portal's typical cases: published only, anonymised text only (no link back
    to the complaint)."""
    return (
        TypicalCase.objects.filter(published=True)
        .order_by("-published_on", "-id")
        .values("pk", "title", "summary", "handling", "published_on")
    )


def cases(user: Any) -> Any:
    if not user.has_perm(VIEW_COMPLAINT):
        return TypicalCase.objects.none()
    return TypicalCase.objects.filter(complaint__in=complaints(user)).select_related("complaint")

"""Reads of the opportunity library: staff reads through ``for_user``; the portal reads
``public()`` rows only. Leads and signings per opportunity are counted from the pipeline's
projects that name it."""

from typing import Any

from django.db.models import Count, Q

from zhaoshang.org import roles
from zhaoshang.pipeline.models import SIGNED_STAGES

from .models import PUBLIC_STATUSES, Opportunity, Status


def for_list(user: Any, *, q: str = "", status: str = "", key_industry: str = "") -> Any:
    qs = (
        readable(user)
        .select_related("department", "key_industry", "zone", "carrier")
        .annotate(
            lead_count=Count("projects", distinct=True),
            signed_count=Count(
                "projects", filter=Q(projects__stage__in=SIGNED_STAGES), distinct=True
            ),
        )
        .order_by("-id")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(summary__icontains=q))
    if status in Status.values:
        qs = qs.filter(status=status)
    if str(key_industry).isdigit():
        qs = qs.filter(key_industry_id=int(key_industry))
    return qs


def readable(user: Any) -> Any:
    """What a staff user may open: their scope's opportunities, and every published one
    (it is on the portal anyway)."""
    if not user.has_perm(roles.VIEW_OPPORTUNITIES):
        return Opportunity.objects.none()
    own = Opportunity.objects.for_user(user).values("pk")
    return Opportunity.objects.filter(Q(pk__in=own) | Q(status__in=PUBLIC_STATUSES)).select_related(
        "department", "key_industry", "zone", "carrier", "industry"
    )


def editable(user: Any) -> Any:
    """What a staff user may change: their scope's opportunities only."""
    return Opportunity.objects.for_user(user).select_related("department")


def counts(opportunity: Any) -> Any:
    """Leads and signings that name this opportunity (a report figure)."""
    return opportunity.projects.aggregate(
        leads=Count("pk"), signed=Count("pk", filter=Q(stage__in=SIGNED_STAGES))
    )


def choices_for_lead() -> Any:
    """What a lead may name: the opportunities offered now (published or negotiating)."""
    return Opportunity.objects.filter(status__in=[Status.PUBLISHED, Status.NEGOTIATING]).order_by(
        "name"
    )

"""Reads of the partner registry, referrals and rewards, always through ``for_user``."""

from typing import Any

from django.db.models import Count, Q

from zhaoshang.org import roles
from zhaoshang.pipeline.models.projects import Project

from .models import AgencyFee, FinderReward, Partner, RewardRule

PARTNER_VALUES = ["pk", "name", "kind", "city", "phone", "declaration", "is_active"]
REWARD_VALUES = [
    "pk",
    "status",
    "amount",
    "funds",
    "created_at",
    "paid_on",
    "partner__name",
    "project__name",
    "project__department__name",
]


def partners(user: Any) -> Any:
    return Partner.objects.for_user(user)


def partner_for(user: Any, pk: Any) -> Partner | None:
    return partners(user).select_related("user", "department").filter(pk=pk).first()


def partner_filtered(user: Any, params: Any) -> Any:
    qs = partners(user)
    if (kind := params.get("kind", "")) in Partner.Kind.values:
        qs = qs.filter(kind=kind)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(name__icontains=q)
    if params.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    return qs


def referrals_of(user: Any, partner: Partner) -> Any:
    """The leads and projects ``partner`` referred that ``user`` may read."""
    return (
        Project.objects.for_user(user)
        .filter(referrer=partner)
        .select_related("department", "enterprise")
        .order_by("-id")
    )


def referral_counts(user: Any, partner_ids: list[int]) -> dict[int, int]:
    rows = (
        Project.objects.for_user(user)
        .filter(referrer_id__in=partner_ids)
        .values("referrer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["referrer_id"]: r["n"] for r in rows}


def rewards(user: Any) -> Any:
    return FinderReward.objects.for_user(user)


def reward_for(user: Any, pk: Any) -> FinderReward | None:
    return (
        rewards(user)
        .select_related(
            "partner", "partner__user", "project", "project__department", "rule", "created_by"
        )
        .filter(pk=pk)
        .first()
    )


def reward_filtered(user: Any, params: Any) -> Any:
    qs = rewards(user)
    if (status := params.get("status", "")) in FinderReward.Status.values:
        qs = qs.filter(status=status)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(partner__name__icontains=q) | Q(project__name__icontains=q))
    return qs


def steps_of(reward: FinderReward) -> Any:
    return reward.steps.select_related("actor").order_by("at", "id")


def rules() -> Any:
    return RewardRule.objects.all()


def fees_of(user: Any, partner: Partner) -> Any:
    return AgencyFee.objects.for_user(user).filter(partner=partner).select_related("department")


def waiting_counts(user: Any) -> list[tuple[str, int]]:
    """The reward counts a home card shows: waiting for approval, waiting for payment."""
    S = FinderReward.Status
    counts = dict(
        rewards(user)
        .filter(status__in=[S.SUBMITTED, S.APPROVED])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    lines = []
    if user.has_perm(roles.APPROVE_REWARDS) or user.has_perm(roles.VIEW_REWARDS):
        lines.append(("待审批", counts.get(S.SUBMITTED, 0)))
    lines.append(("已批准待拨付", counts.get(S.APPROVED, 0)))
    return lines

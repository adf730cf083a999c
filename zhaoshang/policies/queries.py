"""Reads of the policy library. Staff read through ``for_user`` (a department drafts and
reads its own drafts; every published policy is readable by all promotion users, since
it is public anyway); the portal reads ``public()`` only. Search by industry and keyword
(title, 文号 and the three parts)."""

from typing import Any

from django.db.models import Q

from .models import PUBLIC_STATUSES, Policy, Status


def readable(user: Any) -> Any:
    """Own unit's policies (drafts included) and every published one."""
    own = Policy.objects.for_user(user).values("pk")
    return Policy.objects.filter(Q(pk__in=own) | Q(status__in=PUBLIC_STATUSES))


def search(qs: Any, *, q: str = "", industry: str = "", status: str = "") -> Any:
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(doc_number__icontains=q)
            | Q(measures__icontains=q)
            | Q(rules__icontains=q)
            | Q(explanation__icontains=q)
        )
    if str(industry).isdigit():
        qs = qs.filter(industries=int(industry))
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs


def for_list(user: Any, **filters: Any) -> Any:
    return (
        search(readable(user), **filters)
        .select_related("department")
        .order_by("-valid_from", "-id")
    )


def history(policy: Any, *, public_only: bool = False) -> Any:
    """Every version of the policy, oldest first: follow ``supersedes`` back and
    ``superseded_by`` forward (a handful of rows; one query per version)."""
    chain = [policy]
    node = policy
    while node.supersedes_id:
        node = Policy.objects.get(pk=node.supersedes_id)
        chain.insert(0, node)
    node = policy
    while (nxt := Policy.objects.filter(supersedes=node).first()) is not None:
        chain.append(nxt)
        node = nxt
    if public_only:
        chain = [p for p in chain if p.status in PUBLIC_STATUSES]
    return chain

"""Reads of API keys, scoped like every other read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.org.models import Role

from .models import ApiKey

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User


def keys_for(user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_user(user).select_related(
        "user__department", "role", "created_by", "revoked_by"
    )


def assignable_roles() -> QuerySet[Role]:
    """The roles a key may act with: business roles only (an administrator's powers are
    never handed to another system)."""
    return Role.objects.filter(kind=Role.Kind.BUSINESS).order_by("id")


def key_for_call(prefix: str) -> ApiKey | None:
    """The key a request presents, with what a call needs: its account, unit and role.
    (Authentication: there is no user yet to scope by; the key then acts through
    ``for_user`` as its service account.)"""
    return ApiKey.objects.select_related("user__department", "role").filter(prefix=prefix).first()

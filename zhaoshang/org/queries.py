"""Reads of units, users and roles, always through the user's data scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from .models import Department, Grant, Role, User

if TYPE_CHECKING:
    import datetime as dt

    from django.db.models import QuerySet

# Permissions only the three administrators may hold: never offered for custom roles.
ADMIN_ONLY = {
    "manage_user",
    "manage_department",
    "manage_role",
    "unlock_user",
    "manage_policy",
    "view_audit_log",
}
OUR_APPS = {"org", "audit", "reference", "enterprises"}


def grantable_permissions() -> QuerySet[Permission]:
    return (
        Permission.objects.filter(content_type__app_label__in=OUR_APPS)
        .exclude(codename__in=ADMIN_ONLY)
        .exclude(codename__regex=r"^(add|change|delete)_")
        .select_related("content_type")
        .order_by("content_type__app_label", "codename")
    )


def departments_for(user: User) -> QuerySet[Department]:
    return Department.objects.for_user(user)


def department_tree(user: User, q: str = "", kind: str = "") -> QuerySet[Department]:
    """Units in tree order with their user counts; a search keeps the matches' ancestors
    so the tree still reads as a tree."""
    units = (
        departments_for(user)
        .select_related("parent")
        .annotate(user_count=Count("users", filter=Q(users__is_active=True)))
    )
    if q or kind:
        found = units.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q)
        )
        matches = list(found.filter(kind=kind) if kind else found)
        keep = {int(pk) for d in matches for pk in d.path.strip("/").split("/")}
        units = units.filter(pk__in=keep)
    return units.order_by("path")


def users_for(
    user: User,
    *,
    q: str = "",
    department: Department | None = None,
    role: Role | None = None,
    active: bool | None = None,
    include_below: bool = True,
) -> QuerySet[User]:
    users = (
        User.objects.for_user(user)
        .select_related("department")
        .prefetch_related(Prefetch("grants", queryset=Grant.objects.select_related("role")))
    )
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(phone__icontains=q)
            | Q(title__icontains=q)
        )
    if department is not None:
        users = (
            users.filter(department__path__startswith=department.path)
            if include_below
            else users.filter(department=department)
        )
    if role is not None:
        users = users.filter(grants__role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("department__path", "username")


def roles_with_counts() -> QuerySet[Role]:
    return (
        Role.objects.annotate(holders=Count("grants"))
        .prefetch_related("permissions")
        .order_by("kind", "id")
    )


def grants_for(user: User, *, role: str | None = None, q: str = "") -> QuerySet[Grant]:
    grants = Grant.objects.filter(user__in=User.objects.for_user(user)).select_related(
        "user__department", "role", "granted_by"
    )
    if role:
        grants = grants.filter(role_id=role)
    if q:
        grants = grants.filter(Q(user__username__icontains=q) | Q(user__full_name__icontains=q))
    return grants.order_by("role__kind", "role_id", "user__department__path", "user__username")


GOVERNMENT_SUFFIXES = ("人民政府", "政府")


def district_name() -> str:
    """The district's (or city's) own name, for report titles and issuers.

    One source: the top of the unit tree, the unit without a parent that the others sit
    under (the demo's 河西区人民政府). Governments are named "<name>人民政府", so the
    name is the unit's without that suffix; renaming the unit renames every report. A
    flat list of units has no top, and then reports carry no district name rather than
    someone else's."""
    name = (
        Department.objects.filter(parent__isnull=True, children__isnull=False)
        .order_by("path")
        .values_list("name", flat=True)
        .first()
    )
    if not name:
        return ""
    for suffix in GOVERNMENT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def report_issuer(district: str | None = None) -> str:
    """The office that issues the district's reports, as its documents sign them."""
    district = district_name() if district is None else district
    return f"{district}招商引资工作领导小组办公室"


# --- Login lockout (security administrator's page; not unit-scoped: the administrator
# sees every account and address) ---------------------------------------------------------
def _recent_attempts(now=None):
    from axes.models import AccessAttempt

    from . import policy

    since = (now or timezone.now()) - policy.cool_off()
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def locked_accounts(
    now: dt.datetime | None = None, username: str | None = None
) -> list[dict[str, Any]]:
    """Accounts whose failures within the lockout time reach the limit, wherever from:
    rows of (username, failures, latest failure, addresses)."""
    from . import policy

    rows = _recent_attempts(now).exclude(username=None)
    if username is not None:
        rows = rows.filter(username=username)
    return [
        r
        for r in rows.values("username")
        .annotate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
        .filter(failures__gte=policy.current()["lockout_failures"])
        .order_by("-latest")
    ]


def locked_addresses(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Addresses from which failures for as many accounts as the policy allows have come
    within the lockout time (password spraying)."""
    from . import policy

    return list(
        _recent_attempts(now)
        .values("ip_address")
        .annotate(accounts=Count("username", distinct=True), latest=Max("attempt_time"))
        .filter(accounts__gte=policy.current()["address_lockout_accounts"])
        .order_by("-latest")
    )

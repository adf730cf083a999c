"""The one scoping function every read goes through.

A model's queryset names where its owning unit and its owner are; ``for_user`` then
applies the user's data scope: all, own unit and below, own unit, or own records. Lists,
details, exports, reports, search and the API all start from ``Model.objects.for_user``.

A record that belongs to two units (a push: the unit that sent it and the one it went
to) names both paths in ``scope_unit_field``; either unit reads it. A read about one side
only ("pushes to my units") passes ``unit_field`` for that call.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q


class DataScope(models.TextChoices):
    # Ordered from widest to narrowest; a user with several roles gets the widest.
    ALL = "all", "全部数据"
    UNIT_AND_BELOW = "unit_and_below", "本单位及下级单位"
    UNIT = "unit", "本单位"
    OWN = "own", "本人记录"
    NONE = "none", "无业务数据"


SCOPE_ORDER = [
    DataScope.ALL,
    DataScope.UNIT_AND_BELOW,
    DataScope.UNIT,
    DataScope.OWN,
    DataScope.NONE,
]


class ScopedQuerySet(models.QuerySet):
    # Lookup path from the model to its owning Department; "" when the model IS the unit.
    scope_unit_field = "department"
    # Lookup path from the model to the user who owns the record ("" = no owner: unit).
    scope_owner_field = "created_by"

    def for_user(self, user, *, unit_field=None):
        return for_user(self, user, unit_field=unit_field)


def load_authorisation(user):
    """The user's permissions, widest data scope and whether a role is an administrator's,
    read together in one query and kept on the user object for the request (a page asks
    for them, often several times, and the login gate checks the last on every request).

    Nothing is kept beyond the request: a grant or revocation counts from the next one."""
    # The model by name: this module sits below org.models, which imports it.
    Role = apps.get_model("org", "Role")
    scopes, kinds, perms = set(), set(), set()
    for scope, kind, app_label, codename in (
        Role.objects.filter(grants__user=user)
        .values_list(
            "data_scope", "kind", "permissions__content_type__app_label", "permissions__codename"
        )
        .order_by()
    ):
        scopes.add(scope)
        kinds.add(kind)
        if codename:  # a role without permissions joins to NULLs
            perms.add(f"{app_label}.{codename}")
    user._zs_scope = next((s for s in SCOPE_ORDER if s in scopes), DataScope.NONE)
    user._perm_cache = perms
    user._zs_admin = bool(kinds - {Role.Kind.BUSINESS})


def authorise_as_role(user, role):
    """Give ``user`` the permissions and data scope of ``role`` for this request only,
    whatever roles the account holds: an API key's service account acts with its key's
    role (``zhaoshang.api.auth``), so revoking or changing the key counts at once."""
    perms = {
        f"{app_label}.{codename}"
        for app_label, codename in role.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    user._zs_scope = role.data_scope
    user._perm_cache = perms


def user_scope(user):
    """The widest data scope among the user's roles (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DataScope.NONE
    if getattr(user, "_zs_scope", None) is None:
        load_authorisation(user)
    return user._zs_scope


def for_user(queryset, user, *, unit_field=None):
    """``queryset`` narrowed to what ``user`` may read. ``unit_field``: the path (or
    paths) to the owning unit for this read, instead of the queryset's own."""
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return queryset
    if scope == DataScope.NONE:
        return queryset.none()
    fields = unit_field or getattr(queryset, "scope_unit_field", "department")
    owner_field = getattr(queryset, "scope_owner_field", "")
    if scope == DataScope.OWN and owner_field:
        return queryset.filter(**{owner_field: user.pk})
    allowed = Q()
    for field in (fields,) if isinstance(fields, str) else fields:
        if scope == DataScope.UNIT_AND_BELOW:
            lookup = f"{field}__path__startswith" if field else "path__startswith"
            allowed |= Q(**{lookup: user.department.path})
        else:
            # Own unit (and "own records" on models without an owner: the unit owns them).
            allowed |= Q(**{field or "pk": user.department_id})
    return queryset.filter(allowed)

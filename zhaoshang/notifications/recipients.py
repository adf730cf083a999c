"""Who is told: the one rule for picking the people of a unit a notification goes to.

A message about a unit's work goes to the unit's active users who hold the permission
that work needs, through any of their roles: a lead pushed to a unit is read by those
who may see leads (``VIEW_PIPELINE``), an overdue ledger is for those who may keep one
(``MANAGE_PIPELINE``). An account without that permission (an auditor or a system
administrator seated in the unit) is not told about work it cannot open. One query,
whatever the number of units or roles; the result is ordered, so messages go out in
the same order every time.

This is a system read (who receives), not a user's read, so it is not scoped by
``for_user``: the recipients then open the record through their own scope."""

from zhaoshang.org.models import User


def _holders(permission):
    users = User.objects.filter(is_active=True)
    if permission is not None:
        app_label, codename = permission.split(".", 1)
        users = users.filter(
            grants__role__permissions__content_type__app_label=app_label,
            grants__role__permissions__codename=codename,
        )
    return users.distinct().order_by("pk")


def recipients_in_unit(*units, permission=None):
    """The active users of ``units`` (Departments or their ids; None ignored) holding
    ``permission`` ("app.codename", a constant of ``org/roles.py``); every active user
    of the units when ``permission`` is None."""
    ids = [getattr(u, "pk", u) for u in units if u is not None]
    return list(_holders(permission).filter(department_id__in=ids))


def permission_holders(permission):
    """Every active user, of any unit, holding ``permission``: the office's coordinators
    when a step waits on the office."""
    return list(_holders(permission))

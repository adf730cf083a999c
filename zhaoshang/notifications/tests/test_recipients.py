"""Who in a unit is told: the active users of the unit holding the permission the work
needs, through any role, and nobody else."""

from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org import roles
from zhaoshang.org.models import Grant, Role, User


def _user(username, unit, *role_codes, active=True):
    user = User.objects.create(username=username, department=unit, is_active=active)
    for code in role_codes:
        Grant.objects.create(user=user, role=Role.objects.get(code=code))
    return user


def test_only_active_holders_of_the_permission_in_the_unit_are_told(demo):
    unit = demo["department_staff"].department
    other = demo["office_staff"].department
    staff = _user("t_staff", unit, "department_staff")
    leader = _user("t_leader", unit, "leader")  # reads leads, keeps none
    # Two roles that both carry the permission: told once.
    both = _user("t_both", unit, "department_staff", "department_head")
    _user("t_admin", unit, "system_admin")  # seated in the unit, may not open leads
    _user("t_gone", unit, "department_staff", active=False)
    _user("t_elsewhere", other, "department_staff")

    readers = recipients_in_unit(unit, permission=roles.VIEW_PIPELINE)
    keepers = recipients_in_unit(unit.pk, permission=roles.MANAGE_PIPELINE)

    assert {staff, leader, both} <= set(readers)
    assert len(readers) == len(set(readers))
    assert not {u.username for u in readers} & {"t_admin", "t_gone", "t_elsewhere"}
    assert leader not in keepers and {staff, both} <= set(keepers)
    assert all(u.department_id == unit.pk for u in readers)


def test_several_units_at_once_and_none_ignored(demo):
    a = demo["department_staff"].department
    b = demo["office_staff"].department
    told = recipients_in_unit(a, None, b, permission=roles.VIEW_PIPELINE)
    assert {demo["department_staff"], demo["office_staff"]} <= set(told)
    assert recipients_in_unit(None, permission=roles.VIEW_PIPELINE) == []


def test_permission_holders_are_found_in_any_unit(demo):
    office = permission_holders(roles.COORDINATE_PIPELINE)
    assert demo["office_staff"] in office
    assert demo["department_staff"] not in office

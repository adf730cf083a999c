from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import queries
from .scoping import user_scope

router = Router(tags=["组织"])


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    code: str
    is_active: bool


class MeOut(Schema):
    username: str
    full_name: str
    department: DepartmentOut
    roles: list[str]
    data_scope: str
    permissions: list[str]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "department": user.department,
        "roles": [g.role.code for g in user.grants.select_related("role")],
        "data_scope": user_scope(user),
        "permissions": sorted(user.get_all_permissions()),
    }


@router.get("/departments", response=list[DepartmentOut], summary="单位列表（按数据范围）")
@require(roles.VIEW_DEPARTMENT)
def departments(request):
    return list(queries.departments_for(request.user))


@router.get("/departments/{department_id}", response=DepartmentOut, summary="单位详情")
@require(roles.VIEW_DEPARTMENT)
def department(request, department_id: int):
    return get_object_or_404(queries.departments_for(request.user), pk=department_id)

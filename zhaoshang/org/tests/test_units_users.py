"""Managing units, users and grants on the application's own pages."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common.records import StaleEditError
from zhaoshang.org import services
from zhaoshang.org.models import Department, User


@pytest.mark.usefixtures("demo_district")
def test_the_demo_district_has_every_kind_of_unit():
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert kinds >= {k.value for k in Department.Kind} - {"other"} | {"other"}
    office = Department.objects.get(name="区招商办")
    assert office.kind == "office" and office.parent.name == "区商务局"
    for zone in ["泛友谊路小白楼金融圈", "新八大里数字经济聚集区", "陈塘科技商务区"]:
        assert Department.objects.get(name=zone).kind == "zone"


def test_moving_a_unit_moves_its_subtree(demo):
    admin = demo["system_admin"]
    commerce = Department.objects.get(name="区商务局")
    office = Department.objects.get(name="区招商办")
    tech = Department.objects.get(name="区科技局")
    services.department_update(
        actor=admin, department=commerce, data={"parent": tech}, version=commerce.version
    )
    office.refresh_from_db()
    assert office.path.startswith(tech.path)
    # A department head of 区科技局 now sees 区招商办 as below their unit.
    assert Department.objects.filter(path__startswith=tech.path, name="区招商办").exists()


def test_a_unit_cannot_move_under_itself(demo):
    commerce = Department.objects.get(name="区商务局")
    office = Department.objects.get(name="区招商办")
    with pytest.raises(ValidationError) as exc:
        services.department_update(
            actor=None, department=commerce, data={"parent": office}, version=commerce.version
        )
    assert "下级单位" in str(exc.value)


def test_stale_edit_is_refused(demo, client_for):
    admin = client_for("system_admin")
    unit = Department.objects.get(name="区科技局")
    form = {
        "name": "区科学技术局",
        "short_name": "科技局",
        "kind": "department",
        "parent": unit.parent_id,
        "sort_order": 100,
        "is_active": "on",
        "version": unit.version,
    }
    assert admin.post(f"/org/departments/{unit.pk}/edit/", form).status_code == 302
    event = AuditEvent.objects.filter(action="update", object_id=str(unit.pk)).latest("pk")
    assert event.changes["name"] == ["区科技局", "区科学技术局"]
    # A colleague who opened the form before that save submits the old version.
    response = admin.post(f"/org/departments/{unit.pk}/edit/", {**form, "name": "区科技创新局"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "区科学技术局"


def test_form_errors_are_chinese_and_save_nothing(demo, client_for):
    admin = client_for("system_admin")
    before = User.objects.count()
    response = admin.post(
        "/org/users/new/", {"username": "", "full_name": "", "department": "", "password": "123"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in page
    assert User.objects.count() == before


def test_stale_record_update_raises(demo):
    unit = Department.objects.get(name="区金融局")
    services.department_update(
        actor=None, department=unit, data={"phone": "022-1"}, version=unit.version
    )
    stale = Department.objects.get(pk=unit.pk)
    stale.version -= 1
    with pytest.raises(StaleEditError):
        services.department_update(
            actor=None, department=stale, data={"phone": "022-2"}, version=stale.version
        )


def test_changes_are_audited_with_old_and_new_values(demo):
    unit = Department.objects.get(name="区金融局")
    services.department_update(
        actor=demo["system_admin"],
        department=unit,
        data={"phone": "022-88888888"},
        version=unit.version,
    )
    event = AuditEvent.objects.filter(action="update", object_type="org.department").latest("pk")
    assert event.changes["phone"] == ["", "022-88888888"]
    assert event.username == demo["system_admin"].username


def test_user_list_searches_filters_and_exports(demo, client_for):
    admin = client_for("system_admin")
    name = demo["department_staff"].full_name
    page = admin.get("/org/users/", {"q": name}).content.decode()
    assert demo["department_staff"].username in page and demo["office_staff"].username not in page
    unit = Department.objects.get(name="区科技局")
    page = admin.get("/org/users/", {"department": unit.pk}).content.decode()
    assert demo["department_staff"].username in page and demo["discipline"].username not in page
    response = admin.get("/org/users/", {"export": "xlsx", "q": name})
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("登录账号", "姓名", "所属单位")
    assert [r[0] for r in rows[1:]] == [demo["department_staff"].username]


def test_user_list_query_count_is_pinned(demo, client_for):
    admin = client_for("system_admin")
    admin.get("/org/users/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        admin.get("/org/users/")
    office = demo["office_staff"]
    for i in range(30):
        User.objects.create(
            username=f"u{i}", full_name=f"用户{i}", department=office.department, password="!"
        )
    with CaptureQueriesContext(connection) as many:
        admin.get("/org/users/")
    assert len(many) == len(few), "用户列表的查询数随行数增长（N+1）"
    assert len(many) <= 14, [q["sql"] for q in many.captured_queries]


def test_grants_through_the_page(demo, client_for):
    sec = client_for("security_admin")
    clerk = demo["department_staff"]
    from zhaoshang.org.models import Role

    head = Role.objects.get(code="department_head")
    sec.post(f"/org/users/{clerk.pk}/grants/", {"role": head.pk})
    assert clerk.grants.filter(role=head).exists()
    assert AuditEvent.objects.filter(action="grant", object_id=str(clerk.pk)).exists()
    sec.post(f"/org/users/{clerk.pk}/grants/{head.pk}/revoke/")
    assert not clerk.grants.filter(role=head).exists()


def test_scope_own_unit_and_below(demo):
    from zhaoshang.org.scoping import user_scope

    head = demo["department_head"]  # 区商务局, with 区招商办 below it
    assert user_scope(head) == "unit_and_below"
    names = set(Department.objects.for_user(head).values_list("name", flat=True))
    assert names == {"区商务局", "区招商办"}
    clerk = demo["department_staff"]
    assert set(Department.objects.for_user(clerk).values_list("name", flat=True)) == {"区科技局"}
    assert Department.objects.for_user(demo["audit_admin"]).count() == 0
    assert Department.objects.for_user(demo["leader"]).count() == Department.objects.count()


def test_unit_list_filters_by_kind_and_keeps_the_tree(demo, client_for):
    page = client_for("office_staff").get("/org/departments/", {"kind": "street"}).content.decode()
    assert "友谊路街道" in page and "区科技局" not in page
    assert "河西区人民政府" in page  # the streets' parent stays, so the tree reads as a tree


def test_role_list_exports(demo, client_for):
    response = client_for("security_admin").get("/org/roles/", {"export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("角色", "类别", "数据范围")
    assert "审计管理员" in {r[0] for r in rows[1:]}

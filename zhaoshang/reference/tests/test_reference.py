"""Reference data: the shipped national data, key industries, zones and carriers, and the
carrier import as a clerk runs it (dry run, commit, re-run)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common.records import StaleEditError
from zhaoshang.reference import services
from zhaoshang.reference.models import Carrier, EconomicArea, Industry, KeyIndustry, Region, Zone

HEADER = [
    "载体名称",
    "载体类型",
    "地址",
    "所属功能区",
    "总面积",
    "空置面积",
    "主导产业",
    "运营单位",
    "联系人",
    "联系电话",
    "闲置储备",
]


def xlsx(rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("载体.xlsx", buffer.getvalue())


GOOD = [
    [
        "河西科创大厦",
        "楼宇",
        "河西区珠江道1号",
        "陈塘科技商务区",
        32000,
        5000,
        "设计、生物医药",
        "陈塘公司",
        "张三",
        "022-1",
        "否",
    ],
    [
        "微山路地块",
        "土地",
        "河西区微山路",
        "",
        "12.5亩",
        12.5,
        "生物医药",
        "土地中心",
        "",
        "",
        "是",
    ],
]


def test_national_data_is_shipped(db):
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="division").count() == 97
    assert Industry.objects.get(code="65").name == "软件和信息技术服务业"
    assert Industry.objects.get(code="65").parent.code == "I"
    assert Region.objects.filter(kind="province").count() == 34
    assert Region.objects.get(code="120000").name == "天津市"
    jjj = EconomicArea.objects.get(code="jjj")
    assert set(jjj.regions.values_list("short_name", flat=True)) == {"北京", "天津", "河北"}
    # A region may belong to several areas.
    assert set(Region.objects.get(code="440000").areas.values_list("code", flat=True)) == {
        "gba",
        "bri",
    }


def test_demo_key_industries_zones_and_carriers(demo):
    fintech = KeyIndustry.objects.get(name="科技金融")
    assert fintech.department.name == "区金融局"
    assert set(fintech.divisions.values_list("code", flat=True)) >= {"66", "67"}
    assert Zone.objects.count() == 3
    land = Carrier.objects.filter(kind="land", idle_reserve=True, reserved_for_major=True)
    assert land.exists() and land.first().area_unit == "亩"


def test_carrier_rules(demo):
    from django.core.exceptions import ValidationError

    data = {
        "kind": "building",
        "name": "测试楼",
        "total_area": Decimal(100),
        "vacant_area": Decimal(200),
    }
    with pytest.raises(ValidationError) as exc:
        services.carrier_create(actor=None, data=data)
    assert "空置面积不能大于总面积" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.carrier_create(
            actor=None, data={**data, "vacant_area": Decimal(1), "idle_reserve": True}
        )
    assert "只有土地类载体" in str(exc.value)


def test_stale_carrier_edit_is_refused(demo, client_for):
    office = client_for("office_staff")
    carrier = Carrier.objects.get(name="陈塘科技大厦")
    form = {
        "kind": "building",
        "name": carrier.name,
        "total_area": "45000",
        "vacant_area": "8000",
        "version": carrier.version,
    }
    assert office.post(f"/reference/carriers/{carrier.pk}/edit/", form).status_code == 302
    response = office.post(
        f"/reference/carriers/{carrier.pk}/edit/", {**form, "vacant_area": "7000"}
    )
    assert "已被他人修改" in response.content.decode()
    carrier.refresh_from_db()
    assert carrier.vacant_area == Decimal("8000")
    with pytest.raises(StaleEditError):
        services.carrier_update(
            actor=None,
            carrier=carrier,
            data={"vacant_area": Decimal(1)},
            version=carrier.version - 1,
        )


def test_department_staff_reads_but_cannot_edit(demo, client_for):
    clerk = client_for("department_staff")
    assert clerk.get("/reference/carriers/").status_code == 200
    assert clerk.get("/reference/carriers/new/").status_code == 403
    assert clerk.post("/reference/carriers/import/").status_code == 403


def test_carrier_list_filters_and_export(demo, client_for):
    clerk = client_for("department_staff")
    zone = Zone.objects.get(name="陈塘科技商务区")
    page = clerk.get("/reference/carriers/", {"zone": zone.pk}).content.decode()
    assert "陈塘科技大厦" in page and "小白楼国际金融中心" not in page
    response = clerk.get("/reference/carriers/", {"kind": "land", "export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "载体名称"
    assert {r[0] for r in rows[1:]} == set(
        Carrier.objects.filter(kind="land").values_list("name", flat=True)
    )


def test_import_dry_run_lists_each_bad_row_and_changes_nothing(demo, client_for):
    office = client_for("office_staff")
    before = Carrier.objects.count()
    bad = [
        ["", "楼宇", "", "", 100, 0, "", "", "", "", ""],
        ["甲楼", "写字楼", "", "", 100, 0, "", "", "", "", ""],
        ["乙楼", "楼宇", "", "不存在的区", 100, 0, "", "", "", "", ""],
        ["丙楼", "楼宇", "", "", -5, 0, "", "", "", "", ""],
        ["丁楼", "楼宇", "", "", 100, 150, "", "", "", "", ""],
        ["戊楼", "楼宇", "", "", 100, 0, "元宇宙", "", "", "", ""],
        GOOD[0],
    ]
    response = office.post("/reference/carriers/import/", {"file": xlsx(bad)})
    page = response.content.decode()
    for row, text in [
        (2, "“载体名称”不能为空"),
        (3, "未知的载体类型"),
        (4, "功能区“不存在的区”不存在"),
        (5, "面积不能为负数"),
        (6, "大于总面积"),
        (7, "重点产业“元宇宙”不存在"),
    ]:
        assert f"第 {row} 行" in page and text in page, (row, text)
    assert "确认导入</button>" not in page
    assert Carrier.objects.count() == before


def test_import_commit_then_rerun_changes_nothing(demo, client_for):
    office = client_for("office_staff")
    response = office.post("/reference/carriers/import/", {"file": xlsx(GOOD)})
    page = response.content.decode()
    assert "试导入通过" in page
    token = response.context["token"]
    assert office.post("/reference/carriers/import/", {"token": token}).status_code == 302
    building = Carrier.objects.get(name="河西科创大厦")
    assert building.zone.name == "陈塘科技商务区"
    assert set(building.leading_industries.values_list("name", flat=True)) == {"设计", "生物医药"}
    assert Carrier.objects.get(name="微山路地块").total_area == Decimal("12.50")
    events = AuditEvent.objects.count()
    count = Carrier.objects.count()
    response = office.post("/reference/carriers/import/", {"file": xlsx(GOOD)})
    assert response.content.decode().count("无变化") == 2
    office.post("/reference/carriers/import/", {"token": response.context["token"]})
    assert Carrier.objects.count() == count
    # Only the import's own summary line was added; no row was rewritten.
    assert AuditEvent.objects.count() == events + 1
    changed = [GOOD[0][:5] + [3000] + GOOD[0][6:]]
    response = office.post("/reference/carriers/import/", {"file": xlsx(changed)})
    office.post("/reference/carriers/import/", {"token": response.context["token"]})
    building.refresh_from_db()
    assert building.vacant_area == Decimal("3000")


def test_export_then_import_changes_nothing(demo, client_for):
    office = client_for("office_staff")
    exported = office.get("/reference/carriers/", {"export": "xlsx"}).content
    upload = SimpleUploadedFile("导出.xlsx", exported)
    response = office.post("/reference/carriers/import/", {"file": upload})
    plan = response.context["plan"]
    assert plan and {action for _, action, _, _ in plan} == {"unchanged"}


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("a.csv", b"a,b"), "请上传 Excel 文件"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "不是有效的 Excel"),
        (None, "缺少必需的列"),
    ],
)
def test_bad_files_get_a_clear_message(demo, client_for, upload, message):
    office = client_for("office_staff")
    if upload is None:
        upload = xlsx([["x"]], header=["随便"])
    page = office.post("/reference/carriers/import/", {"file": upload}).content.decode()
    assert message in page


def test_too_large_file_is_refused(demo, client_for, settings):
    settings.MAX_IMPORT_FILE_BYTES = 1000
    page = (
        client_for("office_staff")
        .post("/reference/carriers/import/", {"file": xlsx(GOOD * 50)})
        .content.decode()
    )
    assert "文件过大" in page


def test_key_industry_edit_is_audited(demo, client_for):
    office = client_for("office_staff")
    key = KeyIndustry.objects.get(name="设计")
    form = {
        "name": "设计服务",
        "department": key.department_id,
        "divisions": [d.pk for d in key.divisions.all()],
        "sort_order": 5,
        "version": key.version,
    }
    assert office.post(f"/reference/key-industries/{key.pk}/edit/", form).status_code == 302
    event = AuditEvent.objects.filter(object_type="reference.keyindustry", action="update").latest(
        "pk"
    )
    assert event.changes["name"] == ["设计", "设计服务"]


def test_a_second_commit_of_the_same_file_is_refused_while_and_after_it_runs(
    demo, client_for, monkeypatch
):
    from zhaoshang.common.imports import ImportFileError
    from zhaoshang.reference import imports

    office = client_for("office_staff")
    token = office.post("/reference/carriers/import/", {"file": xlsx(GOOD)}).context["token"]
    before = Carrier.objects.count()
    # The second click arrives while the first request is still writing its rows.
    second = []
    create = imports.services.carrier_create

    def create_while_clicked_again(**kwargs):
        if not second:
            second.append("clicked")
            try:
                second.append(imports.carrier_import_commit(token, actor=demo["office_staff"]))
            except ImportFileError as exc:
                second.append(str(exc))
        return create(**kwargs)

    monkeypatch.setattr(imports.services, "carrier_create", create_while_clicked_again)
    assert office.post("/reference/carriers/import/", {"token": token}).status_code == 302
    assert second == [
        "clicked",
        "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行，请稍候查看结果。",
    ]
    assert Carrier.objects.count() == before + len(GOOD)
    assert AuditEvent.objects.filter(action="import", object_type="reference.carrier").count() == 1
    # A click after the commit finds the file used up and says so on the page.
    page = office.post("/reference/carriers/import/", {"token": token}).content.decode()
    assert "该文件已导入完成或已失效" in page

"""Reference data: the shipped national data, key industries, zones and carriers, and the
carrier import as a clerk runs it (dry run, commit, re-run)."""

import copy
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


URL = "/reference/carriers/import/"


def test_import_dry_run_lists_each_bad_row_and_changes_nothing(demo, client_for, job_imports):
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
        GOOD[0],
    ]
    job = job_imports.run(office, URL, xlsx(bad))
    assert job.state == "checked"
    page = office.get(f"{URL}{job.pk}/").content.decode()
    for row, column, text in [
        (2, "载体名称", "“载体名称”不能为空"),
        (3, "载体类型", "未知的载体类型"),
        (4, "所属功能区", "功能区“不存在的区”不存在"),
        (5, "总面积", "面积不能为负数"),
        (6, "空置面积", "大于总面积"),
        (7, "主导产业", "重点产业“元宇宙”不存在"),
        (9, "载体名称", "与第 8 行重复"),
    ]:
        assert [row, column] in [e[:2] for e in job.errors], (row, column)
        assert f"第 {row} 行" in page and text in page, (row, text)
    assert "确认导入</button>" not in page
    assert Carrier.objects.count() == before


def test_import_commit_then_rerun_changes_nothing(demo, client_for, job_imports):
    office = client_for("office_staff")
    job = job_imports.run(office, URL, xlsx(GOOD))
    assert job.summary == {"create": 2, "update": 0, "unchanged": 0}, job.errors
    assert "试导入通过" in office.get(f"{URL}{job.pk}/").content.decode()
    job = job_imports.commit(office, URL, job)
    assert job.state == "done" and job.summary["result"]["create"] == 2
    building = Carrier.objects.get(name="河西科创大厦")
    assert building.zone.name == "陈塘科技商务区"
    assert set(building.leading_industries.values_list("name", flat=True)) == {"设计", "生物医药"}
    assert Carrier.objects.get(name="微山路地块").total_area == Decimal("12.50")
    events = AuditEvent.objects.count()
    count = Carrier.objects.count()
    again = job_imports.run(office, URL, xlsx(GOOD))
    assert again.summary == {"create": 0, "update": 0, "unchanged": 2}
    again = job_imports.commit(office, URL, again)
    assert again.state == "done" and Carrier.objects.count() == count
    # Only the import's own summary line was added; no row was rewritten.
    assert AuditEvent.objects.count() == events + 1
    changed = [GOOD[0][:5] + [3000] + GOOD[0][6:]]
    job_imports.commit(office, URL, job_imports.run(office, URL, xlsx(changed)))
    building.refresh_from_db()
    assert building.vacant_area == Decimal("3000")


def test_export_then_import_changes_nothing(demo, client_for, job_imports):
    office = client_for("office_staff")
    exported = office.get("/reference/carriers/", {"export": "xlsx"}).content
    job = job_imports.run(office, URL, SimpleUploadedFile("导出.xlsx", exported))
    assert job.summary == {"create": 0, "update": 0, "unchanged": Carrier.objects.count()}


def test_mapping_is_guessed_from_the_headers_and_can_be_changed(demo, client_for, job_imports):
    """A header offices write otherwise ("楼宇名称") is not guessed; the clerk maps it on
    the page, and the dry run reads that column."""
    office = client_for("office_staff")
    header = ["楼宇名称", "* 类型", "总面积（万元）", "备注"]
    job = job_imports.upload(office, URL, xlsx([["新华大厦", "楼宇", 5000, "x"]], header=header))
    assert job.mapping == {"1": "kind", "2": "total_area"}
    page = office.get(f"{URL}{job.pk}/").content.decode()
    assert 'name="col0"' in page and '<option value="kind" selected>' in page
    job = job_imports.check(office, URL, job)
    assert job.errors[0][:2] == [0, "载体名称"] and "缺少必需的列" in job.errors[0][2]
    job = job_imports.check(office, URL, job, mapping={"0": "name", **job.mapping})
    assert job.errors == [] and job.summary["create"] == 1
    job_imports.commit(office, URL, job)
    assert Carrier.objects.get(name="新华大厦").total_area == Decimal("5000.00")


def test_the_dry_run_reports_its_progress_to_the_polling_page(
    demo, client_for, job_imports, monkeypatch
):
    from zhaoshang.common import imports, progress

    office = client_for("office_staff")
    rows = [[f"测试楼{i}", "楼宇", "", "", 100, 0, "", "", "", "", ""] for i in range(5)]
    job = job_imports.upload(office, URL, xlsx(rows))
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    reported = []
    keep = progress.progress_set
    monkeypatch.setattr(
        progress,
        "progress_set",
        lambda key, done, phase: reported.append(done) or keep(key, done, phase),
    )
    job = job_imports.check(office, URL, job)
    assert reported == [2, 4] and job.summary["create"] == 5
    # While a phase runs, the page polls with the background mark and shows the rows read.
    # (queued for the worker, so no heartbeat is looked for).
    type(job).objects.filter(pk=job.pk).update(state="checking", worker_started_at=None)
    keep(imports.progress_key(job), 4, "checking")
    page = office.get(f"{URL}{job.pk}/").content.decode()
    assert "X-ZS-Background" in page and 'hx-trigger="every 1s"' in page
    assert "已处理 4 / 5 行" in page
    poll = office.get(f"{URL}{job.pk}/?poll=1", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and 'id="job-progress"' in poll.content.decode()


def test_a_double_click_on_commit_queues_one_commit(
    demo, client_for, job_imports, monkeypatch, django_capture_on_commit_callbacks
):
    from zhaoshang.common import queue, tasks, views

    office = client_for("office_staff")
    job = job_imports.run(office, URL, xlsx(GOOD))
    queued = []
    monkeypatch.setattr(queue, "send", lambda task, *args: queued.append((task, args)) or True)
    # Two clicks in flight: both requests read the job as checked before either starts it.
    seen = type(job).objects.get(pk=job.pk)
    monkeypatch.setattr(views, "get_object_or_404", lambda qs, pk: copy.copy(seen))
    with django_capture_on_commit_callbacks(execute=True):
        first = office.post(f"{URL}{job.pk}/", {"action": "commit"}, follow=True)
        second = office.post(f"{URL}{job.pk}/", {"action": "commit"}, follow=True)
    user = demo["office_staff"].pk
    assert queued == [(tasks.commit_job_import, (job.pk, "reference.CarrierImport", user))]
    assert "本次操作未重复执行" not in first.content.decode()
    assert "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行" in (
        second.content.decode()
    )
    assert not Carrier.objects.filter(name="河西科创大厦").exists()


def test_with_the_broker_down_the_dry_run_goes_back_and_the_page_says_so(
    demo, client_for, job_imports, monkeypatch
):
    from zhaoshang.common import queue

    office = client_for("office_staff")
    job = job_imports.upload(office, URL, xlsx(GOOD))
    told = []
    monkeypatch.setattr(queue, "send", lambda task, *args: False)
    monkeypatch.setattr(queue, "tell", lambda request: told.append(request.path))
    job = job_imports.check(office, URL, job)
    # Back a step, so the clerk clicks again once the broker is back; and told so.
    assert job.state == "uploaded" and told == [f"{URL}{job.pk}/"]


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("a.txt", b"a,b"), "请上传 Excel"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "不是有效的 Excel"),
        (SimpleUploadedFile("a.csv", "载体名称,载体类型\n".encode()), "没有数据行"),
    ],
)
def test_bad_files_get_a_clear_message(demo, client_for, upload, message):
    page = client_for("office_staff").post(URL, {"file": upload}).content.decode()
    assert message in page


def test_too_large_file_is_refused(demo, client_for, settings):
    settings.MAX_IMPORT_FILE_BYTES = 1000
    page = client_for("office_staff").post(URL, {"file": xlsx(GOOD * 50)}).content.decode()
    assert "文件过大" in page


def test_a_dry_run_whose_worker_died_is_marked_failed_by_the_beat(demo, client_for, job_imports):
    from django.utils import timezone

    from zhaoshang.common import imports

    job = job_imports.upload(client_for("office_staff"), URL, xlsx(GOOD))
    # Started by a worker that left no heartbeat (killed): the beat's sweep fails it.
    type(job).objects.filter(pk=job.pk).update(state="checking", worker_started_at=timezone.now())
    assert imports.fail_all_interrupted() == 1
    job.refresh_from_db()
    assert job.state == "failed" and "试导入中断" in job.errors[0][2]

import copy
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from stdnum.cn import uscc

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.pipeline.models import LedgerEntry, Project, ProjectImport, StageChange

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

HEADER = [
    "序号",
    "项目名称",
    "企业名称",
    "统一社会信用代码",
    "协议投资额（万元）",
    "签约日期",
    "当前阶段",
    "责任单位",
    "最新进展",
    "进展日期",
]
BODY = "91120103MA05Q7781"
CODE = BODY + uscc.calc_check_digit(BODY)
BAD_CODE = BODY + ("1" if CODE[-1] != "1" else "2")
ROWS = [
    [
        1,
        "智慧港航数据平台",
        "天津港航数据科技有限公司",
        CODE,
        12000,
        "2026年3月15日",
        "已签约",
        "区科技局",
        "完成工商注册前置审批",
        "2026-11-10",
    ],
    [2, "城市大脑二期", "天津河西数智科技有限公司", None, None, None, "洽谈", "区科技局", "", ""],
    [
        3,
        "设计创新中心",
        "天津大学设计研究院有限公司",
        None,
        "1.2亿元",
        "2026/5/20",
        "开工",
        "",
        "主体结构施工",
        "2026-11-01",
    ],
]


def xlsx(rows, header=HEADER, name="项目台账.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def run(client, upload, captures):
    response = client.post("/pipeline/imports/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ProjectImport.objects.order_by("-pk").first()
    with captures(execute=True):
        client.post(f"/pipeline/imports/{job.pk}/", {"action": "check", **_mapping(job)})
    job.refresh_from_db()
    return job


def _mapping(job):
    return {f"col{i}": key for i, key in job.mapping.items()}


def commit(client, job, captures):
    with captures(execute=True):
        client.post(f"/pipeline/imports/{job.pk}/", {"action": "commit"})
    job.refresh_from_db()
    return job


def test_chinese_headers_are_recognised(demo):
    from zhaoshang.pipeline.projects.importing import guess_mapping

    mapping = guess_mapping(HEADER)
    assert set(mapping.values()) == {
        "name",
        "enterprise",
        "credit_code",
        "agreed_investment",
        "signed_on",
        "stage",
        "department",
        "progress",
        "progress_on",
    }
    assert "0" not in mapping  # 序号 is not imported


def test_dry_run_lists_every_bad_row_and_changes_nothing(
    demo, client_for, django_capture_on_commit_callbacks
):
    c = client_for("department_staff")
    before = Project.objects.count()
    bad = [
        [
            1,
            "项目甲",
            "某某科技有限公司",
            BAD_CODE,
            100,
            "2026-03-01",
            "签约",
            "区科技局",
            "",
            "",
        ],
        [2, "项目乙", "某某科技有限公司", None, "一百万", None, "已签约", "区科技局", "", ""],
        [3, "项目丙", "某某科技有限公司", None, None, None, "谈判中", "友谊路街道", "进展", ""],
        [4, "", "某某科技有限公司", None, None, None, "洽谈", "区科技局", "", ""],
    ]
    job = run(c, xlsx(bad), django_capture_on_commit_callbacks)
    assert job.state == "checked"
    errors = {(row, column) for row, column, _ in job.errors}
    assert (2, "统一社会信用代码") in errors  # checksum
    assert (3, "协议投资额") in errors  # not an amount
    assert (4, "当前阶段") in errors
    assert (4, "责任单位") in errors  # another unit: out of the clerk's scope
    assert (5, "项目名称") in errors
    messages = " ".join(m for _, _, m in job.errors)
    assert "校验位不正确" in messages and "不在您的数据范围内" in messages
    job = commit(c, job, django_capture_on_commit_callbacks)
    assert job.state == "checked" and Project.objects.count() == before


def test_commit_then_rerun_changes_nothing(demo, client_for, django_capture_on_commit_callbacks):
    c = client_for("department_staff")
    job = run(c, xlsx(ROWS), django_capture_on_commit_callbacks)
    assert job.errors == [], job.errors
    assert job.summary["create"] == 3 and job.summary["new_enterprises"] == 1
    job = commit(c, job, django_capture_on_commit_callbacks)
    assert job.state == "done", job.errors
    signed = Project.objects.get(name="智慧港航数据平台")
    assert (signed.stage, signed.agreed_investment, signed.signed_on) == (
        "signed",
        Decimal("120000000"),
        dt.date(2026, 3, 15),
    )
    assert signed.enterprise.credit_code == CODE
    assert signed.department.name == "区科技局"
    built = Project.objects.get(name="设计创新中心")
    assert built.stage == "construction" and built.major_level == "major"
    assert built.enterprise == Enterprise.objects.get(name="天津大学设计研究院有限公司")
    change = StageChange.objects.get(project=built)
    assert (change.from_stage, change.to_stage, change.occurred_on) == (
        "",
        "construction",
        dt.date(2026, 5, 20),
    )
    counts = (
        Project.objects.count(),
        LedgerEntry.objects.count(),
        Enterprise.objects.count(),
        StageChange.objects.count(),
    )

    again = run(c, xlsx(ROWS), django_capture_on_commit_callbacks)
    assert (
        again.summary["create"] == 0 and again.summary["same"] == 3 and again.summary["ledger"] == 0
    )
    again = commit(c, again, django_capture_on_commit_callbacks)
    assert again.summary["result"]["未变化"] == 3
    assert (
        Project.objects.count(),
        LedgerEntry.objects.count(),
        Enterprise.objects.count(),
        StageChange.objects.count(),
    ) == counts


def test_a_gbk_csv_imports(demo, client_for, django_capture_on_commit_callbacks):
    c = client_for("department_staff")
    text = "项目名称,投资企业,当前阶段,预计投资额\n量子计算中心,中科院计算所天津研究院有限公司,洽谈,5000\n"
    job = run(
        c,
        SimpleUploadedFile("台账.csv", text.encode("gb18030")),
        django_capture_on_commit_callbacks,
    )
    assert job.encoding == "GBK/GB18030" and not job.errors
    commit(c, job, django_capture_on_commit_callbacks)
    p = Project.objects.get(name="量子计算中心")
    assert (p.stage, p.estimated_investment) == ("negotiating", Decimal("50000000"))


def test_a_ledger_row_links_only_the_enterprise_of_the_same_name(demo):
    """A group and its joint-stock company share a name's core; a ledger row naming one
    must never be linked to the other (it is a new enterprise), while the same name
    written otherwise (traditional characters, a leading city) is the same one."""
    from zhaoshang.enterprises.parsing import normalize_name
    from zhaoshang.pipeline.projects.importing import _match_enterprise

    name = "中国石油天然气股份有限公司"
    listed = Enterprise.objects.create(name=name, dedupe_key=normalize_name(name))
    assert _match_enterprise({"enterprise": "中国石油天然气集团有限公司"}) is None
    assert _match_enterprise({"enterprise": "中國石油天然氣股份有限公司"}) == listed


def test_a_double_click_on_commit_queues_one_commit(
    demo, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    from zhaoshang.common import queue
    from zhaoshang.pipeline.projects import imports_views, tasks

    c = client_for("department_staff")
    job = run(c, xlsx(ROWS), django_capture_on_commit_callbacks)
    assert job.state == "checked" and job.errors == []
    queued = []
    # What reaches the broker: the task and its arguments.
    monkeypatch.setattr(queue, "send", lambda task, *args: queued.append((task, args)) or True)
    # Two clicks in flight: both requests read the job as checked before either starts it.
    seen = ProjectImport.objects.get(pk=job.pk)
    monkeypatch.setattr(imports_views, "get_object_or_404", lambda qs, pk: copy.copy(seen))
    url = f"/pipeline/imports/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        first = c.post(url, {"action": "commit"}, follow=True).content.decode()
        second = c.post(url, {"action": "commit"}, follow=True).content.decode()
    assert queued == [(tasks.commit_project_import, (job.pk, demo["department_staff"].pk))]
    # The first click started it ("已开始导入" is said once the job reached the broker,
    # after the request's transaction, which this test holds open).
    assert "本次操作未重复执行" not in first
    assert "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行" in second
    assert ProjectImport.objects.get(pk=job.pk).state == "importing"
    assert not Project.objects.filter(name="智慧港航数据平台").exists()

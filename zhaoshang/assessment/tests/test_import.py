"""The targets import as the office runs it: upload, mapping, dry run in the worker,
commit once; a re-run of the same file changes nothing."""

import copy
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhaoshang.assessment.models import Target, TargetImport
from zhaoshang.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/assessment/targets/import/"
HEADER = ["年度", "单位", "签约项目（个）", "协议投资额（万元）"]


def xlsx(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("目标任务.xlsx", out.getvalue())


def test_commit_then_rerun_changes_nothing(demo, client_for, job_imports):
    office = client_for("office_staff")
    job = job_imports.run(office, URL, xlsx([[2031, "区科技局", 6, 50000]]))
    assert job.errors == [] and job.summary == {"create": 1, "update": 0, "unchanged": 0}
    job = job_imports.commit(office, URL, job)
    assert job.state == "done"
    target = Target.objects.get(year=2031, department__name="区科技局")
    assert target.signed_projects == 6 and target.agreed_investment == Decimal("500000000.00")
    events = AuditEvent.objects.count()
    again = job_imports.commit(
        office, URL, job_imports.run(office, URL, xlsx([[2031, "区科技局", 6, 50000]]))
    )
    assert again.summary["result"] == {"create": 0, "update": 0, "unchanged": 1}
    assert Target.objects.filter(year=2031).count() == 1
    assert AuditEvent.objects.count() == events + 1  # the import's line, no row rewritten
    page = office.get(f"{URL}{again.pk}/").content.decode()
    assert "导入完成：新增 0 个单位，更新 0 个单位，未变化 1 个单位" in page


def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_written(
    demo, client_for, job_imports
):
    office = client_for("office_staff")
    rows = [
        [2031, "区科技局", 6, 50000],
        ["二〇三一", "区科技局", 1, 1],
        [2031, "不存在的局", 1, 1],
        [2031, "区科技局", -1, "很多"],
        [2031, "区科技局", 7, 1],
    ]
    job = job_imports.run(office, URL, xlsx(rows))
    assert [e[:2] for e in job.errors] == [
        [3, "年度"],
        [4, "单位"],
        [5, "签约项目（个）"],
        [5, "协议投资额（万元）"],
        [6, "单位"],
    ]
    assert "与第 2 行重复" in job.errors[-1][2]
    page = office.get(f"{URL}{job.pk}/").content.decode()
    assert "第 4 行" in page and "找不到单位“不存在的局”" in page
    assert "确认导入</button>" not in page
    job_imports.commit(office, URL, job)
    assert not Target.objects.filter(year=2031).exists()


def test_the_mapping_reads_a_column_under_another_header(demo, client_for, job_imports):
    office = client_for("office_staff")
    upload = xlsx([[2031, "区科技局", 9]], header=["年份", "责任单位", "签约项目数"])
    job = job_imports.upload(office, URL, upload)
    assert job.mapping == {"1": "department"}
    job = job_imports.check(
        office, URL, job, mapping={"0": "year", "1": "department", "2": "signed_projects"}
    )
    assert job.errors == [], job.errors
    job_imports.commit(office, URL, job)
    assert Target.objects.get(year=2031, department__name="区科技局").signed_projects == 9


def test_a_double_click_on_commit_queues_one_commit(
    demo, client_for, job_imports, monkeypatch, django_capture_on_commit_callbacks
):
    from zhaoshang.common import queue, tasks, views

    office = client_for("office_staff")
    job = job_imports.run(office, URL, xlsx([[2031, "区科技局", 6, 50000]]))
    queued = []
    monkeypatch.setattr(queue, "send", lambda task, *args: queued.append((task, args)) or True)
    seen = TargetImport.objects.get(pk=job.pk)
    monkeypatch.setattr(views, "get_object_or_404", lambda qs, pk: copy.copy(seen))
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"{URL}{job.pk}/", {"action": "commit"})
        second = office.post(f"{URL}{job.pk}/", {"action": "commit"}, follow=True)
    user = demo["office_staff"].pk
    assert queued == [(tasks.commit_job_import, (job.pk, "assessment.TargetImport", user))]
    assert "本次操作未重复执行" in second.content.decode()
    assert not Target.objects.filter(year=2031).exists()

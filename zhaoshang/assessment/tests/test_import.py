"""The targets import as the office runs it: a double click on 确认导入 imports once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhaoshang.assessment import importing
from zhaoshang.assessment.models import Target
from zhaoshang.audit.models import AuditEvent
from zhaoshang.common.imports import ImportFileError

pytestmark = pytest.mark.django_db


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["年度", "单位", "签约项目（个）", "协议投资额（万元）"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("目标任务.xlsx", out.getvalue())


def test_a_second_commit_of_the_same_file_is_refused_while_and_after_it_runs(
    demo, client_for, monkeypatch
):
    office = client_for("office_staff")
    response = office.post(
        "/assessment/targets/import/", {"file": xlsx([[2031, "区科技局", 6, 50000]])}
    )
    token = response.context["token"]
    # The second click arrives while the first request is still writing its rows.
    second = []
    save = importing.services.target_save

    def save_while_clicked_again(**kwargs):
        if not second:
            second.append("clicked")
            try:
                second.append(importing.target_import_commit(token, actor=demo["office_staff"]))
            except ImportFileError as exc:
                second.append(str(exc))
        return save(**kwargs)

    monkeypatch.setattr(importing.services, "target_save", save_while_clicked_again)
    assert office.post("/assessment/targets/import/", {"token": token}).status_code == 302
    assert second == [
        "clicked",
        "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行，请稍候查看结果。",
    ]
    assert Target.objects.filter(year=2031).count() == 1
    assert AuditEvent.objects.filter(action="import", object_type="assessment.target").count() == 1
    # A click after the commit finds the file used up and says so on the page.
    page = office.post("/assessment/targets/import/", {"token": token}).content.decode()
    assert "该文件已导入完成或已失效" in page

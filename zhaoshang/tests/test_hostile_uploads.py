"""What an attacker, or an unlucky clerk, sends as a file: an oversized one, one of the
wrong type under a right name, a zip bomb dressed as a workbook, text that would run as a
formula in the spreadsheet of whoever exports it; and a disk that fills up mid-upload.
Every upload (imports and attachments) is refused with a Chinese message that says what
is wrong, and nothing of it is kept."""

import datetime as dt
import io
import os
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from zhaoshang.enterprises.models import Enterprise, ImportJob
from zhaoshang.enterprises.tests.factories import an_enterprise
from zhaoshang.pipeline.models import Project, ProjectImport, Stage, StageChange

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200

# Every import page, with what its form needs besides the file.
IMPORTS = {
    "enterprises": ("/enterprises/imports/", {"kind": "enterprises"}),
    "projects": ("/pipeline/imports/", {}),
    "carriers": ("/reference/carriers/import/", {}),
    "targets": ("/assessment/targets/import/", {}),
}


def _workbook_bytes(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _kept_imports(media):
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _post_import(client, which, upload):
    url, extra = IMPORTS[which]
    return client.post(url, {**extra, "file": upload}).content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


# --- Wrong type ---------------------------------------------------------------------------
@pytest.mark.parametrize("which", list(IMPORTS))
def test_an_executable_renamed_xlsx_is_refused_by_its_content(demo, client_for, media, which):
    page = _post_import(client_for("office_staff"), which, SimpleUploadedFile("名单.xlsx", EXE))
    assert "“名单.xlsx”不是有效的 Excel 文件（.xlsx）" in page
    assert "改了扩展名" in page
    assert _kept_imports(media) == []
    assert not ImportJob.objects.exists() and not ProjectImport.objects.exists()


@pytest.mark.parametrize("which", ["enterprises", "projects"])
def test_a_pdf_renamed_csv_is_not_read_as_text(demo, client_for, media, which):
    # GB18030 decodes any bytes, so without a look at the content a PDF became an
    # import of garbage headers.
    page = _post_import(client_for("office_staff"), which, SimpleUploadedFile("名单.csv", PDF))
    assert "“名单.csv”不是有效的 CSV 文件（.csv）" in page
    assert not ImportJob.objects.exists() and not ProjectImport.objects.exists()


def test_a_word_document_renamed_xlsx_is_refused(demo, client_for, media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    page = _post_import(
        client_for("office_staff"), "enterprises", SimpleUploadedFile("a.xlsx", buffer.getvalue())
    )
    assert "不是有效的 Excel 文件（.xlsx）" in page and "改了扩展名" in page


# --- Zip bombs ----------------------------------------------------------------------------
def _bomb(padding_mb=60):
    """A valid workbook whose sheet XML carries ``padding_mb`` MB of blanks between its
    elements (legal XML), packed about 1000 to 1: a few tens of kilobytes on the wire."""
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes([["企业名称"], ["天津某科技有限公司"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>")
                with bomb.open(info.filename, "w") as part:
                    part.write(head + b"<sheetData>")
                    block = b" " * (1024 * 1024)
                    for _ in range(padding_mb):
                        part.write(block)
                    part.write(tail)
            else:
                bomb.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("which", ["enterprises", "projects", "carriers"])
def test_a_zip_bomb_is_refused_before_it_is_expanded(demo, client_for, media, which, monkeypatch):
    data = _bomb()
    assert len(data) < 1024 * 1024  # what travels is small
    opened = []
    import openpyxl.reader.excel

    real = openpyxl.reader.excel.ExcelReader.__init__

    def spy(self, *args, **kwargs):
        opened.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(openpyxl.reader.excel.ExcelReader, "__init__", spy)
    page = _post_import(client_for("office_staff"), which, SimpleUploadedFile("名单.xlsx", data))
    assert "压缩比异常" in page and "疑似压缩炸弹" in page and "xl/worksheets/sheet1.xml" in page
    assert opened == []  # openpyxl never saw it
    assert _kept_imports(media) == []
    assert not ImportJob.objects.exists() and not ProjectImport.objects.exists()
    # The same workbook without the padding is an ordinary file and goes through.
    plain = _workbook_bytes([["企业名称"], ["天津某科技有限公司"]])
    page = _post_import(client_for("office_staff"), which, SimpleUploadedFile("名单.xlsx", plain))
    assert "疑似压缩炸弹" not in page and "不是有效的" not in page


def test_an_archive_declaring_too_much_is_refused(demo, client_for, media, settings):
    settings.MAX_ARCHIVE_UNCOMPRESSED_BYTES = 4 * 1024
    page = _post_import(
        client_for("office_staff"),
        "enterprises",
        SimpleUploadedFile("名单.xlsx", _workbook_bytes([["企业名称"], ["某公司"]])),
    )
    assert "解压后将达" in page and "疑似压缩炸弹" in page
    assert not ImportJob.objects.exists()


# --- Attachments --------------------------------------------------------------------------
@pytest.fixture
def negotiating(demo):
    from zhaoshang.pipeline.models import PipelineConfig
    from zhaoshang.pipeline.projects.services import project_create

    # Above the threshold signing needs an admission evaluation; this is about the file.
    config = PipelineConfig.current()
    config.evaluation_threshold = Decimal("1e13")
    config.save()
    project = project_create(
        actor=demo["department_staff"],
        data={"name": "附件测试项目", "enterprise": an_enterprise()},
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.NEGOTIATING)
    return project


def _sign(client, project, upload):
    return client.post(
        f"/pipeline/projects/{project.pk}/move/",
        {
            "to_stage": Stage.SIGNED,
            "expected_stage": Stage.NEGOTIATING,
            "signed_on": dt.date(2020, 1, 2).isoformat(),
            "agreed_investment": "5000万元",
            "agreement_file": upload,
        },
    )


def _stored_agreements(media):
    folder = media / "agreements"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_an_executable_named_pdf_is_not_attached(demo, client_for, media, negotiating):
    response = _sign(
        client_for("department_staff"), negotiating, SimpleUploadedFile("协议.pdf", EXE)
    )
    page = response.content.decode()
    assert "“协议.pdf”不是有效的 PDF 文件（.pdf）" in page
    assert Project.objects.get(pk=negotiating.pk).stage == Stage.NEGOTIATING
    assert _stored_agreements(media) == []
    # A real PDF under the same name is attached.
    response = _sign(
        client_for("department_staff"), negotiating, SimpleUploadedFile("协议.pdf", PDF)
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=negotiating.pk).stage == Stage.SIGNED
    assert [p.read_bytes() for p in _stored_agreements(media)] == [PDF]


def test_an_oversized_attachment_is_refused(demo, client_for, media, negotiating, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    page = _sign(
        client_for("department_staff"), negotiating, SimpleUploadedFile("协议.pdf", big)
    ).content.decode()
    assert "文件过大" in page and "不能超过 1 MB" in page
    assert Project.objects.get(pk=negotiating.pk).stage == Stage.NEGOTIATING
    assert _stored_agreements(media) == []


def test_an_unknown_attachment_type_is_refused(demo, client_for, media, negotiating):
    page = _sign(
        client_for("department_staff"), negotiating, SimpleUploadedFile("协议.exe", EXE)
    ).content.decode()
    assert "“协议.exe”的文件类型不受支持" in page and "PDF 文件（.pdf）" in page
    assert _stored_agreements(media) == []


# --- A full disk --------------------------------------------------------------------------
@pytest.fixture
def full_disk(settings, tmp_path):
    """MEDIA_ROOT on a real 16 KB tmpfs (mounting needs root, which CI has)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI 需要挂载 tmpfs 来模拟磁盘写满：{done.stderr}")
        pytest.skip(f"无法挂载 tmpfs（需要 root）：{done.stderr.strip()}")
    settings.MEDIA_ROOT = str(mount)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(root):
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_disk_full_during_an_attachment_saves_nothing(demo, client_for, full_disk, negotiating):
    client = client_for("department_staff")
    c = Client(raise_request_exception=False)
    c.cookies = client.cookies
    changes = StageChange.objects.count()
    response = _sign(c, negotiating, SimpleUploadedFile("协议.pdf", PDF + b"0" * 100_000))
    assert response.status_code == 507
    page = response.content.decode()
    assert "服务器存储空间已满" in page and "本次提交未保存任何内容" in page
    assert Project.objects.get(pk=negotiating.pk).stage == Stage.NEGOTIATING
    assert StageChange.objects.count() == changes
    assert _files(full_disk) == []  # the part Django had written is gone


def test_disk_full_during_an_import_upload_keeps_nothing(demo, client_for, full_disk):
    rows = [["企业名称"]] + [[f"天津{os.urandom(12).hex()}科技有限公司"] for _ in range(3000)]
    data = _workbook_bytes(rows)
    assert len(data) > 16 * 1024
    page = _post_import(
        client_for("office_staff"), "enterprises", SimpleUploadedFile("a.xlsx", data)
    )
    assert "服务器存储空间已满" in page and "未保存任何内容" in page
    assert not ImportJob.objects.exists()
    assert _files(full_disk) == []


# --- Formula injection in exports ---------------------------------------------------------
HOSTILE = ['=HYPERLINK("http://x","点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_exported_text_never_becomes_a_formula():
    from zhaoshang.common.excel import write_workbook

    out = io.BytesIO()
    write_workbook(out, [("表", ["名称", "数量"], [[text, -5] for text in HOSTILE])])
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert [r[0].value for r in cells] == HOSTILE
    assert all(r[0].data_type == "s" and r[0].quotePrefix for r in cells)
    assert all(r[1].value == -5 and r[1].data_type == "n" for r in cells)  # numbers stay


def test_an_enterprise_named_like_a_formula_exports_as_text(demo, client_for):
    target = an_enterprise()
    Enterprise.objects.filter(pk=target.pk).update(name=HOSTILE[0])
    content = client_for("office_staff").get("/enterprises/", {"export": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content)).active
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == HOSTILE[0])
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_monthly_report_workbook_keeps_names_as_text(monkeypatch):
    from zhaoshang.reports import exports

    tables = [("一、测试表", ["单位", "金额"], [["=1+1", Decimal("2.00")]])]
    monkeypatch.setattr(exports, "tables", lambda data, full=True: tables)
    content = exports.xlsx_bytes({"title": "测试月报"})
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert sheet["B3"].value == 2.0

"""Every uploaded file passes here before it is kept: its size, its type as its bytes
show it (not its name), an archive that would expand to an absurd size, and a disk that
fills up while it is written.

- Type. A name says nothing: an .exe renamed .xlsx has the name of a workbook. Each
  accepted kind is recognised by its leading bytes (and, for the zip-based Office and
  OFD formats, by the parts the archive holds), and must agree with the extension.
- Zip bombs. An .xlsx is a zip archive; openpyxl expands its parts in memory (shared
  strings, styles) or streams them (the sheet). A few kilobytes can declare gigabytes.
  The archive's directory is read before anything is expanded: the sum of the sizes its
  parts declare and each large part's compression ratio must be plausible for a
  spreadsheet. Declared sizes are binding: Python's zipfile stops a part at its
  declared size and fails its CRC check if more was packed in, so a part cannot
  expand past what was checked here.
- Full disk. A file half written is removed before the error goes up, and the error
  says in Chinese what happened; nothing of the submission is kept.
"""

import contextlib
import errno
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et (compound file)
# What a plain-text upload may not start with: the signatures of the binary kinds
# people rename (zip, compound file, PDF, Windows and Linux executables, gzip, rar, 7z).
BINARY_SIGNATURES = (b"PK\x03\x04", OLE2, b"%PDF-", b"MZ", b"\x7fELF", b"\x1f\x8b", b"Rar!")
BINARY_SIGNATURES += (b"7z\xbc\xaf\x27\x1c",)

DISK_FULL = "服务器存储空间已满，本次提交未保存任何内容。请联系系统管理员清理磁盘后重试。"

# Extension -> (what the user is told it should be, how its content is recognised).
KINDS = {
    ".xlsx": ("Excel 文件（.xlsx）", "ooxml:xl/"),
    ".csv": ("CSV 文件（.csv）", "text"),
    ".docx": ("Word 文档（.docx）", "ooxml:word/"),
    ".ofd": ("OFD 版式文件（.ofd）", "ofd"),
    ".pdf": ("PDF 文件（.pdf）", b"%PDF-"),
    ".doc": ("Word 97-2003 文档（.doc）", OLE2),
    ".xls": ("Excel 97-2003 文件（.xls）", OLE2),
    ".wps": ("WPS 文字文档（.wps）", OLE2),
    ".et": ("WPS 表格（.et）", OLE2),
    ".png": ("PNG 图片（.png）", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("JPEG 图片（.jpg）", b"\xff\xd8\xff"),
    ".jpeg": ("JPEG 图片（.jpeg）", b"\xff\xd8\xff"),
}
IMPORT_TYPES = (".xlsx", ".csv")
# Documents an office attaches: agreements, terms, meeting minutes, scans of them.
ATTACHMENT_TYPES = (".pdf", ".ofd", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et")
ATTACHMENT_TYPES += (".jpg", ".jpeg", ".png")


class UploadError(ValueError):
    """The upload is refused; the message says why, in Chinese, for the person who sent it."""


def _mb(size):
    return f"{size / 1024 / 1024:.1f} MB"


def check(upload, *, allowed, max_bytes, hint=""):
    """Refuse ``upload`` (a Django UploadedFile) unless it is no larger than
    ``max_bytes``, its extension is one of ``allowed`` and its content is of that kind.
    ``hint`` follows the message for a type not allowed. Returns the extension."""
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        kinds = "、".join(KINDS[s][0] for s in allowed)
        raise UploadError(f"请上传 {kinds}；“{name}”的文件类型不受支持。{hint}")
    if upload.size > max_bytes:
        raise UploadError(
            f"文件过大（“{name}”为 {_mb(upload.size)}），单个文件不能超过 "
            f"{max_bytes // (1024 * 1024)} MB。"
        )
    if upload.size == 0:
        raise UploadError(f"文件“{name}”是空的（0 字节）。")
    label, signature = KINDS[suffix]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if isinstance(signature, bytes):
        ok = head.startswith(signature)
    elif signature == "text":
        ok = not head.startswith(BINARY_SIGNATURES) and b"\x00" not in head
    else:
        ok = head.startswith(b"PK\x03\x04") and _archive_fits(upload, signature, name, label)
    upload.seek(0)
    if not ok:
        raise UploadError(
            f"“{name}”不是有效的 {label}：文件内容是其他类型（可能改了扩展名），请上传真实的 {label}。"
        )
    return suffix


def _archive_fits(upload, signature, name, label):
    """True when the zip holds the parts of ``signature``'s format; UploadError when it
    would expand beyond reason. Only the central directory is read."""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False
    if len(infos) > settings.MAX_ARCHIVE_MEMBERS:
        raise UploadError(
            f"文件“{name}”内部含 {len(infos)} 个部件，超出正常{label}的范围，已拒绝。"
        )
    total = sum(info.file_size for info in infos)
    if total > settings.MAX_ARCHIVE_UNCOMPRESSED_BYTES:
        raise UploadError(
            f"文件“{name}”解压后将达 {_mb(total)}，超过允许的 "
            f"{settings.MAX_ARCHIVE_UNCOMPRESSED_BYTES // (1024 * 1024)} MB（疑似压缩炸弹），已拒绝。"
        )
    for info in infos:
        # Small parts compress oddly well without harm; a large one packed past this
        # ratio is not something an office program writes.
        if info.file_size > 1024 * 1024 and info.file_size > settings.MAX_ARCHIVE_RATIO * max(
            info.compress_size, 1
        ):
            raise UploadError(
                f"文件“{name}”中的部件 {info.filename} 压缩比异常"
                f"（{info.file_size // max(info.compress_size, 1)} 倍，疑似压缩炸弹），已拒绝。"
            )
    names = {info.filename for info in infos}
    if signature == "ofd":
        return "OFD.xml" in names
    prefix = signature.split(":", 1)[1]
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def write(upload, path):
    """Write ``upload`` to ``path``; on any failure (a full disk above all) remove what
    was written and raise UploadError saying so."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError as exc:
        path.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UploadError(DISK_FULL) from exc
        raise UploadError("文件未能保存到服务器，本次提交未保存任何内容，请稍后重试。") from exc


def is_disk_full(exc):
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


class MediaStorage(FileSystemStorage):
    """Django's file storage, except that a file it could not finish writing is removed
    (Django leaves the part it wrote): a full disk must leave nothing half-saved."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as exc:
            if is_disk_full(exc):
                # _save picks a free name first, so the partial file is ours to remove.
                self._remove_partial(name)
            raise

    def _remove_partial(self, name):
        # Nothing more can be done on a failing disk than try.
        with contextlib.suppress(OSError):
            Path(self.path(name)).unlink(missing_ok=True)

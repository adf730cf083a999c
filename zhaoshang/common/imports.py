"""Excel imports, the same way everywhere: upload → dry run listing every rejected row
with its row, column and reason → commit. A commit re-reads and re-validates the file and
applies it in one transaction only when no row is rejected; applying a row whose values
are unchanged changes nothing, so running an import twice never duplicates."""

import contextlib
import os
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

TOKEN = re.compile(r"^[0-9a-f]{32}$")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, empty, too large, no header)."""


@dataclass
class Column:
    key: str
    label: str  # the Chinese header as offices write it
    aliases: tuple = ()
    required: bool = False
    parse: object = None  # callable(value) -> value, raising ValueError with a Chinese reason


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class DryRun:
    rows: list = field(default_factory=list)  # (row number, cleaned dict)
    errors: list = field(default_factory=list)
    missing_columns: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and not self.missing_columns


def _header_key(text):
    return re.sub(r"[\s*＊（）()]", "", str(text or ""))


def store_upload(upload):
    """Save an uploaded file for the dry run and the commit; returns its token."""
    if upload.size > settings.MAX_IMPORT_FILE_BYTES:
        limit = settings.MAX_IMPORT_FILE_BYTES // (1024 * 1024)
        raise ImportFileError(
            f"文件过大（{upload.size / 1024 / 1024:.1f} MB），单个文件不能超过 {limit} MB。"
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise ImportFileError(
            "请上传 Excel 文件（.xlsx）。如为 .xls 或 WPS 格式，请先另存为 .xlsx。"
        )
    token = secrets.token_hex(16)
    path = _path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _path(token):
    if not TOKEN.match(token or ""):
        raise ImportFileError("导入文件已失效，请重新上传。")
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx"


def read_rows(token):
    """The header row and the data rows (row number, values) of the first sheet."""
    path = _path(token)
    if not path.exists():
        raise ImportFileError("导入文件已失效，请重新上传。")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError("无法读取该文件：不是有效的 Excel（.xlsx）文件。") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(header):
        wb.close()
        raise ImportFileError("文件是空的：第 1 行应为表头。")
    body = [
        (n, values)
        for n, values in enumerate(rows, start=2)
        if any(v not in (None, "") for v in values)
    ]
    wb.close()
    if not body:
        raise ImportFileError("文件中没有数据行。")
    return header, body


def dry_run(token, columns, validate_row):
    """Parse every row; ``validate_row(cleaned, row_number)`` returns a list of
    (column label, message) for rule violations that need more than one cell."""
    header, body = read_rows(token)
    by_header = {}
    for col in columns:
        for name in (col.label, *col.aliases):
            by_header[_header_key(name)] = col
    mapping = {}
    for index, title in enumerate(header):
        col = by_header.get(_header_key(title))
        if col is not None and col.key not in mapping.values():
            mapping[index] = col.key
    result = DryRun()
    result.missing_columns = [
        c.label for c in columns if c.required and c.key not in mapping.values()
    ]
    if result.missing_columns:
        return result
    keyed = {c.key: c for c in columns}
    for number, values in body:
        cleaned, row_errors = {}, []
        for index, key in mapping.items():
            col = keyed[key]
            raw = values[index] if index < len(values) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                if col.required:
                    row_errors.append(RowError(number, col.label, f"“{col.label}”不能为空"))
                cleaned[key] = None
                continue
            try:
                cleaned[key] = col.parse(raw) if col.parse else raw
            except ValueError as exc:
                row_errors.append(RowError(number, col.label, str(exc)))
        if not row_errors:
            row_errors = [RowError(number, c, m) for c, m in validate_row(cleaned, number)]
        if row_errors:
            result.errors.extend(row_errors)
        else:
            result.rows.append((number, cleaned))
    return result


def discard(token):
    with contextlib.suppress(ImportFileError):
        _path(token).unlink(missing_ok=True)


class _Claim:
    def __init__(self, token):
        self.token = token
        self.committed = False


@contextlib.contextmanager
def commit_claim(token):
    """Hold an uploaded file for one commit; on leaving, a committed file is discarded.

    The claim is the exclusive creation of a marker beside the file (``O_CREAT |
    O_EXCL``: of two requests exactly one creates it), so of two clicks on 确认导入 in
    flight at once one commits and the other is refused. The file is discarded before
    the marker goes, so a click arriving after the commit finds nothing to commit. Set
    ``claim.committed`` when the commit applied the file; a refused commit (rejected
    rows) keeps it."""
    path = _path(token)
    if not path.exists():
        raise ImportFileError(
            "该文件已导入完成或已失效（可能重复点击了“确认导入”），本次操作未执行；"
            "如需再次导入，请重新上传。"
        )
    marker = path.with_suffix(".committing")
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError as exc:
        raise ImportFileError(
            "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行，请稍候查看结果。"
        ) from exc
    claim = _Claim(token)
    try:
        yield claim
    finally:
        if claim.committed:
            discard(token)
        marker.unlink(missing_ok=True)


# --- Starting a worker step of an uploaded import (enterprise library, project ledgers) ----
# Their jobs share these states. What a request that did not start the step is told, by
# the state the job is in when it looked.
NOT_STARTED = {
    "uploaded": "尚未试导入，请先确认列对应并试导入，再确认导入。",
    "checking": "试导入正在进行中（可能重复点击了按钮），本次操作未重复执行，请稍候查看结果。",
    "checked": "试导入已完成，请查看结果后再操作。",
    "importing": "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行，请稍候查看结果。",
    "done": "该文件已导入完成，本次操作未重复执行。",
    "failed": "该导入已失败，请核对文件后重新上传。",
}


def job_step_start(model, job, *, from_states, to_state, **updates):
    """Move ``job`` into ``to_state`` with one conditional UPDATE (``WHERE state IN
    from_states``). Of two requests starting the same step (a double click, two tabs),
    only the one whose UPDATE matched the row may queue the worker's task; the other gets
    a ValidationError saying why, and nothing is changed or queued twice."""
    won = model.objects.filter(pk=job.pk, state__in=from_states).update(state=to_state, **updates)
    if not won:
        state = model.objects.filter(pk=job.pk).values_list("state", flat=True).first()
        raise ValidationError(NOT_STARTED.get(state, "该导入的状态已变化，请刷新页面后查看。"))
    job.state = to_state
    for name, value in updates.items():
        setattr(job, name, value)

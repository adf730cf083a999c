"""Excel imports, the same way everywhere: upload → dry run listing every rejected row
with its row, column and reason → commit. A commit re-reads and re-validates the file and
applies it in one transaction only when no row is rejected; applying a row whose values
are unchanged changes nothing, so running an import twice never duplicates."""

import contextlib
import os
import re
import secrets
import socket
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhaoshang.common import uploads

TOKEN = re.compile(r"^[0-9a-f]{32}$")


class ImportFileError(uploads.UploadError):
    """The file as a whole cannot be read (wrong type, empty, too large, no header)."""


SAVE_AS_XLSX = "如为 .xls 或 WPS 格式，请先另存为 .xlsx。"


def check_file(upload, allowed=uploads.IMPORT_TYPES):
    """The checks every upload passes (size, type by content, zip bomb) with an import's
    limit; returns the extension."""
    try:
        return uploads.check(
            upload, allowed=allowed, max_bytes=settings.MAX_IMPORT_FILE_BYTES, hint=SAVE_AS_XLSX
        )
    except uploads.UploadError as exc:
        raise ImportFileError(str(exc)) from exc


def keep_file(upload, path):
    """Write the upload where the dry run and the commit read it; nothing is left
    behind when the disk is full."""
    try:
        uploads.write(upload, path)
    except uploads.UploadError as exc:
        raise ImportFileError(str(exc)) from exc


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
    check_file(upload, allowed=(".xlsx",))
    token = secrets.token_hex(16)
    keep_file(upload, _path(token))
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


# --- Worker phases and the worker that dies in the middle of one ---------------------------
# A dry run or a commit runs in the worker, the commit in one transaction. A worker killed
# in the middle (SIGKILL, the out-of-memory killer, a power cut) writes nothing, since its
# transaction never commits; but nothing would tell the job, which would show "导入中" for
# ever. So a worker phase records when it started (committed before its transaction) and
# keeps a heartbeat in the cache, which web and worker share, naming its host and process.
# A running job whose heartbeat is gone, or names a dead process on this host, is marked
# failed: when its page is shown or polled, when a worker starts, and every two minutes
# (beat). Marking is a conditional UPDATE on the state and start seen, so it can never
# undo a phase that finished meanwhile.
HEARTBEAT_SECONDS = 15
HEARTBEAT_TTL = HEARTBEAT_SECONDS * 4
RUNNING = ("checking", "importing")
INTERRUPTED = {
    "checking": "试导入中断：执行试导入的后台进程意外终止（如服务器重启或进程被强制结束），"
    "未写入任何数据。请重新上传文件。",
    "importing": "导入中断：执行导入的后台进程意外终止（如服务器重启或进程被强制结束），"
    "本次导入未写入任何数据。请重新上传文件导入，已有的记录不会重复。",
}
# The import jobs run by the worker, each with state, worker_started_at, errors, finished_at.
JOB_MODELS = ("enterprises.ImportJob", "pipeline.ProjectImport", "agreements.OperatingDataImport")


def _heartbeat_key(model, pk):
    return f"zs:import-alive:{model._meta.label_lower}:{pk}"


@contextlib.contextmanager
def worker_phase(model, job_id, state):
    """Around a worker phase of import ``job_id``: yields True when the job is in
    ``state`` and the phase may run, False when it is not (a message delivered again for
    a job that finished or was marked failed meanwhile)."""
    key = _heartbeat_key(model, job_id)
    me = {"host": socket.gethostname(), "pid": os.getpid()}
    # The heartbeat before the start: whoever sees the start also sees a heartbeat.
    cache.set(key, me, HEARTBEAT_TTL)
    if not model.objects.filter(pk=job_id, state=state).update(worker_started_at=timezone.now()):
        cache.delete(key)
        yield False
        return
    stop = threading.Event()

    def beat():
        while not stop.wait(HEARTBEAT_SECONDS):
            cache.set(key, me, HEARTBEAT_TTL)

    thread = threading.Thread(target=beat, name=f"import-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join()
        cache.delete(key)


def _worker_gone(beat):
    if beat is None:
        return True
    if beat.get("host") != socket.gethostname():
        return False  # another machine's worker: its heartbeat expiring tells
    try:
        os.kill(beat["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return False


def fail_interrupted(queryset):
    """Mark failed every job of ``queryset`` in a worker phase whose worker is gone;
    returns how many."""
    model = queryset.model
    failed = 0
    running = queryset.filter(state__in=RUNNING, worker_started_at__isnull=False)
    for pk, state, started in running.values_list("pk", "state", "worker_started_at"):
        if _worker_gone(cache.get(_heartbeat_key(model, pk))):
            failed += model.objects.filter(pk=pk, state=state, worker_started_at=started).update(
                state="failed", errors=[[0, "", INTERRUPTED[state]]], finished_at=timezone.now()
            )
    return failed


def fail_all_interrupted():
    """Every kind of import job (worker start-up and beat)."""
    return sum(fail_interrupted(apps.get_model(label).objects.all()) for label in JOB_MODELS)


def send_phase(model, job_id, task, *args, back_to, on_queued=None, on_not_queued=None):
    """Queue a worker phase of a job just moved into it (``job_step_start``). With the
    broker down the job goes back to ``back_to`` (the user clicks again once it is back)
    and ``on_not_queued()`` tells them; ``on_queued()`` runs once it was queued."""
    from zhaoshang.common import queue

    def not_queued():
        model.objects.filter(pk=job_id, state__in=RUNNING, worker_started_at__isnull=True).update(
            state=back_to
        )
        if on_not_queued is not None:
            on_not_queued()

    queue.send_after_commit(task, job_id, *args, on_success=on_queued, on_failure=not_queued)

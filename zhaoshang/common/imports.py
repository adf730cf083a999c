"""Excel imports, the same way everywhere: upload → dry run listing every rejected row
with its row, column and reason → commit. A commit re-reads and re-validates the file and
applies it in one transaction only when no row is rejected; applying a row whose values
are unchanged changes nothing, so running an import twice never duplicates."""

import contextlib
import csv
import io
import os
import re
import secrets
import socket
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhaoshang.common import uploads, xlsx

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


# --- Headers and rows: the one rule for every import --------------------------------------
# Offices write a header with spaces, a required-marker star, full- or half-width brackets
# and a unit: "* 协议投资额（万元）", "协议投资额(万元)", "协议投资额" are one column. A
# trailing 万元 (the unit amounts are read in) is dropped; other bracketed units
# (个, 万美元) stay part of the name, so "签约项目（个）" still names its own column.
_HEADER_NOISE = re.compile(r"[\s*]")
_HEADER_UNIT = re.compile(r"\(?万元\)?$")


def header_key(text):
    """The form a header is compared in (see above)."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _HEADER_UNIT.sub("", _HEADER_NOISE.sub("", text))
    return text.replace("(", "").replace(")", "")


def guess_mapping(columns, headers):
    """File column index (as text, as a job's JSON keeps it) -> column key, from the
    headers offices write. ``columns``: key -> (label, aliases, required); the first
    column a header names wins, and no key is mapped twice."""
    known = {}
    for key, (label, aliases, _) in columns.items():
        for name in (label, *aliases):
            known.setdefault(header_key(name), key)
    mapping = {}
    for index, header in enumerate(headers):
        key = known.get(header_key(header))
        if key and key not in mapping.values():
            mapping[str(index)] = key
    return mapping


def parse_cells(values, columns, parse):
    """One data row: ``(cleaned dict, [(column label, reason)])``. ``columns`` is
    ``[(file column index, key, label, required)]``; ``parse(key, raw)`` returns the
    value or raises ValueError (or a ValidationError) with the Chinese reason. An empty
    cell of a required column is an error; of another column it is left out."""
    cleaned, errors = {}, []
    width = len(values)
    for i, key, label, required in columns:
        raw = values[i] if i < width else None
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if required:
                errors.append((label, f"“{label}”不能为空"))
            continue
        try:
            cleaned[key] = parse(key, raw)
        except ValueError as exc:
            errors.append((label, str(exc)))
        except ValidationError as exc:  # stdnum/Django validation carries its Chinese text
            errors.append((label, "；".join(exc.messages)))
    return cleaned, errors


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
    mapping = guess_mapping(column_table(columns), header)
    return check_rows(body, columns, mapping, validate_row)


def column_table(columns):
    """A list of Column as the mapping helpers take it: key -> (label, aliases, required)."""
    return {c.key: (c.label, c.aliases, c.required) for c in columns}


def check_rows(body, columns, mapping, validate_row, on_row=None):
    """The dry run of rows ``body`` ((row number, values)) read through ``mapping`` (file
    column index as text -> key). A required column the mapping leaves out is named in
    ``missing_columns`` and no row is read. ``on_row(count)`` follows the rows read."""
    keyed = {c.key: c for c in columns}
    mapping = {i: k for i, k in mapping.items() if k in keyed}
    result = DryRun()
    result.missing_columns = [
        c.label for c in columns if c.required and c.key not in mapping.values()
    ]
    if result.missing_columns:
        return result
    cells = [(int(i), k, keyed[k].label, keyed[k].required) for i, k in mapping.items()]

    def parse(key, raw):
        return keyed[key].parse(raw) if keyed[key].parse else raw

    for count, (number, values) in enumerate(body, start=1):
        cleaned, row_errors = parse_cells(values, cells, parse)
        # A column the file does not have, or a cell left empty, reads as None.
        cleaned = {k: cleaned.get(k) for k in mapping.values()}
        if not row_errors:
            row_errors = validate_row(cleaned, number)
        if row_errors:
            result.errors.extend(RowError(number, c, m) for c, m in row_errors)
        else:
            result.rows.append((number, cleaned))
        if on_row is not None:
            on_row(count)
    return result


# --- Worker imports: the file kept beside its job, read as .xlsx or CSV ---------------------
def job_path(job):
    """Where a job's upload is kept: its token and the upload's own extension."""
    suffix = Path(job.file_name).suffix.lower()
    return Path(settings.MEDIA_ROOT) / "imports" / f"{job.token}{suffix}"


def read_table(path):
    """(headers, iterator of (row number, values), encoding) of an .xlsx or .csv file."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte sequence GBK tools write
            raise ImportFileError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV。")
        if "\x00" in text:
            raise ImportFileError("文件内容不是文本（可能是改了扩展名的 Excel 文件）。")
        reader = csv.reader(io.StringIO(text))
        headers = next(reader, None)
        if not headers or not any(h.strip() for h in headers):
            raise ImportFileError("文件是空的：第 1 行应为表头。")
        body = ((n, row) for n, row in enumerate(reader, start=2) if any(c.strip() for c in row))
        return headers, body, "GBK/GB18030" if encoding == "gb18030" else "UTF-8"
    try:
        sheet = xlsx.Sheet(path)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFileError("无法读取该文件：不是有效的 Excel（.xlsx）文件。") from exc
    rows = sheet.rows()
    headers = next(rows, None)
    if not headers or not any(h not in (None, "") for h in headers):
        sheet.close()
        raise ImportFileError("文件是空的：第 1 行应为表头。")

    def body():
        try:
            for n, r in enumerate(rows, start=2):
                if any(v not in (None, "") for v in r):
                    yield n, r
        finally:
            sheet.close()

    return list(headers), _Rows(body(), sheet.max_row, sheet.path), "xlsx"


def _count_row_elements(path, sheet_path):
    """How many <row> elements the sheet's XML holds, counted in the raw bytes (a tenth
    of a second for 100,000 rows, where parsing them takes seconds): an estimate for the
    progress bar of a sheet that states no dimension. Empty rows count too."""
    if not sheet_path:
        return 0
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path.lstrip("/")) as sheet:
        while block := sheet.read(1 << 20):
            data = tail + block
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-5:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again next time
    return count + tail.count(b"<row ") + tail.count(b"<row>")


class _Rows:
    """Data rows of a sheet, carrying the sheet's stated row count and its place in the
    archive."""

    def __init__(self, rows, max_row, sheet_path=None):
        self.rows, self.max_row, self.sheet_path = rows, max_row, sheet_path

    def __iter__(self):
        return self.rows


def count_rows(path, rows, encoding):
    """How many data rows a file holds, for the progress bar: an .xlsx sheet's own
    dimension (not a pass over 100,000 rows), or its <row> elements when the writer stated
    none (openpyxl's write-only mode among them); a CSV's rows counted. The dry run counts
    the rows it actually reads."""
    if encoding != "xlsx":
        return sum(1 for _ in rows)
    dimension = getattr(rows, "max_row", None)
    if next(iter(rows), None) is None:
        return 0
    if dimension and dimension > 1:
        return dimension - 1
    return max(_count_row_elements(path, rows.sheet_path) - 1, 1)


def store_job(upload, job, columns):
    """Keep ``upload`` for ``job`` (an unsaved ImportJob or ProjectImport), read its
    header, count its rows and guess the mapping from ``columns``; saves the job, now
    awaiting the user's mapping. Nothing is kept when the file has no data row."""
    check_file(upload)
    path = job_path(job)
    keep_file(upload, path)
    try:
        headers, rows, encoding = read_table(path)
        total = count_rows(path, rows, encoding)
    except ImportFileError:
        path.unlink(missing_ok=True)
        raise
    if total == 0:
        path.unlink(missing_ok=True)
        raise ImportFileError("文件中没有数据行（第 1 行为表头，从第 2 行起为数据）。")
    job.headers = [str(h or "") for h in headers]
    job.encoding = encoding
    job.total_rows = total
    job.mapping = guess_mapping(columns, headers)
    job.save()
    return job


def discard(token):
    with contextlib.suppress(ImportFileError):
        _path(token).unlink(missing_ok=True)


@transaction.atomic
def commit_plan(plan_of, apply, *, actor, object_type, what):
    """Apply a dry run's plan in one transaction, or nothing when any row is rejected.

    ``plan_of()`` returns ``(DryRun, plan)``, read again from the file; ``apply(entry)``
    writes one entry through the app's services and returns "create", "update" or
    "unchanged"; ``what`` (text, or ``fn(plan)``) names what was imported in the one
    audit line. Returns ``(result, counts)``, counts None when nothing was applied."""
    from zhaoshang.audit.models import AuditEvent
    from zhaoshang.audit.services import audit_record

    result, plan = plan_of()
    if not result.ok:
        return result, None
    counts = {"create": 0, "update": 0, "unchanged": 0}
    for entry in plan:
        counts[apply(entry)] += 1
    name = what(plan) if callable(what) else what
    audit_record(
        AuditEvent.Action.IMPORT,
        actor=actor,
        object_type=object_type,
        detail=f"导入{name}：新增 {counts['create']}，更新 {counts['update']}，未变 {counts['unchanged']}",
    )
    return result, counts


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
    labels = (*JOB_MODELS, *KINDS)
    return sum(fail_interrupted(apps.get_model(label).objects.all()) for label in labels)


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


# --- Imports of a list of Columns (carriers, targets): one job model, pages and tasks ------
# An app describes its import once (``JobImport``) and registers it in its ``apps.ready``;
# the pages (common/views.py: job_import_list, job_import_detail), the worker's tasks
# (common/tasks.py) and the shared templates (templates/imports/) do the rest.
@dataclass
class JobImport:
    model: str  # the job model's label, a subclass of common.models.ImportJob
    columns: list  # [Column]
    plan: object  # plan(dry_run) -> [(row number, action, …)], adding duplicate rows' errors
    apply: object  # apply(entry, actor) -> "create" | "update" | "unchanged"
    validate_row: object  # validate_row(cleaned, row number) -> [(column label, reason)]
    object_type: str  # the audit line's object type
    what: str  # what a row is, in the audit line and on the page: 载体, 目标任务
    unit: str  # the counting word of the page's sums: 个, 个单位
    list_url: str  # URL names: the upload page and a job's page
    detail_url: str
    done_url: str  # where the finished import sends the user to look
    done_label: str
    hint: str  # what the upload page tells about matching and re-runs

    @property
    def job_model(self):
        return apps.get_model(self.model)


KINDS = {}


def register(kind):
    KINDS[kind.model] = kind
    return kind


PROGRESS_EVERY = 200  # rows between two progress reports


def progress_key(job):
    return f"import:{job._meta.label_lower}:{job.pk}"


def job_progress(job):
    """Rows read so far by a running phase, and its percentage of the file."""
    from .progress import progress_get

    done = progress_get(progress_key(job), {"done": 0})["done"]
    total = max(job.total_rows, 1)
    return {"done": done, "total": job.total_rows, "percent": min(100, done * 100 // total)}


def jobs_of(kind, user):
    """An import job is its uploader's own: nobody else reads it, whatever their scope."""
    return kind.job_model.objects.filter(created_by=user)


def job_store(kind, upload, *, user):
    job = kind.job_model(file_name=upload.name[:200], token=secrets.token_hex(16), created_by=user)
    return store_job(upload, job, column_table(kind.columns))


def job_dry_run(kind, job):
    """``(DryRun, plan)`` of the job's file read through its mapping; the running phase's
    progress is kept for the page's poll."""
    from .progress import progress_set

    _, body, _ = read_table(job_path(job))
    key = progress_key(job)

    def on_row(count):
        if count % PROGRESS_EVERY == 0:
            progress_set(key, count, job.state)

    result = check_rows(body, kind.columns, job.mapping, kind.validate_row, on_row)
    plan = kind.plan(result)
    result.errors.sort(key=lambda e: e.row)  # duplicates are found after the cells
    return result, plan


def errors_of(result):
    """A dry run's rejections as the job keeps them: [row, column, reason]; a required
    column left unmapped is row 0."""
    missing = [
        [0, label, f"缺少必需的列“{label}”：请在列对应中选择文件中的哪一列是它，或在文件中加上该列"]
        for label in result.missing_columns
    ]
    return missing + [[e.row, e.column, e.message] for e in result.errors]


def job_check(kind, job):
    """The worker's dry run: the rejected rows, or what a commit would do."""
    result, plan = job_dry_run(kind, job)
    counts = {"create": 0, "update": 0, "unchanged": 0}
    for entry in plan:
        counts[entry[1]] += 1
    kind.job_model.objects.filter(pk=job.pk).update(
        state="checked", errors=errors_of(result), summary=counts if result.ok else {}
    )


@transaction.atomic
def job_commit(kind, job, *, actor):
    """The worker's commit: the file read and checked again, then applied in one
    transaction, or nothing when any row is now rejected (the job goes back to checked
    with them). A row whose values are already there is left unchanged, so the same
    file imported again creates nothing."""
    model = kind.job_model
    result, counts = commit_plan(
        lambda: job_dry_run(kind, job),
        lambda entry: kind.apply(entry, actor),
        actor=actor,
        object_type=kind.object_type,
        what=f"{kind.what}（{job.file_name}）",
    )
    if counts is None:
        model.objects.filter(pk=job.pk).update(state="checked", errors=errors_of(result))
        return None
    model.objects.filter(pk=job.pk).update(
        state="done",
        errors=[],
        summary={**job.summary, "result": counts},
        finished_at=timezone.now(),
    )
    return counts


def _job_start(kind, job, task, *args, from_states, to_state, back_to, queued, **updates):
    job_step_start(
        kind.job_model,
        job,
        from_states=from_states,
        to_state=to_state,
        worker_started_at=None,  # queued: no worker yet
        **updates,
    )
    send_phase(kind.job_model, job.pk, task, kind.model, *args, back_to=back_to, **queued)


def job_check_start(kind, job, *, mapping, on_queued=None, on_not_queued=None):
    """Save the mapping and hand the dry run to the worker; a second click while it runs
    queues nothing (``job_step_start``)."""
    from . import tasks

    _job_start(
        kind,
        job,
        tasks.check_job_import,
        from_states=["uploaded", "checked"],
        to_state="checking",
        back_to="uploaded",
        queued={"on_queued": on_queued, "on_not_queued": on_not_queued},
        mapping=mapping,
        errors=[],
        summary={},
    )


def job_commit_start(kind, job, *, actor, on_queued=None, on_not_queued=None):
    """checked → importing as one conditional UPDATE: a double click on 确认导入 queues
    one commit, and the second click is told so."""
    from . import tasks

    if job.errors or job.state == "checked" and not job.summary:
        raise ValidationError("试导入发现被拒绝的行，请修正文件后重新上传，再确认导入。")
    _job_start(
        kind,
        job,
        tasks.commit_job_import,
        actor.pk,
        from_states=["checked"],
        to_state="importing",
        back_to="checked",
        queued={"on_queued": on_queued, "on_not_queued": on_not_queued},
    )

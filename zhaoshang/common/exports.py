"""Every list export takes one path, so none stops short, none escapes the audit trail and
none reads past the user's data scope.

A module registers how it builds an export: ``build(user, params)`` returns a ``Table``
from the user's own scoped reads and the filters of the list page (``params``, plain
strings from the query string). ``respond`` then

- writes an export of up to ``settings.ZS_EXPORT_BACKGROUND_ROWS`` rows at once and
  answers with the file;
- queues a larger one for the worker, passing only the user's id, the export's name and
  the filters: the worker builds the table again from that user's scoped reads (never a
  list of ids chosen elsewhere), reports its progress the way imports do
  (``common.progress``), and keeps the file for that user alone to download;
- writes one audit line per export: who, what, how many rows, which filters.
"""

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone

from zhaoshang.audit.context import current_ip
from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record

from .excel import XLSX, write_workbook
from .progress import progress_get, progress_set
from .replica import replica_reads

TOKEN = re.compile(r"^[0-9a-f]{32}$")
# Query-string keys that page or drive a list, not filters of what it holds.
NOT_FILTERS = {"export", "page", "after", "poll"}
# A finished export's file is kept this long for its user to download.
KEEP_SECONDS = 24 * 3600


@dataclass
class Table:
    filename: str  # Chinese, as the office names the file: "项目清单"
    sheets: list  # [(sheet title, headers, rows)]
    count: int | None = None  # rows, when known before writing: decides where it runs


@dataclass(frozen=True)
class Spec:
    name: str
    object_type: str
    build: object = field(compare=False)
    module: str = ""


EXPORTS = {}


def register(name, *, object_type):
    """Decorator: ``build(user, params) -> Table`` is the export called ``name``."""

    def decorator(build):
        EXPORTS[name] = Spec(name, object_type, build, build.__module__)
        return build

    return decorator


def filters_of(params):
    """The filters of a list as given, without paging and empty values."""
    out = {}
    for key in params:
        if key in NOT_FILTERS:
            continue
        value = str(params.get(key) or "").strip()
        if value:
            out[key] = value[:200]
    return out


def _filters_text(params):
    return "，".join(f"{k}={v}" for k, v in sorted(params.items())) or "无"


def _audit(user, spec, filename, rows, params, ip=None):
    audit_record(
        AuditEvent.Action.EXPORT,
        actor=user,
        object_type=spec.object_type,
        object_repr=filename,
        detail=f"导出{filename} {rows} 行；筛选条件：{_filters_text(params)}",
        ip=ip,
    )


def audit_document(*, actor, object_type, filename, params):
    """The audit line of an export that is a document, not a list (the monthly report
    as .xlsx or .docx): who, what, which month."""
    audit_record(
        AuditEvent.Action.EXPORT,
        actor=actor,
        object_type=object_type,
        object_repr=filename,
        detail=f"导出{filename}；条件：{_filters_text(params)}",
    )


def file_name(filename, extension="xlsx"):
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return f"{filename}_{stamp}.{extension}"


def attachment(content, name, content_type=XLSX):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def respond(request, name, params):
    """The export ``name`` of what ``request.user`` may read, filtered by ``params``:
    the file, or (large) a redirect to the page that follows the worker writing it."""
    from django.shortcuts import redirect

    spec = EXPORTS[name]
    params = filters_of(params)
    # The rows are lazy querysets read while the workbook is written: a large read that
    # may go to the replica (common/replica.py); the audit line below is a write and goes
    # to the primary.
    with replica_reads():
        table = spec.build(request.user, params)
        if table.count is not None and table.count > settings.ZS_EXPORT_BACKGROUND_ROWS:
            background = True
        else:
            background = False
            buffer = BytesIO()
            rows = write_workbook(buffer, table.sheets)
    if background:
        token = export_start(user=request.user, spec=spec, params=params, table=table)
        return redirect("exports:status", token=token)
    _audit(request.user, spec, table.filename, rows, params)
    return attachment(buffer.getvalue(), file_name(table.filename))


# --- Exports in the worker ----------------------------------------------------------------
def _dir():
    return Path(settings.MEDIA_ROOT) / "exports"


def _paths(token):
    if not TOKEN.match(token or ""):
        return None
    return _dir() / f"{token}.json", _dir() / f"{token}.xlsx"


def job(token):
    """The job's record (a dict), or None if there is none (or it has expired)."""
    paths = _paths(token)
    if paths is None or not paths[0].exists():
        return None
    return json.loads(paths[0].read_text("utf-8"))


def _save(token, data):
    meta, _ = _paths(token)
    part = meta.with_suffix(".json.part")
    part.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    os.replace(part, meta)  # the page never reads half a record


def _purge_expired():
    """Files of exports older than a day go when the next export starts."""
    cutoff = time.time() - KEEP_SECONDS
    for path in _dir().glob("*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def export_start(*, user, spec, params, table):
    from . import tasks

    _dir().mkdir(parents=True, exist_ok=True)
    _purge_expired()
    token = secrets.token_hex(16)
    _save(
        token,
        {
            "user_id": user.pk,
            "name": spec.name,
            "module": spec.module,
            "params": params,
            "filename": table.filename,
            "total": table.count,
            "state": "queued",
            "rows": 0,
            "error": "",
            "ip": current_ip.get(),
            "created_at": timezone.now().isoformat(),
        },
    )
    progress_set(f"export:{token}", 0, "queued")
    transaction.on_commit(lambda: tasks.run_export.delay(token))
    return token


def export_run(token):
    """In the worker: build the table again from the user's own scoped reads and the
    filters, write the file with progress, record the audit line."""
    import importlib

    from zhaoshang.org.models import User

    data = job(token)
    if data is None:
        return
    importlib.import_module(data["module"])  # registers the export
    spec = EXPORTS[data["name"]]
    key = f"export:{token}"
    data["state"] = "running"
    _save(token, data)
    try:
        user = User.objects.get(pk=data["user_id"])
        if not user.is_active:
            raise PermissionError("账号已停用")
        _, path = _paths(token)
        part = path.with_suffix(".xlsx.part")
        with replica_reads(), part.open("wb") as out:
            table = spec.build(user, data["params"])
            rows = write_workbook(
                out, table.sheets, progress=lambda done: progress_set(key, done, "writing")
            )
        os.replace(part, path)
    except Exception as exc:
        data.update(state="failed", error=f"导出失败：{exc}")
        _save(token, data)
        progress_set(key, data["rows"], "failed")
        raise
    _audit(user, spec, table.filename, rows, data["params"], ip=data["ip"])
    data.update(state="done", rows=rows, finished_at=timezone.now().isoformat())
    _save(token, data)
    progress_set(key, rows, "done")


def export_progress(token, data):
    return progress_get(f"export:{token}", {"done": data["rows"], "phase": data["state"]})


def export_file(token, data):
    _, path = _paths(token)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=file_name(data["filename"]),
        content_type=XLSX,
    )

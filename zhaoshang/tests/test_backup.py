"""Backup and restore, as an operator relies on them: the drill (back up, wipe, restore,
and every table and every uploaded file is back exactly), on SQLite and on PostgreSQL
(whichever the suite runs on), and bad archives refused before anything is touched."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhaoshang.audit.models import AuditEvent
from zhaoshang.conftest import PASSWORD
from zhaoshang.org.models import User

AUDIT = "audit_auditevent"


def fingerprints(audit_up_to=None):
    """``{table: (row count, sha256 of its rows in full column order)}`` for every table,
    read here independently of the backup code. ``audit_up_to``: compare the audit trail
    up to that id (the restore itself adds one line after it)."""
    qn = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = connection.introspection.get_table_description(cursor, table)
            order = ", ".join(str(i) for i in range(1, len(columns) + 1))
            where = f" WHERE id <= {int(audit_up_to)}" if table == AUDIT and audit_up_to else ""
            cursor.execute(f"SELECT * FROM {qn(table)}{where} ORDER BY {order}")
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            result[table] = (count, digest.hexdigest())
    return result


def media_files(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file()
    }


def wipe_database():
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
    else:
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE IF EXISTS {qn(table)} CASCADE")
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_drill_backup_wipe_restore_gives_back_every_row_and_file(
    committed_db, demo, settings, tmp_path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "企业名录.xlsx").write_bytes(bytes(range(256)) * 40)
    (media / "imports" / "abc.checked.jsonl").write_text('{"名称": "华为"}\n', encoding="utf-8")
    audit_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    before = fingerprints()
    files_before = media_files(media)
    assert before["org_user"][0] > 0 and before[AUDIT][0] > 0

    out = run("backup", "--output", str(tmp_path / "backups"))
    archives = list((tmp_path / "backups").glob("zhaoshang-backup-*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in out
    assert archives[0].stat().st_mode & 0o077 == 0  # owner-only: it holds password hashes

    wipe_database()
    shutil.rmtree(media)

    out = run("restore", "--noinput", str(archives[0]))
    assert "恢复完成" in out

    after = fingerprints(audit_up_to=audit_before)
    assert after == before
    assert media_files(media) == files_before
    # The system works on what came back, and the trail says a restore happened.
    assert demo["department_staff"].check_password(PASSWORD)
    restore_line = AuditEvent.objects.order_by("-id").first()
    assert restore_line.action == AuditEvent.Action.IMPORT and "从备份恢复" in restore_line.detail


def test_keep_leaves_the_newest_archives(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20240101-020000", "20250101-020000", "20260101-020000"):
        (folder / f"zhaoshang-backup-{stamp}.tar.gz").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    run("backup", "--output", str(folder), "--keep", "2")
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3 and "notes.txt" in names
    assert "zhaoshang-backup-20260101-020000.tar.gz" in names
    assert AuditEvent.objects.filter(action="export", object_type="backup").exists()


def _archive(path, manifest, extra=()):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *extra]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes):
    return {
        "format": 1,
        "created_at": "2026-12-01T02:00:00+08:00",
        "vendor": connection.vendor,
        "counts": {},
        "migrations": [],
        **changes,
    }


@pytest.mark.parametrize(
    "kind, message",
    [
        ("not_an_archive", "不是有效的备份文件"),
        ("other_database", "不能直接恢复"),
        ("escapes_folder", "不应出现的条目"),
        ("newer_program", "较新版本"),
    ],
)
def test_bad_archives_are_refused_and_nothing_changes(db, demo, settings, tmp_path, kind, message):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    media.mkdir()
    (media / "keep.txt").write_text("现有上传文件")
    path = tmp_path / "zhaoshang-backup-20261201-020000.tar.gz"
    if kind == "not_an_archive":
        path.write_text("这不是备份")
    elif kind == "other_database":
        other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
        _archive(path, _manifest(vendor=other))
    elif kind == "escapes_folder":
        _archive(path, _manifest(), extra=[("../escaped.txt", b"x")])
    else:
        _archive(path, _manifest(migrations=["org.9999_from_the_future"]))
    users = User.objects.count()
    with pytest.raises(CommandError, match=message):
        run("restore", "--noinput", str(path))
    assert User.objects.count() == users
    assert (media / "keep.txt").read_text() == "现有上传文件"
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump 仅用于 PostgreSQL")
def test_pg_dump_older_than_the_server_is_refused(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with (
        mock.patch("zhaoshang.common.backup._tool_major", return_value=9),
        pytest.raises(CommandError, match="pg_dump 版本（9）低于数据库服务器版本"),
    ):
        run("backup", "--output", str(tmp_path / "backups"))
    assert not list((tmp_path / "backups").glob("*.tar.gz*"))

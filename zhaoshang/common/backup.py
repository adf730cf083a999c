"""Backup and restore: the database and the uploaded files in one dated archive.

``zhaoshang-backup-YYYYMMDD-HHMMSS.tar.gz`` holds
- ``manifest.json``: when, from which database engine and tool versions, the applied
  migrations, and every table's row count, all read from the same snapshot as the dump;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the system
  runs) or ``database.pgdump`` (``pg_dump --format=custom``, taken on a snapshot the
  row counts were read from too);
- ``media/``: everything under MEDIA_ROOT (imports and other uploads).

Restore is all or nothing for the database: on PostgreSQL the old tables are dropped and
the dump replayed in one transaction (psql --single-transaction), on SQLite the backup
API writes the copy back page by page under one lock. Row counts are then checked
against the manifest, and only then are the uploaded files swapped in. A bad archive is
refused before anything is touched.

docs/operations.md tells an operator how to schedule backups and rehearse a restore.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record

FORMAT = 1
PREFIX = "zhaoshang-backup-"
SUFFIX = ".tar.gz"
ARCHIVE_NAME = re.compile(re.escape(PREFIX) + r"\d{8}-\d{6}" + re.escape(SUFFIX) + "$")
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A refusal or failure, in words an operator can act on (Chinese)."""


# --- Tools ------------------------------------------------------------------------------
def _pg_tool(name):
    """The PostgreSQL client program ``name``: from ZS_PG_BIN_DIR when set (a server of
    a newer major version needs its own client, e.g. /usr/lib/postgresql/16/bin)."""
    if settings.PG_BIN_DIR:
        path = Path(settings.PG_BIN_DIR) / name
        if not path.exists():
            raise BackupError(f"未找到 {path}：请检查 ZS_PG_BIN_DIR。")
        return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"未找到 {name}：请安装与数据库服务器同一主版本的 PostgreSQL 客户端"
            "（如 Debian 的 postgresql-client），或用 ZS_PG_BIN_DIR 指明其目录。"
        )
    return found


def _tool_major(program):
    """``pg_dump (PostgreSQL) 15.20 (Debian …)`` -> 15."""
    # The PostgreSQL client programs, with fixed arguments (here and below).
    out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    match = re.search(r"\)\s*(\d+)", out.stdout)
    if not match:
        raise BackupError(f"无法识别 {program} 的版本：{out.stdout.strip()}")
    return int(match.group(1))


def _pg_env(connection):
    """libpq's environment for the client programs: the password never appears on a
    command line (where `ps` would show it)."""
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    if s.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    return env


def _run(argv, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} 执行失败：{result.stderr.strip()[-800:]}")
    return result


# --- Reading the live database ----------------------------------------------------------
def _quote(connection, name):
    return connection.ops.quote_name(name)


def _counts(cursor, quote, tables):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor):
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _dump_sqlite(connection, work):
    target = work / DUMP_NAMES["sqlite"]
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # online: pages written meanwhile are copied again
    finally:
        source.close()
    try:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        facts = {
            "counts": _counts(cursor, lambda n: '"' + n.replace('"', '""') + '"', tables),
            "migrations": _applied_migrations(cursor),
            "sqlite_version": sqlite3.sqlite_version,
        }
    finally:
        copy.close()
    return target, facts


def _dump_postgresql(connection, work):
    pg_dump = _pg_tool("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    dump_major = _tool_major(pg_dump)
    if dump_major < server_major:
        raise BackupError(
            f"pg_dump 版本（{dump_major}）低于数据库服务器版本（{server_major}），无法备份："
            f"请安装 PostgreSQL {server_major} 的客户端，或用 ZS_PG_BIN_DIR 指明其目录。"
        )
    target = work / DUMP_NAMES["postgresql"]
    # A connection of our own, in one REPEATABLE READ snapshot that pg_dump shares: the
    # counts in the manifest are those of the dump, however busy the system is.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", "-f", target],
            env=_pg_env(connection),
        )
        tables = connection.introspection.table_names(cursor)
        facts = {
            "counts": _counts(cursor, lambda n: _quote(connection, n), sorted(tables)),
            "migrations": _applied_migrations(cursor),
            "server_version": server_major,
            "pg_dump_version": dump_major,
        }
        cursor.execute("ROLLBACK")
    finally:
        raw.close()
    return target, facts


# --- Archive ----------------------------------------------------------------------------
def _media_root():
    return Path(settings.MEDIA_ROOT)


def _add_media(tar, root):
    """Every regular file under MEDIA_ROOT as ``media/…``. An upload removed while we
    walk is simply not in the backup (it was not there a moment later either)."""
    tar.add(root, arcname="media", recursive=False)
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = Path(folder).relative_to(root)
        for name in dirs:
            tar.add(Path(folder) / name, arcname=str(Path("media") / rel / name), recursive=False)
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            try:
                tar.add(path, arcname=str(Path("media") / rel / name), recursive=False)
            except FileNotFoundError:
                continue


def backup_create(*, actor=None, directory, keep=None, now=None):
    """Write one archive into ``directory`` and return its path. ``keep``: then delete
    all but the newest ``keep`` archives there."""
    connection = connections["default"]
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"不支持备份 {vendor} 数据库。")
    directory = Path(directory).resolve()
    media = _media_root().resolve()
    if directory == media or media in directory.parents:
        raise BackupError(
            f"备份目录 {directory} 在上传文件目录之内，备份会把自己打包进去：请换一个目录。"
        )
    directory.mkdir(parents=True, exist_ok=True)
    taken = timezone.localtime(now or timezone.now())
    target = directory / f"{PREFIX}{taken:%Y%m%d-%H%M%S}{SUFFIX}"
    if target.exists():
        raise BackupError(f"{target} 已存在：同一秒内只能做一次备份。")
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(dir=directory) as work:
        work = Path(work)
        dump, facts = (_dump_sqlite if vendor == "sqlite" else _dump_postgresql)(connection, work)
        manifest = {
            "format": FORMAT,
            "created_at": taken.isoformat(),
            "vendor": vendor,
            "database": dump.name,
            "media": media.is_dir(),
            **facts,
        }
        (work / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        # The archive holds every password hash and every record: owner-only from the
        # first byte, and under its final name only once complete.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(work / "manifest.json", arcname="manifest.json")
                tar.add(dump, arcname=dump.name)
                if media.is_dir():
                    _add_media(tar, media)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    audit_record(
        AuditEvent.Action.EXPORT,
        actor=actor,
        object_type="backup",
        object_repr=target.name,
        detail=f"整库备份（数据库与上传文件）：{target}",
    )
    if keep:
        backups_prune(directory=directory, keep=keep)
    return target


def backups_prune(*, directory, keep):
    """Delete all but the newest ``keep`` archives (names sort by time)."""
    archives = sorted(p for p in Path(directory).iterdir() if ARCHIVE_NAME.match(p.name))
    doomed = archives[: max(len(archives) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


def _safe_members(tar, database_name):
    """The archive's members, refused whole if any could write outside the folder it is
    unpacked into, or is anything but a plain file or folder."""
    members = tar.getmembers()
    for m in members:
        parts = Path(m.name).parts
        allowed = m.name in ("manifest.json", database_name) or (parts and parts[0] == "media")
        if not allowed or m.name.startswith("/") or ".." in parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"备份文件含有不应出现的条目“{m.name}”，已拒绝恢复。")
    return members


def read_manifest(archive):
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read().decode("utf-8"))
    except (tarfile.TarError, KeyError, OSError, ValueError, AttributeError) as error:
        raise BackupError(
            f"{archive.name} 不是有效的备份文件（应为 manage.py backup 生成的 .tar.gz）。"
        ) from error
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in DUMP_NAMES:
        raise BackupError(f"{archive.name} 的格式不是本程序能识别的备份格式。")
    return manifest


def _check_migrations(manifest):
    """Refuse an archive written by a newer program (its schema has migrations this code
    does not know); return the migrations to run after restoring an older one."""
    on_disk = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    archived = set(manifest.get("migrations", []))
    unknown = sorted(archived - on_disk)
    if unknown:
        raise BackupError(
            f"备份来自较新版本的程序（含本程序没有的数据库迁移 {unknown[0]} 等 {len(unknown)} 项），"
            "请先升级程序再恢复。"
        )
    return sorted(on_disk - archived)


def _restore_sqlite(connection, dump):
    connection.close()
    target = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    source = sqlite3.connect(dump)
    try:
        source.backup(target)  # replaces every page under one write lock
    finally:
        source.close()
        target.close()


def _restore_postgresql(connection, dump, manifest):
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    have = _tool_major(pg_restore)
    if have < manifest.get("pg_dump_version", 0):
        raise BackupError(
            f"pg_restore 版本（{have}）低于生成备份的 pg_dump（{manifest['pg_dump_version']}），"
            "无法读取：请安装新版本的 PostgreSQL 客户端，或用 ZS_PG_BIN_DIR 指明其目录。"
        )
    env = _pg_env(connection)
    _run([pg_restore, "--list", dump], env=env)  # the dump is readable before we drop anything
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    # Tables the archive does not know (a later migration) go too: after a restore the
    # schema is exactly the archive's.
    drops = "".join(f"DROP TABLE IF EXISTS {_quote(connection, t)} CASCADE;\n" for t in tables)
    drop_file = Path(dump).with_name("drop.sql")
    drop_file.write_text(drops, encoding="utf-8")
    connection.close()
    script = subprocess.Popen(  # noqa: S603
        [pg_restore, "--clean", "--if-exists", "--no-owner", "-f", "-", dump],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        # One transaction: drop, recreate, load, index. Any error rolls all of it back
        # and leaves the database as it was.
        _run(
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--single-transaction",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(drop_file),
                "-f",
                "-",
            ],
            stdin=script.stdout,
            env=env,
        )
    finally:
        script.stdout.close()
        script.wait()
    if script.returncode != 0:
        raise BackupError(f"pg_restore 执行失败：{script.stderr.read().decode()[-800:]}")


def _swap_media(unpacked):
    """Put the archive's uploads in place of the current ones, by renames on the same
    file system, so MEDIA_ROOT is never half old and half new."""
    media = _media_root()
    old = media.with_name(media.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if media.exists():
        os.replace(media, old)
    if unpacked.is_dir():
        os.replace(unpacked, media)
    else:
        media.mkdir(parents=True)
    shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, actor=None, archive):
    """Replace the database and the uploaded files with the archive's. Returns the
    manifest and the migrations still to run (non-empty when the archive is older than
    the program)."""
    archive = Path(archive).resolve()
    manifest = read_manifest(archive)
    connection = connections["default"]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"该备份来自 {manifest['vendor']} 数据库，当前使用 {connection.vendor}，不能直接恢复。"
        )
    pending = _check_migrations(manifest)
    database_name = DUMP_NAMES[manifest["vendor"]]
    # Unpacked beside MEDIA_ROOT: the final swap is then a rename, not a copy.
    media = _media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                members = _safe_members(tar, database_name)
                # Members checked above; the standard library's own check too where it has it.
                safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(work, members=members, **safe)  # noqa: S202
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{archive.name} 已损坏，无法解包：{error}") from error
        dump = work / database_name
        if not dump.is_file():
            raise BackupError(f"{archive.name} 中没有数据库文件 {database_name}。")
        if connection.in_atomic_block:
            raise BackupError("恢复不能在数据库事务之内进行。")
        if manifest["vendor"] == "sqlite":
            _restore_sqlite(connection, dump)
        else:
            _restore_postgresql(connection, dump, manifest)
        with connection.cursor() as cursor:
            counts = _counts(cursor, lambda n: _quote(connection, n), sorted(manifest["counts"]))
        wrong = [t for t, n in manifest["counts"].items() if counts.get(t) != n]
        if wrong:
            raise BackupError(
                f"恢复后 {len(wrong)} 张表的行数与备份记录不符（如 {wrong[0]}："
                f"{counts.get(wrong[0])} ≠ {manifest['counts'][wrong[0]]}），请勿使用，并检查备份文件。"
            )
        _swap_media(work / "media")
    # Cached pages and progress belong to the data just replaced.
    cache.clear()
    audit_record(
        AuditEvent.Action.IMPORT,
        actor=actor,
        object_type="backup",
        object_repr=archive.name,
        detail=(
            f"从备份恢复数据库与上传文件：{archive}（备份时间 {manifest['created_at']}）；"
            "此后至恢复前的记录已不在系统中"
        ),
    )
    return manifest, pending

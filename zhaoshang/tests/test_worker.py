"""A real Celery worker process, on the embedded SQLite broker, runs a queued job against
the test database: what `make run` starts is what runs the scheduled jobs."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.db import connection
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record


def database_url():
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_worker_runs_the_retention_job(committed_db, tmp_path):
    from zhaoshang.audit.tasks import purge_expired_events
    from zhaoshang.celery import app

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=400)):
        old = audit_record(AuditEvent.Action.EXPORT, username="old", detail="一年前的记录")
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "ZS_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zhaoshang",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # The test set-up runs queued jobs in-process; this one must reach the real worker.
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(broker) as conn:
            purge_expired_events.apply_async(connection=conn)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and AuditEvent.objects.filter(pk=old.pk).exists():
            assert worker.poll() is None, worker.stdout.read().decode()
            time.sleep(0.2)  # polling for the worker's result, bounded by the deadline
        assert not AuditEvent.objects.filter(pk=old.pk).exists(), (
            "后台任务进程未在 60 秒内执行清理任务"
        )
        assert AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).exists()
    finally:
        worker.terminate()
        worker.wait(timeout=20)

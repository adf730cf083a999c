"""Faults a district's server meets in its years of service, each proven for real:
- the worker killed with SIGKILL in the middle of an import commit: nothing of the import
  is written, the job shows as failed with a Chinese message, and running the file again
  gives exactly one copy of every row;
- the broker down: pages keep working, queuing a job says so instead of failing the page,
  and the job runs once the broker is back.
(PostgreSQL restarted under load is the drill in scripts/drill_postgres_restart.py, run by
test_postgres_drill.py; a full disk is in test_hostile_uploads.py.)"""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from zhaoshang.enterprises import importing
from zhaoshang.enterprises.models import Enterprise, ImportJob

ROWS = 300
NAME = "天津断电测试{:03d}科技有限公司"


def _database_url():
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(tmp_path, broker):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "ZS_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)  # the file cache in tmp_path, shared with this test
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zhaoshang",
            "worker",
            "--pool=threads",  # as run_embedded starts it
            "--concurrency=2",
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


def _wait(condition, worker, what, seconds=60):
    """Poll ``condition`` (bounded by ``seconds``) while the worker lives."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"后台任务进程意外退出：{worker.stdout.read().decode()[-3000:]}")
        time.sleep(0.2)  # polling another process's progress, bounded by the deadline
    pytest.fail(f"{seconds} 秒内未等到：{what}")


def _stop(worker):
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def shared_files(settings, tmp_path):
    """This test and the worker process share the media folder (the uploaded file and
    its dry-run rows) and the file cache (progress and the worker's heartbeat)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return tmp_path


def _checked_job(user):
    """The same file each time: ROWS enterprises by name."""
    text = "企业名称\n" + "".join(NAME.format(i) + "\n" for i in range(ROWS))
    job = importing.store(
        SimpleUploadedFile("名单.csv", text.encode()), kind="enterprises", user=user
    )
    job.mapping = {"0": "name"}
    job.save()
    importing.check(job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    return job


def _copies():
    return dict(
        Enterprise.objects.filter(name__startswith="天津断电测试")
        .values_list("name")
        .annotate(n=Count("pk"))
        .values_list("name", "n")
    )


# --- A worker that dies: the page tells, a job never shows running for ever ---------------
def _dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()  # reaped: no process has this id any more
    return proc.pid


@pytest.mark.parametrize("state", ["checking", "importing"])
def test_a_job_whose_worker_died_shows_as_failed(demo, client_for, state):
    clerk = demo["office_staff"]
    job = ImportJob.objects.create(
        kind="enterprises",
        file_name="名单.csv",
        token="a" * 32,
        department=clerk.department,
        created_by=clerk,
        state=state,
        worker_started_at=timezone.now(),
    )
    queued = ImportJob.objects.create(
        kind="enterprises",
        file_name="排队.csv",
        token="b" * 32,
        department=clerk.department,
        created_by=clerk,
        state=state,  # queued: no worker has it yet, so nothing is interrupted
    )
    unheard = ImportJob.objects.create(
        kind="enterprises",
        file_name="他机.csv",
        token="c" * 32,
        department=clerk.department,
        created_by=clerk,
        state=state,
        worker_started_at=timezone.now(),  # and no heartbeat: its worker is long gone
    )
    c = client_for("office_staff")
    key = f"zs:import-alive:enterprises.importjob:{job.pk}"
    # A live worker on this machine: still running.
    cache.set(key, {"host": socket.gethostname(), "pid": os.getpid()})
    c.get(f"/enterprises/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.state == state
    # Its process gone (killed): the page shows the job failed, in Chinese.
    cache.set(key, {"host": socket.gethostname(), "pid": _dead_pid()})
    page = c.get(f"/enterprises/imports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "后台进程意外终止" in job.errors[0][2] and "未写入任何数据" in job.errors[0][2]
    assert "后台进程意外终止" in page
    c.get(f"/enterprises/imports/{queued.pk}/")
    queued.refresh_from_db()
    assert queued.state == state
    # Another machine's worker died: its heartbeat expired, the same outcome.
    c.get(f"/enterprises/imports/{unheard.pk}/")
    unheard.refresh_from_db()
    assert unheard.state == ImportJob.State.FAILED


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="在导入事务中途拦住后台进程要用 PostgreSQL 的表锁，仅在 PostgreSQL 轮次运行",
)
def test_worker_killed_in_the_middle_of_an_import_commit(
    committed_db, demo, shared_files, client_for
):
    import psycopg

    from zhaoshang.celery import app
    from zhaoshang.enterprises.tasks import commit_import

    app.conf.task_always_eager = False  # the real worker runs it, not this process
    clerk = demo["office_staff"]
    before = Enterprise.objects.count()
    job = _checked_job(clerk)
    broker = f"sqla+sqlite:///{shared_files / 'broker.sqlite3'}"
    s = connection.settings_dict
    # Another session takes the audit trail's table: the commit, having inserted the new
    # enterprises, waits there for its audit lines, inside its transaction.
    blocker = psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"]
    )
    blocker.execute("LOCK TABLE audit_auditevent IN SHARE ROW EXCLUSIVE MODE")
    worker = _start_worker(shared_files, broker)
    try:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
        with app.connection_for_write(broker) as conn:
            commit_import.apply_async((job.pk, clerk.pk, False), connection=conn)

        def waiting_mid_commit():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    " WHERE c.relname = 'audit_auditevent' AND NOT l.granted"
                )
                return cur.fetchone()[0] > 0

        _wait(waiting_mid_commit, worker, "导入提交在事务中途等待")
        job.refresh_from_db()
        assert job.state == ImportJob.State.IMPORTING and job.worker_started_at is not None
        with connection.cursor() as cur:
            # The worker's transaction holds the new rows, uncommitted.
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'active' AND query ILIKE 'COPY%%audit_auditevent%%'"
            )
            assert cur.fetchone()[0] == 1
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        blocker.rollback()  # the table free again
        blocker.close()
        _stop(worker)

    assert Enterprise.objects.count() == before  # nothing of the import was committed
    # The worker comes back (systemd restarts it): it finds the job its predecessor left.
    worker = _start_worker(shared_files, broker)
    try:
        _wait(
            lambda: ImportJob.objects.get(pk=job.pk).state == ImportJob.State.FAILED,
            worker,
            "被中断的导入标记为失败",
        )
    finally:
        _stop(worker)
    job.refresh_from_db()
    assert "导入中断" in job.errors[0][2] and "未写入任何数据" in job.errors[0][2]
    page = client_for("office_staff").get(f"/enterprises/imports/{job.pk}/").content.decode()
    assert "失败" in page and "后台进程意外终止" in page
    assert Enterprise.objects.count() == before

    # Running the file again: exactly one copy of every row, and once more, still one.
    for _ in range(2):
        again = _checked_job(clerk)
        ImportJob.objects.filter(pk=again.pk).update(state=ImportJob.State.IMPORTING)
        importing.commit(again, actor=clerk)
        copies = _copies()
        assert len(copies) == ROWS and set(copies.values()) == {1}
    assert Enterprise.objects.count() == before + ROWS


# --- The broker down ----------------------------------------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port):
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )

    def answers():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    _wait(answers, None, "Redis 启动", seconds=20)
    return redis


@pytest.fixture
def redis_broker(monkeypatch):
    """The app's broker is a Redis on a free loopback port, not started yet."""
    import shutil

    from zhaoshang.celery import app

    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 需要 redis-server 来演练消息队列中断")
        pytest.skip("未安装 redis-server")
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def fresh_pools():
        # The app keeps a connection pool made for the broker it first used, and kombu
        # keeps its pools in registries keyed by the broker's address. A closed pool left
        # there is found again when a later test draws the same free port ("Acquire on
        # closed pool"), so the registries are emptied too.
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_write_url", url)  # whatever an earlier test left
    app.conf.task_always_eager = False  # queued for real
    fresh_pools()
    yield port, url
    fresh_pools()


@pytest.fixture
def robot():
    """A group robot on loopback that records what it is sent and answers as 企业微信 does."""
    import http.server
    import threading

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send", received
    server.shutdown()
    server.server_close()


def test_broker_down_pages_work_and_jobs_run_when_it_returns(
    committed_db, demo, shared_files, client_for, redis_broker, robot
):
    from datetime import timedelta

    from zhaoshang.common.queue import BROKER_DOWN
    from zhaoshang.notifications.models import UnitWebhook, WebhookDelivery
    from zhaoshang.notifications.services import notify
    from zhaoshang.notifications.tasks import requeue_waiting

    port, url = redis_broker
    robot_url, received = robot
    clerk = demo["office_staff"]
    c = client_for("office_staff")

    # The broker is down. Pages that do not need it answer as ever.
    for page in ("/", "/enterprises/", "/pipeline/", "/enterprises/imports/"):
        assert c.get(page).status_code == 200, page
    # A notification raised now is kept, its robot message waiting. (The loopback robot
    # is listed as an intranet gateway, as the security administrator does.)
    from zhaoshang.org.services import policy_update

    gateway = robot_url.split("/")[2]
    policy_update(actor=demo["security_admin"], data={"webhook_allowed_hosts": gateway})
    UnitWebhook.objects.create(
        department=clerk.department, kind="wecom", name="招商科工作群", url=robot_url
    )
    notify(recipients=[clerk], title="断网演练", body="消息队列中断时产生的通知", kind="test")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 0
    # Queuing an import's dry run says so, and the job waits for the user to try again.
    text = "企业名称\n" + "".join(NAME.format(i) + "\n" for i in range(5))
    c.post(
        "/enterprises/imports/",
        {"kind": "enterprises", "file": SimpleUploadedFile("名单.csv", text.encode())},
    )
    job = ImportJob.objects.get()
    started = time.monotonic()
    response = c.post(
        f"/enterprises/imports/{job.pk}/", {"action": "check", "col0": "name"}, follow=True
    )
    assert time.monotonic() - started < 10  # bounded retry, no hanging page
    assert response.status_code == 200
    assert BROKER_DOWN in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.UPLOADED

    # The broker comes back, and the worker with it.
    redis = _start_redis(port)
    worker = None
    try:
        env_broker = url
        worker = _start_worker(shared_files, env_broker)
        # Beat's sweep sends the waiting robot message again (it waited over two minutes).
        WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=3))
        assert requeue_waiting() == 1
        _wait(
            lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.SENT,
            worker,
            "群机器人消息在消息队列恢复后送达",
        )
        assert len(received) == 1 and "断网演练" in received[0]
        # The user clicks again: the dry run runs.
        page = c.post(
            f"/enterprises/imports/{job.pk}/", {"action": "check", "col0": "name"}, follow=True
        ).content.decode()
        assert BROKER_DOWN not in page
        _wait(
            lambda: ImportJob.objects.get(pk=job.pk).state == ImportJob.State.CHECKED,
            worker,
            "试导入在消息队列恢复后完成",
        )
        assert ImportJob.objects.get(pk=job.pk).summary["create"] == 5
    finally:
        if worker is not None:
            _stop(worker)
        redis.terminate()
        redis.wait(timeout=10)

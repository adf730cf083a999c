"""`make run` for real, as the README's first command promises: on a fresh var directory
it migrates, loads the demo district and serves through gunicorn with a Celery worker
and beat beside it; /healthz answers, the login page and a static file come back; Ctrl+C
stops every process it started, none left behind."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

START_SECONDS = 90  # migrate + demo district + start, on a loaded 2-core CI machine
STOP_SECONDS = 40  # the supervisor's own grace (20 s) plus margin

pytestmark = [
    pytest.mark.serving,
    pytest.mark.skipif(shutil.which("make") is None, reason="需要 make"),
    # make run is the embedded default: SQLite and its file broker whatever DATABASE_URL
    # the suite runs with, so one leg of the suite covers it.
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="make run 使用嵌入式 SQLite，仅在 SQLite 轮次运行",
    ),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_processes(sid):
    """``{pid: command line}`` of every live process in session ``sid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Fields after the command name (which may hold spaces) close with ')'.
            fields = stat[stat.rindex(")") + 2 :].split()
            state, session = fields[0], int(fields[3])
            if session == sid and state != "Z":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="需要 /proc（Linux）")
def test_make_run_serves_with_gunicorn_and_ctrl_c_stops_everything(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_ENV"}
    }
    env["ZS_VAR_DIR"] = str(tmp_path / "var")
    log_path = tmp_path / "run.log"
    with open(log_path, "wb") as log:
        # -o: the venv is the one running this test; do not reinstall it. A new session,
        # so the test can send Ctrl+C to the whole group as a terminal does.
        make = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "-o",
                ".venv/.installed",
                "run",
                f"ADDR=127.0.0.1:{port}",
                f"PY={sys.executable}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        health = None
        while time.monotonic() < deadline:
            assert make.poll() is None, "make run 提前退出：\n" + log_path.read_text()[-3000:]
            try:
                health = _get(f"{base}/healthz")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                health = None
            if health and health[0] == 200:
                break
            time.sleep(0.5)  # polling the server's start, bounded by the deadline
        assert health and health[0] == 200, "健康检查未通过：\n" + log_path.read_text()[-3000:]
        assert health[2] == b'{"status": "ok", "database": "ok", "broker": "ok"}'

        status, headers, body = _get(f"{base}/login/")
        assert status == 200 and "登录" in body.decode()
        # Served by gunicorn, not Django's development server.
        assert headers.get("Server") == "gunicorn"
        status, _, body = _get(f"{base}/static/vendor/htmx/htmx.min.js")
        assert status == 200 and body  # through WhiteNoise

        running = _session_processes(make.pid)
        commands = b"\n".join(running.values())
        assert b"gunicorn" in commands
        assert b"celery -A zhaoshang worker" in commands
        assert b"celery -A zhaoshang beat" in commands
        assert b"runserver" not in commands

        os.killpg(make.pid, signal.SIGINT)  # Ctrl+C in the terminal
        make.wait(timeout=STOP_SECONDS)
        deadline = time.monotonic() + 10
        while _session_processes(make.pid) and time.monotonic() < deadline:
            time.sleep(0.2)  # orphaned workers notice their master is gone
        assert _session_processes(make.pid) == {}, "Ctrl+C 后仍有进程未退出"
        assert "已全部停止" in log_path.read_text()
    finally:
        for pid in _session_processes(make.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if make.poll() is None:
            make.kill()
            make.wait()

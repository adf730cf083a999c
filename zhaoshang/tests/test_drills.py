"""Drills that need a server of their own, run as scripts an operator can run too; each
test runs one and holds it to its verdict. They start their own PostgreSQL cluster or
server, never touching the machine's, so one leg of the suite runs them."""

import glob
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="演练自带数据库与服务器，只在 SQLite 轮次运行一次",
    ),
]


def _run(script, seconds):
    done = subprocess.run(
        [sys.executable, f"scripts/{script}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=seconds,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
    )
    return done.returncode, done.stdout + done.stderr


def test_postgres_restart_under_load():
    if not (glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI 需要 PostgreSQL 服务器程序（initdb）来演练数据库重启")
        pytest.skip("未安装 PostgreSQL 服务器程序")
    code, out = _run("drill_postgres_restart.py", 400)
    assert code == 0 and "结论：通过" in out, out[-4000:]
    # Each outcome was checked, not just the exit code.
    for line in ("503 页面", "全部成功，gunicorn 未重启", "写入全部在库"):
        assert line in out, out[-4000:]

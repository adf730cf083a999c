"""Drill: PostgreSQL restarted under load.

Starts a throwaway PostgreSQL cluster of its own (initdb in a temporary folder, a free
loopback port: the machine's own server is never touched), migrates it, loads the demo
district, and serves it with gunicorn as `make run` does. Four clients, signed in as a
department's clerk, keep reading the kanban and writing progress-ledger entries; in the
middle PostgreSQL is restarted (pg_ctl restart -m fast). The drill passes when:

- while the database is away, every failed request got the 503 page in Chinese
  ("系统暂时无法访问"), never a traceback, a 500 or a dropped connection;
- once it is back, every request succeeds again, with the same gunicorn (no restart);
- every write the server acknowledged is in the database afterwards.

It prints what happened and exits 1 when any of these fails. Run from the repository:
    .venv/bin/python scripts/drill_postgres_restart.py
As root the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
"""

import contextlib
import datetime
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from instance import Gunicorn, Session, environment, free_port, prepare, shell

USERNAME = "kejiju"  # the demo district's 区科技局 clerk
CLIENTS = 4
BEFORE_SECONDS, AFTER_SECONDS = 3, 4
UNAVAILABLE = "系统暂时无法访问"


def say(text):
    print(text, flush=True)


def pg_bin():
    configured = os.environ.get("ZS_PG_BIN_DIR")
    if configured:
        return Path(configured)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    sys.exit("未找到 PostgreSQL 服务器程序（initdb）：请安装 postgresql 或设置 ZS_PG_BIN_DIR")


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port."""

    def __init__(self, folder):
        self.bin = pg_bin()
        self.dir = Path(folder) / "pgdata"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def run(self, *argv):
        argv = [str(a) for a in argv]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def create(self):
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.dir.parent, "postgres")
            os.chmod(self.dir.parent, 0o755)  # noqa: S103 (the postgres user must enter it)
        self.run(
            self.bin / "initdb", "-D", self.dir, "--auth=trust", "-U", "postgres", "-E", "UTF8"
        )
        self.start()
        self.run(
            self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "drill"
        )

    def pg_ctl(self, *args):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self.run(
            self.bin / "pg_ctl", "-D", self.dir, "-o", options, "-l", self.dir / "log", "-w", *args
        )

    def start(self):
        self.pg_ctl("start")

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "fast")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/drill"


def main():
    folder = Path(tempfile.mkdtemp(prefix="zs-pg-drill-"))
    cluster = Cluster(folder)
    gunicorn = None
    try:
        say(f"== 临时 PostgreSQL 集群：{cluster.dir}，端口 {cluster.port}")
        cluster.create()
        env = environment(folder, DATABASE_URL=cluster.url)
        say("== 迁移并载入演示数据")
        password = prepare(env)
        project = int(
            shell(
                env,
                "from zhaoshang.org.models import User;"
                "from zhaoshang.pipeline.models import Project;"
                f"unit = User.objects.get(username='{USERNAME}').department_id;"
                "print(Project.objects.filter(department_id=unit)"
                ".order_by('pk').values_list('pk', flat=True).first())",
            )
        )
        gunicorn = Gunicorn(env, folder).start()
        port = gunicorn.port
        say(
            f"== gunicorn（pid {gunicorn.process.pid}）在 127.0.0.1:{port}；{CLIENTS} 个用户持续读写"
        )

        results = []  # (time, phase, kind, status, clear)
        acknowledged = []
        phase = {"now": "before"}
        stop = threading.Event()
        lock = threading.Lock()
        today = datetime.date.today().isoformat()

        # Signed in before the load starts, so a failed login stops the drill here.
        sessions = []
        for _ in range(CLIENTS):
            sessions.append(Session(port).login(USERNAME, password))

        def client(number):
            s = sessions[number]
            n = 0
            while not stop.is_set():
                n += 1
                text = f"演练台账-{number}-{n}"
                for kind, method, path, form in (
                    ("读", "GET", "/pipeline/", None),
                    (
                        "写",
                        "POST",
                        f"/pipeline/projects/{project}/ledger/",
                        {"occurred_on": today, "content": text, "next_step": ""},
                    ),
                ):
                    current = phase["now"]
                    try:
                        status, body = s.request(method, path, form)
                    except OSError as exc:
                        status, body = f"连接错误 {type(exc).__name__}", ""
                    clear = status == 503 and UNAVAILABLE in body
                    with lock:
                        results.append((current, kind, status, clear))
                        if kind == "写" and status == 302:
                            acknowledged.append(text)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(BEFORE_SECONDS)  # the drill's own clock: load before the restart
        say("== 重启 PostgreSQL（pg_ctl restart -m fast）")
        phase["now"] = "restart"
        began = time.monotonic()
        cluster.restart()
        say(f"   数据库在 {time.monotonic() - began:.1f} 秒后重新接受连接")
        time.sleep(1)  # requests already in flight finish
        phase["now"] = "after"
        time.sleep(AFTER_SECONDS)
        stop.set()
        for t in threads:
            t.join(timeout=60)

        ok = True
        for name, label in (("before", "重启前"), ("restart", "重启期间"), ("after", "恢复后")):
            rows = [r for r in results if r[0] == name]
            counts = Counter(str(r[2]) for r in rows)
            say(f"   {label}：{len(rows)} 个请求，状态 {dict(sorted(counts.items()))}")
        unclear = [r for r in results if r[2] not in (200, 302) and not r[3]]
        if unclear:
            ok = False
            say(
                f"✗ {len(unclear)} 个失败请求没有得到清楚的 503 页面：{Counter(str(r[2]) for r in unclear)}"
            )
        else:
            failed = sum(1 for r in results if r[2] not in (200, 302))
            say(f"✓ 数据库中断期间的 {failed} 个失败请求都得到了“{UNAVAILABLE}”的 503 页面")
        after = [r for r in results if r[0] == "after"]
        if not after or any(r[2] not in (200, 302) for r in after):
            ok = False
            say("✗ 数据库恢复后仍有请求失败（未能自动恢复）")
        else:
            say(
                f"✓ 恢复后 {len(after)} 个请求全部成功，gunicorn 未重启（pid {gunicorn.process.pid}）"
            )
        if not gunicorn.alive():
            ok = False
            say("✗ gunicorn 已退出")
        stored = set(
            shell(
                env,
                "from zhaoshang.pipeline.models import LedgerEntry;"
                "print('\\n'.join(LedgerEntry.objects.filter(content__startswith='演练台账-')"
                ".values_list('content', flat=True)))",
            ).split()
        )
        lost = [t for t in acknowledged if t not in stored]
        if lost:
            ok = False
            say(f"✗ {len(lost)} 条已确认的写入丢失：{lost[:10]}")
        else:
            say(f"✓ 已确认的 {len(acknowledged)} 条写入全部在库（库中共 {len(stored)} 条）")
        say("结论：" + ("通过" if ok else "未通过"))
        return 0 if ok else 1
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

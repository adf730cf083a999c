"""`make run`: the whole system in one terminal, served the way production serves it.

Three processes, the same three that docs/deployment.md gives systemd: gunicorn (the
web server; static files through WhiteNoise), a Celery worker, and Celery beat (the
schedule). This command only starts them, watches them and stops them: if one dies the
others are stopped too, so a half-running system is never left behind.

Ctrl+C in the terminal reaches every process of the group at once; this command then
also asks each child to stop (SIGTERM) and waits for it, so `kill <pid>` of this
command alone stops everything the same way. A second Ctrl+C stops at once.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

# Longer than gunicorn's graceful_timeout (10 s), so its own orderly stop gets to finish.
GRACE_SECONDS = 20


def _commands(python, addrport):
    celery = [python, "-m", "celery", "-A", "zhaoshang"]
    return [
        (
            "网页服务",
            [
                python,
                "-m",
                "gunicorn",
                "--config",
                str(settings.BASE_DIR / "zhaoshang" / "gunicorn_conf.py"),
                "--bind",
                addrport,
            ],
        ),
        # Threads: jobs mostly wait on the database; two keep a long import from
        # holding up the reminders.
        ("后台任务", [*celery, "worker", "--pool=threads", "--concurrency=2", "--loglevel=INFO"]),
        ("定时任务", [*celery, "beat", "--loglevel=INFO"]),
    ]


class Command(BaseCommand):
    help = (
        "一条命令启动整个系统：网页服务（gunicorn）、后台任务进程与定时任务进程"
        "（嵌入式，无需 Redis）。Ctrl+C 停止全部进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )

    def handle(self, *args, addrport, **options):
        self._hint_first_admin()
        children = []
        for name, argv in _commands(sys.executable, addrport):
            children.append((name, subprocess.Popen(argv, cwd=settings.BASE_DIR)))
        self.stdout.write(
            f"系统已启动：http://{addrport}/  （Ctrl+C 停止；健康检查 http://{addrport}/healthz）"
        )
        self.stdout.flush()

        stopping = []

        def on_signal(signum, _frame):
            # The first signal stops in order; a second one (an impatient Ctrl+C) kills.
            stopping.append(signum)
            if len(stopping) > 1:
                for _, p in children:
                    if p.poll() is None:
                        p.kill()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

        failed = None
        while not stopping:
            for name, p in children:
                if p.poll() is not None:
                    failed = (name, p.returncode)
                    break
            if failed:
                break
            time.sleep(0.5)  # a supervisor's poll: a signal is seen within half a second

        if failed:
            self.stderr.write(f"{failed[0]}进程意外退出（退出码 {failed[1]}），正在停止其余进程…")
        else:
            self.stdout.write("正在停止（等待进行中的请求与任务结束；再按一次 Ctrl+C 立即停止）…")
        self._stop(children)
        if failed:
            raise SystemExit(1)
        self.stdout.write("已全部停止。")

    def _stop(self, children):
        for _, p in children:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, p in children:
            try:
                p.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name}进程 {GRACE_SECONDS} 秒内未停止，强制结束。")
                p.kill()
                p.wait()

    def _hint_first_admin(self):
        """On an empty database nobody can sign in: say which command makes the first
        administrator instead of serving a login page no account can pass."""
        from zhaoshang.org.models import Role

        if not Role.objects.filter(kind=Role.Kind.SYSTEM_ADMIN, grants__isnull=False).exists():
            self.stderr.write(
                "尚无系统管理员账号，无人能够登录：请先运行 "
                "manage.py create_first_admin 创建管理员账号（README）。"
            )

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "一条命令启动整个系统：网页服务、后台任务进程与定时任务（嵌入式，无需 Redis）。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        processes = [
            # The worker runs beat inside it (-B): one process for jobs and schedules.
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "zhaoshang",
                    "worker",
                    "-B",
                    "--pool=threads",
                    "--concurrency=2",
                    "--loglevel=INFO",
                ]
            ),
            subprocess.Popen([python, "manage.py", "runserver", "--noreload", addrport]),
        ]
        self.stdout.write(f"系统已启动：http://{addrport}/  （Ctrl+C 停止）")

        def stop(*_):
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        stop()

"""Under load: signed-in department and office users on `make run`'s server.

    .venv/bin/python bench/bench_load.py                              # the issue's run
    .venv/bin/python bench/bench_load.py --reuse                      # same data again
    .venv/bin/python bench/bench_load.py --projects 3000 --users 4,8 --seconds 5   # smoke

Generates the demo district scaled to N projects on PostgreSQL (default 100,000, with
bench_pipeline.py's generator: stage history, ledger and funds entries), indexes the
generated enterprises for search, then starts the server the way `make run` does
(`manage.py run_embedded`: gunicorn, a Celery worker and beat), on 127.0.0.1 only, with
the bench's settings (bench/load_settings.py: the product plus the raw-SQL floor views).
For each number of users it runs Locust (bench/locustfile.py, installed in .venv-bench by
`make bench`) for the given seconds against the pages, then the same load against the
raw-SQL floor, and prints requests/s, p50/p95/p99 and errors of both, and whether the
goal holds: >= 150 requests/s at 16 users, p95 <= 300 ms at 32, no errors.

Every run is bounded (the seconds per level, and Locust's own --run-time beyond that)
and sends traffic to 127.0.0.1 only. The database is zs_load_bench.
"""

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zs_load_bench"
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
DEPARTMENT_USERS = ["kejiju", "shangwuju", "youyilu", "chentang"]
OFFICE_USERS = ["zhaoshangban"]
SEARCHES = ["测试", "投资企业", "有限公司", "科技", "企业0001", "智能"]
GOAL_RPS_AT, GOAL_RPS = 16, 150
GOAL_P95_AT, GOAL_P95 = 32, 300


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--ledger-per-project", type=int, default=10)
    p.add_argument("--funds-per-project", type=int, default=5)
    p.add_argument("--users", default="8,16,32", help="concurrent users per level, e.g. 8,16,32")
    p.add_argument("--seconds", type=float, default=60, help="measured seconds per level")
    p.add_argument("--reuse", action="store_true", help="measure a database generated before")
    p.add_argument("--no-floor", action="store_true", help="skip the raw-SQL floor runs")
    p.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432")
    args = p.parse_args()
    args.levels = [int(n) for n in args.users.split(",") if n.strip()]
    return args


def setup(args):
    """A fresh database with the demo district, or the one generated before."""
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-load-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    os.environ["DATABASE_URL"] = f"{args.postgres_url}/{DB}"
    if not args.reuse:
        import psycopg

        with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB}")
            conn.execute(f"CREATE DATABASE {DB}")
    import django

    django.setup()
    if not args.reuse:
        from django.core.management import call_command

        from zhaoshang.org.demo import load_demo

        call_command("migrate", verbosity=0)
        # The production hasher: the users sign in through the form, as people do.
        load_demo()


def generate(args):
    """bench_pipeline's projects, then what the load also reads: search postings of the
    generated enterprises and the funds' month sums (both kept by the services in real
    use; the generator writes bulk rows past them)."""
    import bench_pipeline
    from django.db import connection

    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.reports.services import funds_month_rebuild

    bench_pipeline.generate(args)
    t = time.perf_counter()
    todo = list(Enterprise.objects.filter(search_text="").values_list("pk", "name"))
    for start in range(0, len(todo), 5000):
        chunk = todo[start : start + 5000]
        Enterprise.objects.bulk_update(
            [
                Enterprise(
                    pk=pk,
                    search_text=search.search_text_of(name),
                    initials=search.initials_of(name),
                )
                for pk, name in chunk
            ],
            ["search_text", "initials"],
        )
        search.reindex([pk for pk, _ in chunk])
    funds_month_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"企业检索索引与到位资金月汇总用时 {time.perf_counter() - t:.0f} 秒")


def plan(args):
    """Who signs in and what each one opens: project pages within the user's own scope."""
    from zhaoshang.org.demo import DEMO_PASSWORD
    from zhaoshang.org.models import Department, User
    from zhaoshang.pipeline.models import Project

    def account(username):
        user = User.objects.get(username=username)
        ids = list(Project.objects.for_user(user).order_by("?").values_list("pk", flat=True)[:200])
        assert ids, f"{username} 的数据范围内没有项目"
        return {"username": username, "projects": ids}

    units = Department.objects.filter(kind__in=["department", "street", "zone"])
    return {
        "password": DEMO_PASSWORD,
        "office_users": [account(u) for u in OFFICE_USERS],
        "department_users": [account(u) for u in DEPARTMENT_USERS],
        "units": list(units.values_list("pk", flat=True)),
        "stages": ["negotiating", "signed", "landed", "construction"],
        "searches": SEARCHES,
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    """`make run`'s server (run_embedded) in its own process group, with DEBUG off as in
    production; waits for /healthz to answer, at most two minutes."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "run_embedded", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"服务未能启动：{server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)  # the server is still starting: ask again
    stop_server(server)
    raise SystemExit("服务两分钟内未就绪")


def stop_server(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # run_embedded stops its three processes
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_level(port, plan_file, users, seconds, classes, out_dir):
    out = Path(out_dir) / f"{classes[0]}_{users}.json"
    env = {
        **os.environ,
        "ZS_LOAD_PLAN": str(plan_file),
        "ZS_LOAD_OUT": str(out),
        "ZS_LOAD_SECONDS": str(seconds),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    log_file = out.with_suffix(".log")
    with log_file.open("w") as log:
        subprocess.run(
            [
                str(LOCUST),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--loglevel",
                "ERROR",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                # A bound beyond the measured window (which the locustfile ends): sign-ins
                # and a stuck server cannot keep the run going.
                "--run-time",
                f"{int(seconds) + 120}s",
                "--stop-timeout",
                "10",
                "--host",
                f"http://127.0.0.1:{port}",
                *classes,
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
            check=False,
            timeout=seconds + 240,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.exists():
        raise SystemExit(f"Locust 未写出结果（{users} 个用户）：{log_file.read_text()[-2000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result["client_cpu"] = cpu / result["seconds"] if result["seconds"] else 0
    return result


def fmt(r):
    def ms(v):
        return f"{v:>7.0f}" if v is not None else "      -"

    return f"{r['rps']:>8.1f}{ms(r['p50'])}{ms(r['p95'])}{ms(r['p99'])}{r['errors']:>6}"


PAGE_ORDER = ["看板", "项目清单", "企业检索", "项目页", "驾驶舱"]


def cell(text, width, right=True):
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    text = str(text)
    room = width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return " " * room + text if right else text + " " * room


def print_pages(results):
    """Per page and level: requests in the window, p50 and p95 (ms), the page beside its
    raw-SQL floor, so a reader sees which page costs what."""
    print("\n每个页面（请求数、p50/p95 毫秒）：页面 | SQL 下限")
    head = cell("请求", 8) + cell("p50", 7) + cell("p95", 7)
    print(cell("并发", 6, right=False) + cell("页面", 10, right=False) + head + "  |" + head)
    for users, pages, floor in results:
        for name in PAGE_ORDER:
            mine = pages.get("pages", {}).get(name)
            if not mine:
                continue
            line = cell(users, 6, right=False) + cell(name, 10, right=False)
            line += cell(mine["requests"], 8) + cell(f"{mine['p50']:.0f}", 7)
            line += cell(f"{mine['p95']:.0f}", 7) + "  |"
            raw = (floor or {}).get("pages", {}).get(name)
            if raw:
                line += cell(raw["requests"], 8) + cell(f"{raw['p50']:.0f}", 7)
                line += cell(f"{raw['p95']:.0f}", 7)
            print(line)


def main():
    args = parse()
    if not LOCUST.exists():
        raise SystemExit("未安装 Locust：请运行 make bench（安装到 .venv-bench）")
    setup(args)
    if not args.reuse:
        generate(args)
    from django.db import connection

    from zhaoshang.pipeline.models import Project

    total = Project.objects.count()
    data = plan(args)
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="zs-load-run-"))
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    port = free_port()
    server = start_server(port)
    results = []
    try:
        for users in args.levels:
            pages = run_level(
                port, plan_file, users, args.seconds, ["OfficeUser", "DepartmentUser"], work
            )
            floor = None
            if not args.no_floor:
                floor = run_level(
                    port,
                    plan_file,
                    users,
                    args.seconds,
                    ["RawOfficeUser", "RawDepartmentUser"],
                    work,
                )
            results.append((users, pages, floor))
    finally:
        stop_server(server)

    print(
        f"\n[postgresql] 项目 {total:,} 个；make run 的服务（gunicorn + worker + beat），"
        f"每级 {args.seconds:g} 秒，用户不停顿地访问看板、项目清单、企业检索、项目页、驾驶舱"
    )
    head = f"{'请求/秒':>5}{'p50':>7}{'p95':>7}{'p99':>7}{'错误':>4}"
    print(f"{'':<8}{'—— 页面（毫秒）——':^34}    {'—— SQL 下限（毫秒）——':^30}")
    print(f"{'并发':<6}{head}    {head}   压测端CPU")
    for users, pages, floor in results:
        line = f"{users:<8}{fmt(pages)}"
        line += f"    {fmt(floor)}" if floor else "    " + " " * 34
        line += f"   {pages['client_cpu']:.2f} 核"
        print(line)
        for r, label in ((pages, "页面"), (floor, "SQL下限")):
            if r and (r["errors"] or r["login_errors"]):
                print(
                    f"  {label}错误：{r['errors']} 次，登录失败 {r['login_errors']} 次；{r['first_errors']}"
                )

    print_pages(results)

    by_users = {users: pages for users, pages, _ in results}
    checks = []
    if GOAL_RPS_AT in by_users:
        r = by_users[GOAL_RPS_AT]
        checks.append(
            (f"{GOAL_RPS_AT} 个用户 ≥ {GOAL_RPS} 请求/秒", r["rps"] >= GOAL_RPS, f"{r['rps']:.1f}")
        )
    if GOAL_P95_AT in by_users:
        r = by_users[GOAL_P95_AT]
        ok = r["p95"] is not None and r["p95"] <= GOAL_P95
        checks.append((f"{GOAL_P95_AT} 个用户 p95 ≤ {GOAL_P95} 毫秒", ok, f"{r['p95']}"))
    errors = sum(p["errors"] + p["login_errors"] for _, p, _ in results)
    checks.append(("零错误", errors == 0, str(errors)))
    print("\n目标（2 核机器）：")
    for label, ok, value in checks:
        print(f"  {'达标' if ok else '未达标'}  {label}（实测 {value}）")


if __name__ == "__main__":
    main()

"""Under load: signed-in department and office users on `make run`'s server.

    .venv/bin/python bench/bench_load.py                              # the issue's run
    .venv/bin/python bench/bench_load.py --reuse                      # same data again
    .venv/bin/python bench/bench_load.py --reuse --workers 3 --threads 4   # another setup
    .venv/bin/python bench/bench_load.py --projects 3000 --users 4,8 --seconds 5   # smoke

Generates the demo district scaled to N projects on PostgreSQL (default 100,000, with
bench_pipeline.py's generator: stage history, ledger and funds entries), indexes the
generated enterprises for search, then starts the server the way `make run` does
(`manage.py run_embedded`: gunicorn, a Celery worker and beat), on 127.0.0.1 only, with
the bench's settings (bench/load_settings.py: the product plus the raw-SQL floor views).

The load generator is wrk (Debian's package, scripts/ensure_wrk.sh): written in C, it
takes a few percent of a core where Locust's Python took most of one of the two the
server is measured on. Each simulated user is signed in through the login form (its CSRF
token and cookie, Argon2 as in production) before the measured window; wrk then runs one
thread and one connection per user (bench/load_walk.lua), each walking that user's pages
without pause for the given seconds, first the product's pages, then the same load
against the raw-SQL floor. The figures are computed here from every answer's own line:
requests/s, exact p50/p95/p99, errors (any answer but 200, and wrk's socket errors), the
pages' requests/s as a share of the floor's, the generator's CPU and the load average
before and after; and whether the goal holds: >= 150 requests/s at 16 users, p95 <= 300
ms at 32, no errors.

Every run is bounded (wrk's --duration per level; a hung wrk is stopped a minute later)
and sends traffic to 127.0.0.1 only. The database is zs_load_bench.
"""

import argparse
import http.cookiejar
import itertools
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zs_load_bench"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
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
    p.add_argument(
        "--warmup", type=float, default=10, help="unmeasured seconds first (pages and floor)"
    )
    p.add_argument("--reuse", action="store_true", help="measure a database generated before")
    p.add_argument("--no-floor", action="store_true", help="skip the raw-SQL floor runs")
    p.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: its config)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread)")
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


def start_server(port, extra_env):
    """`make run`'s server (run_embedded) in its own process group, with DEBUG off as in
    production; waits for /healthz to answer, at most two minutes."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "PYTHONPATH": str(ROOT), **extra_env}
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


def sign_in(port, username, password):
    """The session cookie of ``username``, signed in through the login form as a person
    does: the page, its CSRF token and cookie, then the form posted back."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = CSRF.search(page)
    form = urllib.parse.urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
    ).encode()
    try:
        r = opener.open(
            urllib.request.Request(
                f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"}
            ),
            timeout=60,
        )
        status, location = r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:  # the 302 is "an error" without redirects
        status, location = e.code, e.headers.get("Location", "")
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if status != 302 or "/login/" in location or not session:
        raise SystemExit(f"{username} 登录失败：{status} {location}")
    return session


def sign_in_all(port, data, users):
    """One session per simulated user: an office clerk for every fourth, the units'
    staff for the others (as Locust's weights 1:3 did), each account cycled."""
    accounts = {
        "office": itertools.cycle(data["office_users"]),
        "department": itertools.cycle(data["department_users"]),
    }
    sessions = []
    for i in range(users):
        kind = "office" if i % 4 == 0 else "department"
        account = next(accounts[kind])
        cookie = f"sessionid={sign_in(port, account['username'], data['password'])}"
        sessions.append({"kind": kind, "cookie": cookie, "projects": account["projects"]})
    return sessions


def lua(value):
    """``value`` (dicts, lists, strings, numbers) as a Lua expression."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))  # a JSON string is a Lua string for these characters


def pct(p, samples):
    """The p-th percentile of sorted ``samples`` (nearest rank), or None."""
    if not samples:
        return None
    return samples[min(len(samples) - 1, max(0, math.ceil(p / 100 * len(samples)) - 1))]


def run_level(port, data, sessions, users, seconds, prefix, out_dir, name=""):
    """wrk with one thread per user for ``seconds``; the figures from its per-request
    lines (bench/load_walk.lua)."""
    out = Path(out_dir) / f"{name or ('raw' if prefix else 'pages')}_{users}"
    out.mkdir()
    plan_file = out / "plan.lua"
    plan = {
        "prefix": prefix,
        "out": str(out),
        "seed": users,
        "users": sessions[:users],
        "units": data["units"],
        "stages": data["stages"],
        "searches": [urllib.parse.quote(q) for q in data["searches"]],
    }
    plan_file.write_text(f"return {lua(plan)}\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    proc = subprocess.run(
        [
            "wrk",
            "--threads",
            str(users),
            "--connections",
            str(users),
            "--duration",
            f"{seconds:g}s",
            # A slow answer is measured, not dropped as a timeout (wrk's default is 2 s).
            "--timeout",
            "30s",
            "--script",
            str(ROOT / "bench" / "load_walk.lua"),
            f"http://127.0.0.1:{port}/",
        ],
        env={**os.environ, "ZS_LOAD_PLAN": str(plan_file)},
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,  # wrk stops itself at --duration; this only bounds a hang
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = re.search(r"ZS_WRK (.*)", proc.stdout)
    if proc.returncode or not summary:
        raise SystemExit(
            f"wrk 运行失败（{users} 个用户）：{proc.stdout[-1500:]}{proc.stderr[-1500:]}"
        )
    wrk = {k: int(v) for k, v in (item.split("=") for item in summary.group(1).split())}
    rows = []
    for f in out.glob("thread-*.tsv"):
        for line in f.read_text(encoding="utf-8").splitlines():
            page, sent, done, status = line.split("\t")
            rows.append((page, int(sent), int(done), int(status)))
    window = (max(r[2] for r in rows) - min(r[1] for r in rows)) / 1e6 if rows else 0
    times = sorted((done - sent) / 1000 for _, sent, done, _ in rows)
    by_page = {}
    for page, sent, done, _ in rows:
        by_page.setdefault(page, []).append((done - sent) / 1000)
    bad = [r for r in rows if r[3] != 200]
    socket_errors = sum(wrk[k] for k in ("connect", "read", "write", "timeout"))
    first = [f"{page}: {status}" for page, _, _, status in bad[:5]]
    if socket_errors:
        first.append(
            "连接错误："
            + "，".join(f"{k} {wrk[k]}" for k in ("connect", "read", "write", "timeout"))
        )
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "seconds": round(window, 1),
        "requests": len(rows),
        "rps": len(rows) / window if window else 0,
        "p50": pct(50, times),
        "p95": pct(95, times),
        "p99": pct(99, times),
        "errors": len(bad) + socket_errors,
        "first_errors": first,
        "pages": {
            name: {
                "requests": len(ts),
                "p50": pct(50, sorted(ts)),
                "p95": pct(95, sorted(ts)),
                "mean": sum(ts) / len(ts),
            }
            for name, ts in by_page.items()
        },
        "client_cpu": cpu / window if window else 0,
        "load": (load_before, os.getloadavg()[0]),
    }


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


def server_setup(args):
    """The gunicorn options of this run, from --workers/--threads (else gunicorn_conf's)."""
    env, label = {}, []
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads > 1:
        # gunicorn turns a sync worker with threads into its gthread worker.
        env["GUNICORN_CMD_ARGS"] = f"--threads {args.threads}"
    from zhaoshang import gunicorn_conf

    workers = args.workers or gunicorn_conf.workers
    label.append(f"{workers} 个进程")
    label.append(f"每进程 {args.threads} 个线程（gthread）" if args.threads > 1 else "同步（sync）")
    return env, "，".join(label)


def main():
    args = parse()
    if not shutil.which("wrk"):
        raise SystemExit("未安装 wrk：请运行 scripts/ensure_wrk.sh（Debian 的 wrk 软件包）")
    setup(args)
    if not args.reuse:
        generate(args)
    from django.db import connection

    from zhaoshang.pipeline.models import Project

    total = Project.objects.count()
    data = plan(args)
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="zs-load-run-"))
    env, server_label = server_setup(args)

    port = free_port()
    server = start_server(port, env)
    results = []
    try:
        sessions = sign_in_all(port, data, max(args.levels))
        if args.warmup:
            # Not measured: every worker's first pages (templates compiled, connections
            # opened, PostgreSQL's buffers filled), as a server that has been up a while.
            for prefix in ("", "/bench/raw"):
                run_level(
                    port,
                    data,
                    sessions,
                    max(args.levels),
                    args.warmup,
                    prefix,
                    work,
                    "warmup_raw" if prefix else "warmup",
                )
        for users in args.levels:
            pages = run_level(port, data, sessions, users, args.seconds, "", work)
            floor = None
            if not args.no_floor:
                floor = run_level(port, data, sessions, users, args.seconds, "/bench/raw", work)
            results.append((users, pages, floor))
    finally:
        stop_server(server)

    print(
        f"\n[postgresql] 项目 {total:,} 个；make run 的服务（gunicorn {server_label}，"
        f"另有 worker 与 beat），压测端 wrk（每个用户一个线程、一个连接），"
        f"每级 {args.seconds:g} 秒，用户不停顿地访问看板、项目清单、企业检索、项目页、驾驶舱"
    )
    head = f"{'请求/秒':>5}{'p50':>7}{'p95':>7}{'p99':>7}{'错误':>4}"
    print(f"{'':<8}{'—— 页面（毫秒）——':^34}    {'—— SQL 下限（毫秒）——':^30}")
    print(f"{'并发':<6}{head}    {head}  页面/下限  压测端CPU  负载(前→后)")
    for users, pages, floor in results:
        line = f"{users:<8}{fmt(pages)}"
        line += f"    {fmt(floor)}" if floor else "    " + " " * 34
        ratio = pages["rps"] / floor["rps"] if floor and floor["rps"] else None
        line += f"  {ratio:>8.0%}" if ratio is not None else "  " + " " * 8
        line += f"  {pages['client_cpu']:>6.2f} 核"
        line += f"  {pages['load'][0]:.1f}→{pages['load'][1]:.1f}"
        print(line)
        for r, label in ((pages, "页面"), (floor, "SQL下限")):
            if r and r["errors"]:
                print(f"  {label}错误：{r['errors']} 次；{r['first_errors']}")

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
        checks.append((f"{GOAL_P95_AT} 个用户 p95 ≤ {GOAL_P95} 毫秒", ok, f"{r['p95']:.0f}"))
    errors = sum(p["errors"] for _, p, _ in results)
    checks.append(("零错误", errors == 0, str(errors)))
    print(f"\n目标（2 核机器；测量时 1 分钟负载 {os.getloadavg()[0]:.1f}）：")
    for label, ok, value in checks:
        print(f"  {'达标' if ok else '未达标'}  {label}（实测 {value}）")


if __name__ == "__main__":
    main()

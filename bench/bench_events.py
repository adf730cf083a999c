"""Events and spending at scale: the events list and the spending list.

    .venv/bin/python bench/bench_events.py --postgres                  # the issue's scale
    .venv/bin/python bench/bench_events.py --postgres --reuse          # measure it again
    .venv/bin/python bench/bench_events.py --rows 5000                 # SQLite, smaller

Generates N events (default 100,000) across the demo's promotion units over five years,
and N spending entries across budget lines of those units and years (COPY on
PostgreSQL), then prints for each list the server time of the whole Django request
through the test client (p50, p95, the process's CPU p50) beside the raw-SQL floor for
the same reads (the count and the page of 50). Goal (issue 16): every list ≤ 50 ms p95.
The PostgreSQL database is zs_events_bench.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zs_events_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--rows", type=int, default=100_000, help="events, and spending entries")
    p.add_argument("--repeat", type=int, default=100)
    p.add_argument("--reuse", action="store_true", help="measure a database generated before")
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    if args.postgres:
        if not args.reuse:
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB}")
                conn.execute(f"CREATE DATABASE {DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from zhaoshang.org.demo import load_demo

        load_demo()


EVENT_COLS = (
    "version, title, event_type, organiser_id, starts_on, ends_on, year, city, venue, "
    "description, created_by_id, created_at"
)
SPENDING_COLS = (
    "line_id, department_id, year, amount, occurred_on, summary, voucher, source_type_id, "
    "source_id, created_by_id, created_at"
)


def _copy(cursor, table, cols, gen):
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
            for r in gen:
                cp.write_row(r)
        return
    marks = ",".join(["%s"] * len(cols.split(",")))
    batch = []
    for r in gen:
        batch.append(r)
        if len(batch) == 5000:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
            batch = []
    if batch:
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)


def generate(args):
    from django.db import connection
    from django.utils import timezone

    from zhaoshang.budget.models import BudgetLine, Category, Spending
    from zhaoshang.events.models import Event, EventType
    from zhaoshang.events.queries import QUOTA_KINDS
    from zhaoshang.org.models import Department, User

    rng = random.Random(7)
    start = time.perf_counter()
    units = list(Department.objects.filter(kind__in=QUOTA_KINDS).values_list("pk", flat=True))
    user = User.objects.get(username="zhaoshangban")
    today = timezone.localdate()
    now = timezone.now()
    types = EventType.values
    cities = ["北京", "上海", "深圳", "广州", "杭州", "苏州", "天津", "线上", "成都", "武汉"]

    def events():
        for i in range(args.rows):
            starts = today - dt.timedelta(days=rng.randrange(0, 5 * 365))
            yield (
                1,
                f"招商推介活动{i:06d}",
                rng.choice(types),
                rng.choice(units),
                starts,
                starts + dt.timedelta(days=rng.randrange(0, 4)),
                starts.year,
                rng.choice(cities),
                "",
                "",
                user.pk,
                now,
            )

    with connection.cursor() as cursor:
        _copy(cursor, "events_event", EVENT_COLS, events())
    print(f"活动 {Event.objects.count():,} 场，用时 {time.perf_counter() - start:.0f} 秒")

    t = time.perf_counter()
    years = sorted({(today - dt.timedelta(days=d)).year for d in range(0, 5 * 365, 30)})
    existing = set(BudgetLine.objects.values_list("department_id", "year", "category"))
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                department_id=u,
                year=y,
                category=c,
                approved=Decimal("100000000.00"),
                spent=Decimal("0.00"),
            )
            for u in units
            for y in years
            for c in Category.values
            if (u, y, c) not in existing
        ],
        batch_size=2000,
    )
    lines = list(BudgetLine.objects.values_list("pk", "department_id", "year"))

    def spending():
        for i in range(args.rows):
            pk, unit, year = rng.choice(lines)
            day = dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
            yield (
                pk,
                unit,
                year,
                Decimal(rng.randrange(100, 500_000)),
                day,
                f"经费支出摘要{i:06d}",
                "",
                None,
                None,
                user.pk,
                now,
            )

    with connection.cursor() as cursor:
        _copy(cursor, "budget_spending", SPENDING_COLS, spending())
        # The lines' kept sums, as the services keep them.
        cursor.execute(
            "UPDATE budget_budgetline SET spent = COALESCE((SELECT sum(amount) FROM "
            "budget_spending s WHERE s.line_id = budget_budgetline.id), 0)"
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    print(f"经费支出 {Spending.objects.count():,} 笔，用时 {time.perf_counter() - t:.0f} 秒")


def timed(fn, items, repeat):
    samples, cpu = [], []
    for i in range(repeat):
        item = items[i % len(items)]
        t, c = time.perf_counter(), time.process_time()
        fn(item)
        samples.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    samples.sort()
    return (
        statistics.median(samples),
        samples[max(0, int(len(samples) * 0.95) - 1)],
        statistics.median(cpu),
    )


def row(label, web, floor, goal):
    ok = "达标" if web[1] <= goal else "未达标"
    print(
        f"{label:<20}{web[0]:>9.1f}{web[1]:>9.1f}{web[2]:>9.1f}"
        f"{floor[0]:>12.2f}{floor[1]:>9.2f}{goal:>8}  {ok}"
    )


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.budget.models import Spending
    from zhaoshang.events.models import Event
    from zhaoshang.org.models import User
    from zhaoshang.wsgi import settle

    settle()
    office = Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="kejiju"))
    finance = Client()
    finance.force_login(User.objects.get(username="caizheng"))
    kejiju = User.objects.get(username="kejiju").department_id
    for c, url in ((office, "/events/"), (clerk, "/events/"), (finance, "/budget/spending/")):
        assert c.get(url).status_code == 200
    print(
        f"\n[{connection.vendor}] 活动 {Event.objects.count():,} 场，经费支出 "
        f"{Spending.objects.count():,} 笔；每项 {args.repeat} 次（毫秒）"
    )
    print(
        f"{'页面':<18}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}{'目标p95':>8}"
    )

    def sql(statements):
        def run(_):
            with connection.cursor() as cursor:
                for statement, values in statements:
                    cursor.execute(statement, values)
                    cursor.fetchall()

        return run

    def get(c, url):
        def run(_):
            assert c.get(url).status_code == 200

        return run

    event_cols = (
        "e.id, e.title, e.event_type, e.starts_on, e.ends_on, e.city, d.name "
        "FROM events_event e JOIN org_department d ON d.id = e.organiser_id "
    )
    spending_cols = (
        "s.id, s.occurred_on, s.amount, s.summary, s.voucher, s.year, s.line_id, l.category, "
        "d.name FROM budget_spending s JOIN budget_budgetline l ON l.id = s.line_id "
        "JOIN org_department d ON d.id = s.department_id "
    )
    year = dt.date.today().year
    cases = [
        (
            "全区活动清单",
            office,
            "/events/",
            [
                ("SELECT count(*) FROM events_event", []),
                (f"SELECT {event_cols} ORDER BY e.starts_on DESC, e.id DESC LIMIT 50", []),
            ],
        ),
        (
            "本年度活动",
            office,
            f"/events/?year={year}",
            [
                ("SELECT count(*) FROM events_event WHERE year = %s", [year]),
                (
                    f"SELECT {event_cols} WHERE e.year = %s "
                    "ORDER BY e.starts_on DESC, e.id DESC LIMIT 50",
                    [year],
                ),
            ],
        ),
        (
            "本单位活动",
            clerk,
            "/events/",
            [
                (
                    "SELECT count(*) FROM events_event e WHERE e.organiser_id = %s OR EXISTS "
                    "(SELECT 1 FROM events_event_partners p WHERE p.event_id = e.id "
                    "AND p.department_id = %s)",
                    [kejiju, kejiju],
                ),
                (
                    f"SELECT {event_cols} WHERE e.organiser_id = %s OR EXISTS "
                    "(SELECT 1 FROM events_event_partners p WHERE p.event_id = e.id "
                    "AND p.department_id = %s) ORDER BY e.starts_on DESC, e.id DESC LIMIT 50",
                    [kejiju, kejiju],
                ),
            ],
        ),
        (
            "全区支出明细",
            finance,
            "/budget/spending/",
            [
                ("SELECT count(*) FROM budget_spending", []),
                (
                    f"SELECT {spending_cols} ORDER BY s.occurred_on DESC, s.id DESC LIMIT 50",
                    [],
                ),
            ],
        ),
        (
            "本单位支出明细",
            clerk,
            "/budget/spending/",
            [
                ("SELECT count(*) FROM budget_spending WHERE department_id = %s", [kejiju]),
                (
                    f"SELECT {spending_cols} WHERE s.department_id = %s "
                    "ORDER BY s.occurred_on DESC, s.id DESC LIMIT 50",
                    [kejiju],
                ),
            ],
        ),
        (
            "本年度支出明细",
            finance,
            f"/budget/spending/?year={year}",
            [
                ("SELECT count(*) FROM budget_spending WHERE year = %s", [year]),
                (
                    f"SELECT {spending_cols} WHERE s.year = %s "
                    "ORDER BY s.occurred_on DESC, s.id DESC LIMIT 50",
                    [year],
                ),
            ],
        ),
    ]
    for label, client, url, statements in cases:
        row(
            label,
            timed(get(client, url), [0], args.repeat),
            timed(sql(statements), [0], args.repeat),
            50,
        )


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args)
    measure(args)


if __name__ == "__main__":
    main()

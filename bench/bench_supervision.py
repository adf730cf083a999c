"""Supervision items at scale: the item lists and the item page.

    .venv/bin/python bench/bench_supervision.py --postgres              # the issue's scale
    .venv/bin/python bench/bench_supervision.py --postgres --reuse      # measure it again
    .venv/bin/python bench/bench_supervision.py --items 5000            # SQLite, smaller

Generates N supervision items (default 100,000) across the demo units, subjects,
statuses and levels over two years, with 3 steps each (COPY on PostgreSQL), then prints
for each page the server time of the whole Django request through the test client (p50,
p95, the process's CPU p50) beside the raw-SQL floor for the same reads. Goal (issue 16):
every list ≤ 50 ms p95. The PostgreSQL database is zs_supervision_bench.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zs_supervision_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--steps-per-item", type=int, default=3)
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


ITEM_COLS = (
    "version, number, title, requirement, subject, department_id, status, level, "
    "deadline_days, deadline_started_on, due_on, raised_on, result, submitted_on, on_time, "
    "closed_on, created_by_id, created_at"
)
STEP_COLS = "item_id, label, from_status, to_status, from_level, to_level, note, actor_id, at"


def generate(args):
    from django.db import connection
    from django.utils import timezone

    from zhaoshang.org.models import Department, User
    from zhaoshang.supervision.models import Item, Step

    rng = random.Random(7)
    start = time.perf_counter()
    units = list(
        Department.objects.exclude(kind__in=["leadership", "supervision"]).values_list(
            "pk", flat=True
        )
    )
    user = User.objects.get(username="ducha")
    today = timezone.localdate()
    now = timezone.now()
    first = Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    statuses = ["assigned"] * 3 + ["in_progress"] * 5 + ["submitted", "returned"] + ["closed"] * 10

    def items():
        for i in range(args.items):
            raised = today - dt.timedelta(days=rng.randrange(0, 730))
            days = rng.choice([5, 10, 15, 20])
            due = raised + dt.timedelta(days=days * 7 // 5)
            status = rng.choice(statuses)
            submitted = (
                raised + dt.timedelta(days=rng.randrange(1, 40))
                if status in ("submitted", "closed")
                else None
            )
            yield (
                1,
                f"DB{raised.year}{first + i + 1:07d}",
                f"督办事项{i}",
                "督办要求",
                "department",  # the list reads no subject's row: one kind is enough
                rng.choice(units),
                status,
                rng.choice(["unit"] * 7 + ["head", "head", "leader"]),
                days,
                raised,
                due,
                raised,
                "" if submitted is None else "已办结",
                submitted,
                None if submitted is None else submitted <= due,
                submitted if status == "closed" else None,
                user.pk,
                now,
            )

    def rows(cursor, table, cols, gen):
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for r in gen:
                    cp.write_row(r)
        else:
            marks = ",".join(["%s"] * len(cols.split(",")))
            batch = []
            for r in gen:
                batch.append(r)
                if len(batch) == 5000:
                    cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)

    with connection.cursor() as cursor:
        rows(cursor, "supervision_item", ITEM_COLS, items())
    print(f"督办事项 {Item.objects.count():,} 件，用时 {time.perf_counter() - start:.0f} 秒")
    t = time.perf_counter()
    ids = list(Item.objects.filter(pk__gt=first).values_list("pk", flat=True))
    labels = ["交办", "报送办理进展", "报请办结"]

    def steps():
        for pk in ids:
            for k in range(args.steps_per_item):
                yield (pk, labels[k % 3], "", "", "", "", "办理情况说明", user.pk, now)

    with connection.cursor() as cursor:
        rows(cursor, "supervision_step", STEP_COLS, steps())
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    print(f"办理记录 {Step.objects.count():,} 条，用时 {time.perf_counter() - t:.0f} 秒")


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

    from zhaoshang.org.models import User
    from zhaoshang.supervision.models import Item, Step
    from zhaoshang.wsgi import settle

    settle()
    rng = random.Random(11)
    office = Client()
    office.force_login(User.objects.get(username="ducha"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="kejiju"))
    kejiju = User.objects.get(username="kejiju").department_id
    assert office.get("/supervision/").status_code == 200
    print(
        f"\n[{connection.vendor}] 督办事项 {Item.objects.count():,} 件，办理记录 "
        f"{Step.objects.count():,} 条；每项 {args.repeat} 次（毫秒）"
    )
    print(
        f"{'页面':<18}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}{'目标p95':>8}"
    )
    today = dt.date.today()
    open_in = "('assigned', 'in_progress', 'returned')"

    def sql(statements):
        def run(params):
            with connection.cursor() as cursor:
                for statement, values in statements(params):
                    cursor.execute(statement, values)
                    cursor.fetchall()

        return run

    page_cols = (
        "i.id, i.number, i.title, i.subject, i.status, i.level, i.due_on, i.raised_on, "
        "i.submitted_on, i.closed_on, i.on_time, i.department_id, d.name FROM supervision_item i "
        "JOIN org_department d ON d.id = i.department_id "
    )

    def get(c, url):
        def run(_):
            assert c.get(url).status_code == 200

        return run

    cases = [
        ("全区督办事项", office, "/supervision/", "", [], "i.id DESC"),
        (
            "办理中（按期限）",
            office,
            "/supervision/?status=open",
            f"WHERE i.status IN {open_in}",
            [],
            "i.due_on, i.id",
        ),
        (
            "超期事项",
            office,
            "/supervision/?overdue=1",
            f"WHERE i.status IN {open_in} AND i.due_on < %s",
            [today],
            "i.due_on, i.id",
        ),
        (
            "单位督办事项",
            clerk,
            "/supervision/",
            "WHERE i.department_id = %s",
            [kejiju],
            "i.id DESC",
        ),
        (
            "单位超期事项",
            clerk,
            "/supervision/?overdue=1",
            f"WHERE i.department_id = %s AND i.status IN {open_in} AND i.due_on < %s",
            [kejiju, today],
            "i.due_on, i.id",
        ),
    ]
    for label, c, url, where, values, order in cases:
        count_where = where.replace("i.", "")
        row(
            label,
            timed(get(c, url), [0], args.repeat),
            timed(
                sql(
                    lambda _, w=where, cw=count_where, v=values, o=order: [
                        (f"SELECT count(*) FROM supervision_item {cw}", v),
                        (f"SELECT {page_cols} {w} ORDER BY {o} LIMIT 50", v),
                    ]
                ),
                [0],
                args.repeat,
            ),
            50,
        )
    # The item page with its history.
    total = Item.objects.order_by("-pk").values_list("pk", flat=True).first()
    pks = [rng.randrange(1, total) for _ in range(100)]
    pks = list(Item.objects.filter(pk__in=pks).values_list("pk", flat=True))
    row(
        "督办事项页",
        timed(lambda pk: office.get(f"/supervision/{pk}/"), pks, args.repeat),
        timed(
            sql(
                lambda pk: [
                    (f"SELECT {page_cols} WHERE i.id = %s", [pk]),
                    ("SELECT * FROM supervision_step WHERE item_id = %s ORDER BY at, id", [pk]),
                ]
            ),
            pks,
            args.repeat,
        ),
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

"""Service tickets at scale: the ticket lists, the ticket page and the dashboard.

    .venv/bin/python bench/bench_aftercare.py --postgres                  # the issue's scale
    .venv/bin/python bench/bench_aftercare.py --postgres --reuse          # measure it again
    .venv/bin/python bench/bench_aftercare.py --tickets 5000              # SQLite, smaller

Generates N tickets (default 200,000) across the demo units, ticket types, streets,
statuses and levels over two years, with 5 steps each (1,000,000 at the default scale;
COPY on PostgreSQL), then prints for each page the server time of the whole Django
request through the test client (p50, p95, the process's CPU p50) beside the raw-SQL
floor for the same reads. Goals (issue 13): every list ≤ 50 ms p95, the dashboard
≤ 300 ms p95. The PostgreSQL database is zs_aftercare_bench.
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
DB = "zs_aftercare_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--tickets", type=int, default=200_000)
    p.add_argument("--steps-per-ticket", type=int, default=5)
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


TICKET_COLS = (
    "version, number, enterprise_id, ticket_type_id, title, description, contact_name, "
    "contact_phone, source, department_id, street_id, status, level, deadline_days, "
    "deadline_started_on, due_on, raised_on, answer, answered_on, handling_days, on_time, "
    "rating, rating_note, closed_on, created_by_id, created_at"
)
STEP_COLS = (
    "ticket_id, kind, from_status, to_status, from_level, to_level, department_id, note, "
    "actor_id, at"
)


def generate(args):
    from django.db import connection
    from django.utils import timezone

    from zhaoshang.aftercare.models import Ticket, TicketStep, TicketType
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, User

    rng = random.Random(7)
    start = time.perf_counter()
    units = list(
        Department.objects.exclude(kind__in=["leadership", "discipline"]).values_list(
            "pk", flat=True
        )
    )
    streets = list(Department.objects.filter(kind="street").values_list("pk", flat=True))
    types = list(TicketType.objects.values_list("pk", "deadline_days"))
    user = User.objects.get(username="zhaoshangban")
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"测试服务企业{i:06d}有限公司",
                dedupe_key=f"测试服务企业{i:06d}",
                status="local",
            )
            for i in range(max(1, args.tickets // 20))
        ],
        batch_size=5000,
    )
    enterprises = list(Enterprise.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    first = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def tickets():
        for i in range(args.tickets):
            raised = today - dt.timedelta(days=rng.randrange(0, 730))
            type_id, days = rng.choice(types)
            due = raised + dt.timedelta(days=days * 7 // 5)
            r = rng.random()
            status = "open" if r < 0.12 else ("answered" if r < 0.2 else "closed")
            answered = (
                None if status == "open" else raised + dt.timedelta(days=rng.randrange(1, 30))
            )
            level = rng.choice(["unit"] * 8 + ["office", "joint_meeting"])
            rating = rng.choice([3, 3, 3, 2, 1]) if status == "closed" else None
            yield (
                1,
                f"FW{raised.year}{first + i + 1:07d}",
                rng.choice(enterprises),
                type_id,
                f"企业诉求事项{i}",
                "企业反映的具体情况",
                "",
                "",
                "staff",
                rng.choice(units),
                rng.choice(streets) if rng.random() < 0.3 else None,
                status,
                level,
                days,
                raised,
                due,
                raised,
                "" if answered is None else "已办理",
                answered,
                None if answered is None else rng.randrange(1, 20),
                None if answered is None else answered <= due,
                rating,
                "",
                answered if status == "closed" else None,
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
        rows(cursor, "aftercare_ticket", TICKET_COLS, tickets())
    print(f"诉求 {Ticket.objects.count():,} 件，用时 {time.perf_counter() - start:.0f} 秒")
    t = time.perf_counter()
    ids = list(Ticket.objects.filter(pk__gt=first).values_list("pk", "department_id"))
    kinds = ["raise", "progress", "escalate", "answer", "rate"]

    def steps():
        for pk, unit in ids:
            for k in range(args.steps_per_ticket):
                yield (pk, kinds[k % 5], "", "", "", "", unit, "办理情况说明", user.pk, now)

    with connection.cursor() as cursor:
        rows(cursor, "aftercare_ticketstep", STEP_COLS, steps())
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    print(f"办理记录 {TicketStep.objects.count():,} 条，用时 {time.perf_counter() - t:.0f} 秒")
    # The tickets were written directly: the dashboard's monthly sums are rebuilt once,
    # as `manage.py recount_tickets` does after a bulk load.
    from zhaoshang.aftercare.services import ticket_month_rebuild

    t = time.perf_counter()
    n = ticket_month_rebuild()
    print(f"办理月度汇总 {n:,} 行（全量重算），用时 {time.perf_counter() - t:.1f} 秒")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE aftercare_ticketmonth")


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
    if web is None:  # a floor printed for comparison only
        print(f"{label:<20}{'—':>9}{'—':>9}{'—':>9}{floor[0]:>12.2f}{floor[1]:>9.2f}")
        return
    ok = "达标" if web[1] <= goal else "未达标"
    print(
        f"{label:<20}{web[0]:>9.1f}{web[1]:>9.1f}{web[2]:>9.1f}"
        f"{floor[0]:>12.2f}{floor[1]:>9.2f}{goal:>8}  {ok}"
    )


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.aftercare.models import Ticket, TicketStep
    from zhaoshang.org.models import User
    from zhaoshang.wsgi import settle

    settle()
    rng = random.Random(11)
    office = Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="kejiju"))
    street = Client()
    street.force_login(User.objects.get(username="youyilu"))
    kejiju = User.objects.get(username="kejiju").department_id
    youyilu = User.objects.get(username="youyilu").department_id
    for c, url in ((office, "/aftercare/tickets/"), (office, "/aftercare/dashboard/")):
        assert c.get(url).status_code == 200
    print(
        f"\n[{connection.vendor}] 诉求 {Ticket.objects.count():,} 件，办理记录 "
        f"{TicketStep.objects.count():,} 条；每项 {args.repeat} 次（毫秒）"
    )
    print(
        f"{'页面':<18}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}{'目标p95':>8}"
    )
    today = dt.date.today()

    def sql(statements):
        def run(params):
            with connection.cursor() as cursor:
                for statement, values in statements(params):
                    cursor.execute(statement, values)
                    cursor.fetchall()

        return run

    page_cols = (
        "t.id, t.number, t.title, t.status, t.level, t.due_on, t.raised_on, t.answered_on, "
        "t.rating, e.name, y.name, d.name FROM aftercare_ticket t "
        "JOIN enterprises_enterprise e ON e.id = t.enterprise_id "
        "JOIN aftercare_tickettype y ON y.id = t.ticket_type_id "
        "JOIN org_department d ON d.id = t.department_id "
    )

    def get(c, url):
        def run(_):
            assert c.get(url).status_code == 200

        return run

    # The office's whole list, newest first.
    row(
        "全区诉求清单",
        timed(get(office, "/aftercare/tickets/"), [0], args.repeat),
        timed(
            sql(
                lambda _: [
                    ("SELECT count(*) FROM aftercare_ticket", []),
                    (f"SELECT {page_cols} ORDER BY t.id DESC LIMIT 50", []),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    # Open tickets by deadline, and the overdue list.
    row(
        "办理中（按期限）",
        timed(get(office, "/aftercare/tickets/?status=open"), [0], args.repeat),
        timed(
            sql(
                lambda _: [
                    ("SELECT count(*) FROM aftercare_ticket WHERE status = 'open'", []),
                    (
                        f"SELECT {page_cols} WHERE t.status = 'open' "
                        "ORDER BY t.due_on, t.id LIMIT 50",
                        [],
                    ),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    row(
        "超期诉求",
        timed(get(office, "/aftercare/tickets/?overdue=1"), [0], args.repeat),
        timed(
            sql(
                lambda _: [
                    (
                        "SELECT count(*) FROM aftercare_ticket WHERE status = 'open' "
                        "AND due_on < %s",
                        [today],
                    ),
                    (
                        f"SELECT {page_cols} WHERE t.status = 'open' AND t.due_on < %s "
                        "ORDER BY t.due_on, t.id LIMIT 50",
                        [today],
                    ),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    # A unit's own list (unit scope) and a street's (the street-level service centre).
    row(
        "单位诉求清单",
        timed(get(clerk, "/aftercare/tickets/"), [0], args.repeat),
        timed(
            sql(
                lambda _: [
                    (
                        "SELECT count(*) FROM aftercare_ticket WHERE department_id = %s "
                        "OR street_id = %s",
                        [kejiju, kejiju],
                    ),
                    (
                        f"SELECT {page_cols} WHERE t.department_id = %s OR t.street_id = %s "
                        "ORDER BY t.id DESC LIMIT 50",
                        [kejiju, kejiju],
                    ),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    row(
        "街道诉求清单",
        timed(get(street, "/aftercare/tickets/?status=open"), [0], args.repeat),
        timed(
            sql(
                lambda _: [
                    (
                        "SELECT count(*) FROM aftercare_ticket WHERE status = 'open' AND "
                        "(department_id = %s OR street_id = %s)",
                        [youyilu, youyilu],
                    ),
                    (
                        f"SELECT {page_cols} WHERE t.status = 'open' AND "
                        "(t.department_id = %s OR t.street_id = %s) "
                        "ORDER BY t.due_on, t.id LIMIT 50",
                        [youyilu, youyilu],
                    ),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    # The ticket page with its steps.
    total = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    pks = [rng.randrange(1, total) for _ in range(100)]
    pks = list(Ticket.objects.filter(pk__in=pks).values_list("pk", flat=True))
    row(
        "诉求页（办理记录）",
        timed(lambda pk: office.get(f"/aftercare/tickets/{pk}/"), pks, args.repeat),
        timed(
            sql(
                lambda pk: [
                    (f"SELECT {page_cols} WHERE t.id = %s", [pk]),
                    (
                        "SELECT * FROM aftercare_ticketstep WHERE ticket_id = %s ORDER BY at, id",
                        [pk],
                    ),
                ]
            ),
            pks,
            args.repeat,
        ),
        50,
    )
    # The dashboard: this year's answered tickets by unit and by type, open and overdue.
    first, last = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    figures = (
        "count(*), count(*) FILTER (WHERE on_time), avg(handling_days), "
        "count(rating), count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 2), "
        "count(*) FILTER (WHERE rating = 1)"
    )
    if connection.vendor != "postgresql":
        figures = (
            "count(*), sum(on_time), avg(handling_days), count(rating), "
            "sum(rating = 3), sum(rating = 2), sum(rating = 1)"
        )
    where = "WHERE answered_on BETWEEN %s AND %s"
    now_counts = [
        (
            "SELECT level, count(*), count(*) FILTER (WHERE due_on < %s) FROM "
            "aftercare_ticket WHERE status = 'open' GROUP BY level"
            if connection.vendor == "postgresql"
            else "SELECT level, count(*), sum(due_on < %s) FROM aftercare_ticket "
            "WHERE status = 'open' GROUP BY level",
            [today],
        ),
    ]
    # The page reads the monthly sums (aftercare_ticketmonth); its floor is the same reads
    # in SQL. The second floor is the full recount over the year's tickets that the page
    # no longer does, printed for comparison.
    sums = (
        "sum(answered), sum(on_time), sum(handling_days), sum(timed), sum(rated), "
        "sum(satisfied), sum(fair), sum(unsatisfied)"
    )
    dashboard_repeat = max(20, args.repeat // 2)
    row(
        "办理情况（驾驶舱）",
        timed(get(office, "/aftercare/dashboard/"), [0], dashboard_repeat),
        timed(
            sql(
                lambda _: [
                    (
                        f"SELECT d.name, {sums} FROM aftercare_ticketmonth m JOIN "
                        "org_department d ON d.id = m.department_id WHERE m.year = %s "
                        "GROUP BY d.name",
                        [today.year],
                    ),
                    (
                        f"SELECT y.name, {sums} FROM aftercare_ticketmonth m JOIN "
                        "aftercare_tickettype y ON y.id = m.ticket_type_id WHERE m.year = %s "
                        "GROUP BY y.name",
                        [today.year],
                    ),
                    *now_counts,
                ]
            ),
            [0],
            dashboard_repeat,
        ),
        300,
    )
    from zhaoshang.aftercare.models import TicketMonth

    print(
        f"  （驾驶舱读取办理月度汇总 {TicketMonth.objects.filter(year=today.year).count():,} 行；"
        "下一行为不用汇总、全量统计当年诉求的 SQL 下限，仅作对照）"
    )
    row(
        "  全量统计SQL下限",
        None,
        timed(
            sql(
                lambda _: [
                    (
                        f"SELECT d.name, {figures} FROM aftercare_ticket t JOIN org_department d "
                        f"ON d.id = t.department_id {where} GROUP BY d.name",
                        [first, last],
                    ),
                    (
                        f"SELECT y.name, {figures} FROM aftercare_ticket t JOIN "
                        f"aftercare_tickettype y ON y.id = t.ticket_type_id {where} "
                        "GROUP BY y.name",
                        [first, last],
                    ),
                    (f"SELECT {figures} FROM aftercare_ticket {where}", [first, last]),
                    (
                        "SELECT count(*), count(*) FILTER (WHERE due_on < %s) FROM "
                        "aftercare_ticket WHERE status = 'open'"
                        if connection.vendor == "postgresql"
                        else "SELECT count(*), sum(due_on < %s) FROM aftercare_ticket "
                        "WHERE status = 'open'",
                        [today],
                    ),
                    (
                        "SELECT level, count(*) FROM aftercare_ticket WHERE status = 'open' "
                        "GROUP BY level",
                        [],
                    ),
                ]
            ),
            [0],
            dashboard_repeat,
        ),
        300,
    )


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args)
    measure(args)


if __name__ == "__main__":
    main()

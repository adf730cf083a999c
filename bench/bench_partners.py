"""The partner registry and the finder-reward list at scale.

    .venv/bin/python bench/bench_partners.py --postgres                  # the issue's scale
    .venv/bin/python bench/bench_partners.py --postgres --reuse          # measure it again
    .venv/bin/python bench/bench_partners.py --rows 10000                # SQLite, smaller

Generates N partners (default 100,000; every kind) and N finder rewards (in every status,
on N/5 landed projects across the demo units), then prints for each list the server time
of the whole Django request through the test client (p50, p95, the process's CPU p50)
beside the raw-SQL floor for the same reads. Goal (issue 16): every list ≤ 50 ms p95.
The PostgreSQL database is zs_partners_bench.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zs_partners_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--rows", type=int, default=100_000)
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


def generate(args):
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, User
    from zhaoshang.partners.models import FinderReward, Partner
    from zhaoshang.pipeline.models import Project

    rng = random.Random(7)
    start = time.perf_counter()
    user = User.objects.get(username="zhaoshangban")
    office = user.department
    units = list(
        Department.objects.filter(kind__in=["department", "street", "zone", "office"]).values_list(
            "pk", flat=True
        )
    )
    n_projects = max(1, args.rows // 5)
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"测试引荐企业{i:06d}有限公司", dedupe_key=f"测试引荐企业{i:06d}")
            for i in range(n_projects)
        ],
        batch_size=5000,
    )
    enterprises = list(
        Enterprise.objects.filter(name__startswith="测试引荐企业").values_list("pk", flat=True)
    )
    kinds = [k for k, _ in Partner.Kind.choices]
    declarations = ["", "", "not_public", "public"]
    Partner.objects.bulk_create(
        [
            Partner(
                kind=rng.choice(kinds),
                name=f"测试合作机构{i:06d}",
                city=rng.choice(["北京", "上海", "深圳", "天津"]),
                declaration=rng.choice(declarations),
                department_id=office.pk,
                created_by=user,
            )
            for i in range(args.rows)
        ],
        batch_size=5000,
    )
    partners = list(
        Partner.objects.filter(name__startswith="测试合作机构").values_list("pk", flat=True)
    )
    now = timezone.now()
    Project.objects.bulk_create(
        [
            Project(
                name=f"测试引荐项目{i:06d}",
                enterprise_id=enterprises[i],
                stage="landed",
                department_id=(unit := rng.choice(units)),
                registered_department_id=unit,
                referrer_id=partners[i],
                agreed_investment=Decimal(rng.randrange(50, 5000)) * 100_000,
                stage_changed_at=now,
            )
            for i in range(n_projects)
        ],
        batch_size=5000,
    )
    projects = list(
        Project.objects.filter(name__startswith="测试引荐项目").values_list("pk", flat=True)
    )
    statuses = [s for s, _ in FinderReward.Status.choices]
    FinderReward.objects.bulk_create(
        [
            FinderReward(
                partner_id=partners[i],
                project_id=projects[i % len(projects)],
                status=rng.choice(statuses),
                investment=Decimal(100_000_000),
                funds=Decimal(rng.randrange(10, 500)) * 100_000,
                amount=Decimal(rng.randrange(5, 100)) * 10_000,
                basis="一般项目",
                budget_department_id=office.pk,
                created_by=user,
            )
            for i in range(args.rows)
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"合作机构 {Partner.objects.count():,} 家，项目 {len(projects):,} 个，中介奖励 "
        f"{FinderReward.objects.count():,} 件，用时 {time.perf_counter() - start:.0f} 秒"
    )


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
    from zhaoshang.partners.models import FinderReward, Partner
    from zhaoshang.wsgi import settle

    settle()
    office = Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="kejiju"))
    kejiju = User.objects.get(username="kejiju").department_id
    for c, url in ((office, "/partners/"), (office, "/partners/rewards/")):
        assert c.get(url).status_code == 200
    print(
        f"\n[{connection.vendor}] 合作机构 {Partner.objects.count():,} 家，中介奖励 "
        f"{FinderReward.objects.count():,} 件；每项 {args.repeat} 次（毫秒）"
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

    partner_cols = (
        "SELECT p.id, p.name, p.kind, p.city, p.phone, p.declaration, p.is_active "
        "FROM partners_partner p "
    )
    counts = (
        "SELECT referrer_id, count(*) FROM pipeline_project WHERE referrer_id IN "
        "(SELECT id FROM partners_partner WHERE is_active ORDER BY id DESC LIMIT 50) "
        "GROUP BY referrer_id"
    )
    row(
        "中介名录",
        timed(get(office, "/partners/"), [0], args.repeat),
        timed(
            sql(
                [
                    ("SELECT count(*) FROM partners_partner WHERE is_active", []),
                    (partner_cols + "WHERE p.is_active ORDER BY p.id DESC LIMIT 50", []),
                    (counts, []),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    row(
        "中介名录（按类别）",
        timed(get(office, "/partners/?kind=chamber"), [0], args.repeat),
        timed(
            sql(
                [
                    (
                        "SELECT count(*) FROM partners_partner WHERE is_active "
                        "AND kind = 'chamber'",
                        [],
                    ),
                    (
                        partner_cols + "WHERE p.is_active AND p.kind = 'chamber' "
                        "ORDER BY p.id DESC LIMIT 50",
                        [],
                    ),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    reward_cols = (
        "SELECT r.id, r.status, r.amount, r.funds, r.created_at, r.paid_on, p.name, j.name, "
        "d.name FROM partners_finderreward r JOIN partners_partner p ON p.id = r.partner_id "
        "JOIN pipeline_project j ON j.id = r.project_id "
        "JOIN org_department d ON d.id = j.department_id "
    )
    row(
        "中介奖励（全区）",
        timed(get(office, "/partners/rewards/"), [0], args.repeat),
        timed(
            sql(
                [
                    ("SELECT count(*) FROM partners_finderreward", []),
                    (reward_cols + "ORDER BY r.id DESC LIMIT 50", []),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    row(
        "中介奖励（待审批）",
        timed(get(office, "/partners/rewards/?status=submitted"), [0], args.repeat),
        timed(
            sql(
                [
                    (
                        "SELECT count(*) FROM partners_finderreward WHERE status = 'submitted'",
                        [],
                    ),
                    (reward_cols + "WHERE r.status = 'submitted' ORDER BY r.id DESC LIMIT 50", []),
                ]
            ),
            [0],
            args.repeat,
        ),
        50,
    )
    row(
        "中介奖励（本单位）",
        timed(get(clerk, "/partners/rewards/"), [0], args.repeat),
        timed(
            sql(
                [
                    (
                        "SELECT count(*) FROM partners_finderreward r JOIN pipeline_project j "
                        "ON j.id = r.project_id WHERE j.department_id = %s",
                        [kejiju],
                    ),
                    (
                        reward_cols + "WHERE j.department_id = %s ORDER BY r.id DESC LIMIT 50",
                        [kejiju],
                    ),
                ]
            ),
            [0],
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

"""Leads at scale: my unit's list (filtered, and as the office), the pool, a lead's page,
the registration attribution check, and the nightly lapse.

    .venv/bin/python bench/bench_leads.py --postgres --n 100000     # PostgreSQL (zs_leads_bench)
    .venv/bin/python bench/bench_leads.py --n 20000                  # SQLite

Generates N leads over N enterprises spread across the demo's promotion units (a tenth
of them pooled, each with its registration owner row and some with pushes), then prints
for each figure the server time of the whole Django request through the test client
beside the raw-SQL floor for the same rows (p50 / p95, milliseconds).
"""

import argparse
import datetime
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
DB = "zs_leads_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--n", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=200)
    p.add_argument("--reuse", action="store_true", help="measure a previously generated database")
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-leads-"))
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


def generate(n):
    from django.db import connection, transaction
    from django.utils import timezone

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department
    from zhaoshang.pipeline.leads.services import PROMOTING_KINDS
    from zhaoshang.pipeline.models import LeadPush, Method, OwnerChange, Project
    from zhaoshang.reference.models import KeyIndustry, Region

    rng = random.Random(7)
    units = list(Department.objects.filter(kind__in=PROMOTING_KINDS).exclude(kind="office"))
    office = Department.objects.get(kind="office")
    keys = list(KeyIndustry.objects.values_list("pk", flat=True))
    regions = list(Region.objects.filter(kind="province").values_list("pk", flat=True))
    methods = list(Method.values)
    now = timezone.now()
    start = time.perf_counter()
    chunk = 5_000
    for base in range(0, n, chunk):
        size = min(chunk, n - base)
        with transaction.atomic():
            ents = Enterprise.objects.bulk_create(
                [
                    Enterprise(
                        name=f"天津基准测试{base + i}号科技有限公司", dedupe_key=f"bench{base + i}"
                    )
                    for i in range(size)
                ]
            )
            projects = []
            for e in ents:
                unit = rng.choice(units)
                pooled = rng.random() < 0.1
                registered = now - datetime.timedelta(days=rng.randrange(0, 400))
                projects.append(
                    Project(
                        name=f"{e.name}投资项目",
                        enterprise=e,
                        department=office if pooled else unit,
                        registered_department=unit,
                        pooled_at=registered + datetime.timedelta(days=60) if pooled else None,
                        method=rng.choice(methods),
                        key_industry_id=rng.choice(keys),
                        origin_region_id=rng.choice(regions),
                        estimated_investment=Decimal(rng.randrange(100, 100_000) * 10_000),
                        last_ledger_on=(
                            registered + datetime.timedelta(days=rng.randrange(0, 30))
                        ).date()
                        if rng.random() < 0.7
                        else None,
                        stage_changed_at=registered,
                    )
                )
            projects = Project.objects.bulk_create(projects)
            OwnerChange.objects.bulk_create(
                [
                    OwnerChange(
                        project=p,
                        kind="register",
                        to_department_id=p.registered_department_id,
                    )
                    for p in projects
                ]
            )
            LeadPush.objects.bulk_create(
                [
                    LeadPush(
                        project=p,
                        from_department_id=p.department_id,
                        to_department=rng.choice(units),
                        holder_id=p.department_id,
                        reason="基准测试推送",
                        state=rng.choice(["accepted", "declined", "withdrawn"]),
                    )
                    for p in projects[::20]
                    if p.pooled_at is None
                ]
            )
        print(f"  已生成 {base + size:,} 条线索", flush=True)
    # Spread the registration dates (auto_now_add wrote "now").
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE pipeline_ownerchange SET at = p.stage_changed_at FROM pipeline_project p "
            "WHERE p.id = pipeline_ownerchange.project_id"
            if connection.vendor == "postgresql"
            else "UPDATE pipeline_ownerchange SET at = (SELECT stage_changed_at FROM "
            "pipeline_project p WHERE p.id = pipeline_ownerchange.project_id)"
        )
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"生成 {n:,} 条线索用时 {time.perf_counter() - start:.0f} 秒")


def timed(fn, items, repeat):
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(items[i % len(items)])
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def row(label, web, floor):
    print(f"{label:<24}{web[0]:>9.1f}{web[1]:>9.1f}{floor[0]:>12.2f}{floor[1]:>9.2f}")


def sql(query, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.org.models import User
    from zhaoshang.pipeline.models import Project
    from zhaoshang.reference.models import KeyIndustry

    office, clerk = Client(), Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    kejiju = User.objects.get(username="kejiju")
    clerk.force_login(kejiju)
    unit = kejiju.department_id
    keys = list(KeyIndustry.objects.values_list("pk", flat=True))
    total = Project.objects.count()
    mine = list(Project.objects.filter(department_id=unit).values_list("pk", flat=True)[:400])
    enterprises = list(Project.objects.values_list("enterprise_id", flat=True)[:400])
    print(f"\n[{connection.vendor}] 线索 {total:,} 条，每项 {args.repeat} 次（毫秒）")
    print(f"{'项目':<22}{'p50':>9}{'p95':>9}{'SQL下限p50':>12}{'p95':>9}")
    page = "SELECT p.*, e.name, d.name FROM pipeline_project p JOIN enterprises_enterprise e ON e.id = p.enterprise_id JOIN org_department d ON d.id = p.department_id WHERE p.stage = 'lead' {} ORDER BY p.id DESC LIMIT 31"

    def get(c, url, params=None):
        def run(_):
            response = c.get(url, params or {})
            assert response.status_code == 200, response.status_code

        return run

    def floor(where, params=()):
        def run(_):
            # The page reads 31 rows by keyset (no COUNT), as the view does.
            sql(page.format(where), params)

        return run

    row(
        "本单位线索（科技局）",
        timed(get(clerk, "/pipeline/leads/"), [0], args.repeat),
        timed(floor("AND p.department_id = %s", [unit]), [0], args.repeat),
    )
    row(
        "全部线索（招商办）",
        timed(get(office, "/pipeline/leads/"), [0], args.repeat),
        timed(floor(""), [0], args.repeat),
    )

    def filtered_web(k):
        assert (
            office.get("/pipeline/leads/", {"key_industry": k, "method": "chain"}).status_code
            == 200
        )

    def filtered_floor(k):
        floor("AND p.key_industry_id = %s AND p.method = 'chain'", [k])(None)

    row(
        "筛选（产业+方式）",
        timed(filtered_web, keys, args.repeat),
        timed(filtered_floor, keys, args.repeat),
    )
    row(
        "公海",
        timed(get(clerk, "/pipeline/leads/pool/"), [0], args.repeat),
        timed(floor("AND p.pooled_at IS NOT NULL"), [0], args.repeat),
    )

    def detail_web(pk):
        assert clerk.get(f"/pipeline/leads/{pk}/").status_code == 200

    def detail_floor(pk):
        sql("SELECT * FROM pipeline_project WHERE id = %s", [pk])
        sql("SELECT * FROM pipeline_ownerchange WHERE project_id = %s ORDER BY at", [pk])
        sql("SELECT * FROM pipeline_leadpush WHERE project_id = %s", [pk])

    row("线索页面", timed(detail_web, mine, args.repeat), timed(detail_floor, mine, args.repeat))

    def attribution_web(eid):
        assert clerk.get("/pipeline/leads/attribution/", {"enterprise": eid}).status_code == 200

    def attribution_floor(eid):
        sql(
            "SELECT id, department_id FROM pipeline_project WHERE enterprise_id = %s "
            "AND pooled_at IS NULL AND stage IN ('lead','negotiating','signed','landed','construction','on_hold') "
            "ORDER BY id LIMIT 1",
            [eid],
        )

    row(
        "登记时归属提示",
        timed(attribution_web, enterprises, args.repeat),
        timed(attribution_floor, enterprises, args.repeat),
    )

    from django.utils import timezone

    from zhaoshang.pipeline.leads.services import lapse_due, leads_lapse

    today = timezone.localdate()
    due = lapse_due(today=today).count()
    t = time.perf_counter()
    lapsed = leads_lapse(today=today)
    took = time.perf_counter() - t
    print(
        f"每日退回公海任务：到期 {due:,} 条，退回 {lapsed:,} 条，用时 {took:.1f} 秒"
        f"（{lapsed / took if took else 0:,.0f} 条/秒）"
    )
    t = time.perf_counter()
    leads_lapse(today=today)
    print(f"再次运行（无到期线索）：{(time.perf_counter() - t) * 1000:.0f} 毫秒")


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args.n)
    measure(args)


if __name__ == "__main__":
    main()

"""The public portal at scale: its pages' server time beside the raw-SQL floor.

    .venv/bin/python bench/bench_portal.py --postgres               # the issue's scale
    .venv/bin/python bench/bench_portal.py --postgres --reuse       # measure it again
    .venv/bin/python bench/bench_portal.py --records 10000          # SQLite, smaller

Generates published records (default 100,000: half opportunities, two fifths policies
with their industries, a tenth carriers) plus a fifth as many unpublished ones the pages
must skip, then requests each page through the test client with the page cache off (the
worst case: every visitor a cache miss) and prints p50, p95 and the CPU p50 of the whole
Django request beside the p50 and p95 of the same reads in raw SQL. The goal is p95 ≤ 50 ms.
The PostgreSQL database is zs_portal_bench.
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
DB = "zs_portal_bench"
GOAL_MS = 50
WORDS = (
    "智能 数字 生物 医药 航运 金融 总部 研发 制造 数据 新能源 新材料 设计 物流 算力 检测".split()
)


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=100)
    p.add_argument("--reuse", action="store_true", help="measure a database generated before")
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    os.environ["ZS_PORTAL_CACHE_SECONDS"] = "0"  # measure the pages, not the cache
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
    from django.db import connection

    from zhaoshang.opportunities.models import Opportunity
    from zhaoshang.org.models import Department
    from zhaoshang.policies.models import Policy
    from zhaoshang.reference.models import Carrier, KeyIndustry, Zone

    rng = random.Random(7)
    start = time.perf_counter()
    units = list(Department.objects.values_list("pk", flat=True))
    keys = list(KeyIndustry.objects.values_list("pk", flat=True))
    zones = list(Zone.objects.values_list("pk", flat=True))
    n_opp, n_pol = args.records // 2, args.records * 2 // 5
    n_car = args.records - n_opp - n_pol
    statuses = ["published"] * 6 + ["negotiating"] * 3 + ["landed"]
    rows = [
        Opportunity(
            name=f"{rng.choice(WORDS)}{rng.choice(WORDS)}招商项目{i}",
            summary="面向社会资本开放合作的招商项目。" * 3,
            key_industry_id=rng.choice(keys),
            zone_id=rng.choice(zones),
            investment=Decimal(rng.choice([5, 20, 80, 150, 600])) * 10**6,
            cooperation=rng.sample(["sole", "joint", "equity", "lease"], 2),
            department_id=rng.choice(units),
            status=rng.choice(statuses) if i % 6 else "in_library",  # a sixth unpublished
        )
        for i in range(n_opp + n_opp // 5)
    ]
    Opportunity.objects.bulk_create(rows, batch_size=5000)
    policies = [
        Policy(
            title=f"河西区支持{rng.choice(WORDS)}{rng.choice(WORDS)}产业发展的若干措施（{i}）",
            doc_number=f"津河西测〔{2000 + i % 26}〕{i}号",
            department_id=rng.choice(units),
            measures="对符合条件的企业给予奖励。" * 20,
            rules="申报条件和流程。" * 20,
            explanation="政策解读。" * 10,
            valid_from=dt.date(2000 + i % 26, 1 + i % 12, 1),
            status=rng.choice(["current"] * 8 + ["revised", "repealed"]) if i % 6 else "draft",
        )
        for i in range(n_pol + n_pol // 5)
    ]
    Policy.objects.bulk_create(policies, batch_size=5000)
    through = Policy.industries.through
    ids = list(Policy.objects.values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(policy_id=pk, keyindustry_id=rng.choice(keys)) for pk in ids],
        batch_size=10000,
        ignore_conflicts=True,  # the demo's own policies already name theirs
    )
    carriers = [
        Carrier(
            kind=rng.choice(["building", "park", "land"]),
            name=f"测试载体{i}",
            zone_id=rng.choice(zones),
            total_area=Decimal(10000),
            vacant_area=Decimal(rng.randrange(0, 10000)),
        )
        for i in range(n_car)
    ]
    Carrier.objects.bulk_create(carriers, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"生成：招商项目 {Opportunity.objects.count():,}（公开 {Opportunity.objects.public().count():,}），"
        f"政策 {Policy.objects.count():,}（公开 {Policy.objects.public().count():,}），"
        f"载体 {Carrier.objects.count():,}；用时 {time.perf_counter() - start:.0f} 秒"
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


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.opportunities.models import Opportunity
    from zhaoshang.policies.models import Policy
    from zhaoshang.reference.models import KeyIndustry
    from zhaoshang.wsgi import settle

    settle()
    rng = random.Random(11)
    client = Client()
    keys = list(KeyIndustry.objects.values_list("pk", flat=True))
    opp_ids = list(Opportunity.objects.public().values_list("pk", flat=True)[:5000])
    pol_ids = list(Policy.objects.public().values_list("pk", flat=True)[:5000])
    rng.shuffle(opp_ids)
    rng.shuffle(pol_ids)
    public_opp = "status IN ('published', 'negotiating', 'landed')"
    public_pol = "status IN ('current', 'revised', 'repealed')"
    pages = [
        (
            "首页",
            [("/portal/", [])],
            [
                ("SELECT * FROM reference_keyindustry ORDER BY sort_order, id", []),
                (
                    f"SELECT * FROM opportunities_opportunity WHERE {public_opp} ORDER BY id DESC LIMIT 6",
                    [],
                ),
                (
                    f"SELECT id, title, doc_number, status, valid_from, valid_until, department_id FROM policies_policy WHERE {public_pol} ORDER BY valid_from DESC, id DESC LIMIT 6",
                    [],
                ),
                (
                    "SELECT * FROM reports_bulletin WHERE status = 'issued' ORDER BY issued_at DESC LIMIT 3",
                    [],
                ),
            ],
        ),
        (
            "招商项目列表",
            [("/portal/opportunities/", [])],
            [
                (f"SELECT count(*) FROM opportunities_opportunity WHERE {public_opp}", []),
                (
                    f"SELECT * FROM opportunities_opportunity WHERE {public_opp} ORDER BY id DESC LIMIT 20",
                    [],
                ),
            ],
        ),
        (
            "招商项目·按产业第5页",
            [(f"/portal/opportunities/?industry={k}&page=5", [k]) for k in keys],
            [
                (
                    f"SELECT count(*) FROM opportunities_opportunity WHERE {public_opp} AND key_industry_id = %s",
                    ["k"],
                ),
                (
                    f"SELECT * FROM opportunities_opportunity WHERE {public_opp} AND key_industry_id = %s "
                    "ORDER BY id DESC LIMIT 20 OFFSET 80",
                    ["k"],
                ),
            ],
        ),
        (
            "招商项目详情",
            [(f"/portal/opportunities/{pk}/", [pk]) for pk in opp_ids[:200]],
            [(f"SELECT * FROM opportunities_opportunity WHERE {public_opp} AND id = %s", ["k"])],
        ),
        (
            "政策列表",
            [("/portal/policies/", [])],
            [
                (f"SELECT count(*) FROM policies_policy WHERE {public_pol}", []),
                (
                    f"SELECT id, title, doc_number, status, valid_from, valid_until, department_id FROM policies_policy WHERE {public_pol} ORDER BY valid_from DESC, id DESC LIMIT 20",
                    [],
                ),
            ],
        ),
        (
            "政策·按产业",
            [(f"/portal/policies/?industry={k}", [k]) for k in keys],
            [
                (
                    f"SELECT count(*) FROM policies_policy p JOIN policies_policy_industries i "
                    f"ON i.policy_id = p.id WHERE p.{public_pol} AND i.keyindustry_id = %s",
                    ["k"],
                ),
                (
                    f"SELECT p.id, p.title, p.doc_number, p.status, p.valid_from, p.valid_until, p.department_id FROM policies_policy p JOIN policies_policy_industries i "
                    f"ON i.policy_id = p.id WHERE p.{public_pol} AND i.keyindustry_id = %s "
                    "ORDER BY p.valid_from DESC, p.id DESC LIMIT 20",
                    ["k"],
                ),
            ],
        ),
        (
            "政策详情",
            [(f"/portal/policies/{pk}/", [pk]) for pk in pol_ids[:200]],
            [(f"SELECT * FROM policies_policy WHERE {public_pol} AND id = %s", ["k"])],
        ),
        (
            "载体列表",
            [("/portal/carriers/", [])],
            [
                ("SELECT count(*) FROM reference_carrier", []),
                ("SELECT * FROM reference_carrier ORDER BY vacant_area DESC, id LIMIT 20", []),
            ],
        ),
    ]
    print(
        f"\n[{connection.vendor}] 门户页面（缓存关闭），每项 {args.repeat} 次（毫秒）；目标 p95 ≤ {GOAL_MS} ms"
    )
    print(f"{'页面':<18}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}")
    worst = 0.0
    for label, requests, statements in pages:
        for url, _ in requests[:1]:
            assert client.get(url).status_code == 200, url

        def web(item):
            assert client.get(item[0]).status_code == 200

        def floor(item, statements=statements):
            with connection.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(statement, [item[1][0] if p == "k" else p for p in params])
                    cursor.fetchall()

        w = timed(web, requests, args.repeat)
        f = timed(floor, requests, args.repeat)
        worst = max(worst, w[1])
        print(f"{label:<18}{w[0]:>9.1f}{w[1]:>9.1f}{w[2]:>9.1f}{f[0]:>12.2f}{f[1]:>9.2f}")
    print(
        f"最慢页面 p95 {worst:.1f} ms：{'达到' if worst <= GOAL_MS else '未达到'}目标（≤ {GOAL_MS} ms）"
    )


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args)
    measure(args)


if __name__ == "__main__":
    main()

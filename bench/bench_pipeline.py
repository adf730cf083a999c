"""Projects at scale: kanban, a filtered list, the project page and a stage move.

    .venv/bin/python bench/bench_pipeline.py --postgres                  # the issue's scale
    .venv/bin/python bench/bench_pipeline.py --postgres --reuse          # measure it again
    .venv/bin/python bench/bench_pipeline.py --projects 10000            # SQLite, smaller

Generates N projects (default 100,000) across the demo units and every stage, with their
stage history, 10 ledger entries and 5 funds entries per project (1,000,000 and 500,000
at the default scale; bulk rows, COPY on PostgreSQL), then prints for each figure the
server time of the whole Django request through the test client beside the raw-SQL floor
for the same work. The PostgreSQL database is zs_projects_bench.
"""

import argparse
import datetime as dt
import json
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
DB = "zs_projects_bench"

STAGES = (
    ["lead"] * 30
    + ["negotiating"] * 25
    + ["signed"] * 15
    + ["landed"] * 10
    + ["construction"] * 8
    + ["operating"] * 7
    + ["on_hold"] * 3
    + ["dropped"] * 2
)
WORDS = (
    "智能 数字 生物 医药 航运 金融 总部 研发 制造 数据 新能源 新材料 设计 物流 算力 检测".split()
)
KINDS = "中心 基地 平台 总部 产业园 实验室 项目 工厂".split()


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--ledger-per-project", type=int, default=10)
    p.add_argument("--funds-per-project", type=int, default=5)
    p.add_argument("--repeat", type=int, default=200)
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
    from django.db import connection
    from django.utils import timezone

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, User
    from zhaoshang.pipeline.models import Project, StageChange
    from zhaoshang.reference.models import KeyIndustry, Zone

    rng = random.Random(7)
    start = time.perf_counter()
    units = list(
        Department.objects.filter(kind__in=["office", "department", "street", "zone"]).values_list(
            "pk", flat=True
        )
    )
    keys = list(KeyIndustry.objects.values_list("pk", flat=True))
    zones = list(Zone.objects.values_list("pk", flat=True)) + [None]
    user = User.objects.get(username="zhaoshangban")
    enterprises = list(Enterprise.objects.values_list("pk", flat=True))
    n_ent = max(1, args.projects // 10)
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"测试投资企业{i:06d}有限公司", dedupe_key=f"测试投资企业{i:06d}")
            for i in range(n_ent)
        ],
        batch_size=5000,
    )
    enterprises = list(Enterprise.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    batch = []
    for i in range(args.projects):
        stage = rng.choice(STAGES)
        amount = Decimal(rng.choice([500, 2000, 8000, 15000, 60000, 150000])) * 10_000
        signed = stage in ("signed", "landed", "construction", "operating")
        batch.append(
            Project(
                name=f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(KINDS)}{i}",
                enterprise_id=rng.choice(enterprises),
                stage=stage,
                stage_before_hold="negotiating" if stage == "on_hold" else "",
                stage_changed_at=now - dt.timedelta(days=rng.randrange(1, 700)),
                department_id=rng.choice(units),
                registered_department_id=rng.choice(units),
                created_by_id=user.pk,
                estimated_investment=amount,
                agreed_investment=amount if signed else None,
                signed_on=today - dt.timedelta(days=rng.randrange(30, 700)) if signed else None,
                agreement_no=f"B-{i}" if signed else "",
                key_industry_id=rng.choice(keys),
                zone_id=rng.choice(zones),
                major_level="very_major"
                if amount >= 10**9
                else ("major" if amount >= 10**8 else ""),
                method=rng.choice(["business", "event", "chain", "intermediary", "other"]),
            )
        )
        if len(batch) == 10_000:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)
    print(f"项目 {Project.objects.count():,} 个，用时 {time.perf_counter() - start:.0f} 秒")

    ids = list(Project.objects.values_list("pk", "stage", "department_id"))
    # The stage history: registration, then one move into the current stage.
    history = []
    for pk, stage, unit in ids:
        history.append(
            StageChange(
                project_id=pk,
                from_stage="",
                to_stage="lead",
                occurred_on=today - dt.timedelta(days=700),
                department_id=unit,
                actor_id=user.pk,
            )
        )
        if stage != "lead":
            history.append(
                StageChange(
                    project_id=pk,
                    from_stage="lead",
                    to_stage=stage,
                    occurred_on=today - dt.timedelta(days=rng.randrange(1, 600)),
                    department_id=unit,
                    actor_id=user.pk,
                )
            )
    StageChange.objects.bulk_create(history, batch_size=10_000)

    t = time.perf_counter()
    ledger_cols = (
        "project_id, occurred_on, content, next_step, department_id, created_by_id, created_at"
    )
    funds_cols = (
        "project_id, received_on, amount, currency, source, note, created_by_id, created_at"
    )

    def ledger_rows():
        for pk, _, unit in ids:
            for k in range(args.ledger_per_project):
                yield (
                    pk,
                    today - dt.timedelta(days=30 * k + rng.randrange(0, 30)),
                    "与企业会商项目推进事项，协调解决用地和注册问题",
                    "跟踪落实",
                    unit,
                    user.pk,
                    now,
                )

    def funds_rows():
        for pk, _, _ in ids:
            for k in range(args.funds_per_project):
                yield (
                    pk,
                    today - dt.timedelta(days=60 * k + 1),
                    Decimal(rng.randrange(100, 5000)) * 10_000,
                    "CNY",
                    "domestic",
                    "",
                    user.pk,
                    now,
                )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY pipeline_ledgerentry ({ledger_cols}) FROM STDIN") as cp:
                for r in ledger_rows():
                    cp.write_row(r)
            with raw.copy(f"COPY pipeline_fundsentry ({funds_cols}) FROM STDIN") as cp:
                for r in funds_rows():
                    cp.write_row(r)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO pipeline_ledgerentry ({ledger_cols}) VALUES (%s,%s,%s,%s,%s,%s,%s)",
                list(ledger_rows()),
            )
            cursor.executemany(
                f"INSERT INTO pipeline_fundsentry ({funds_cols}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                list(funds_rows()),
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pipeline_project SET last_ledger_on = (SELECT max(occurred_on) FROM "
            "pipeline_ledgerentry l WHERE l.project_id = pipeline_project.id)"
        )
        if connection.vendor == "postgresql":
            # As after any bulk load: the visibility map lets the kanban's per-stage
            # counts read the stage index alone.
            cursor.execute("VACUUM ANALYZE")
    print(f"台账与到位资金写入用时 {time.perf_counter() - t:.0f} 秒")


def timed(fn, items, repeat):
    """Wall-clock p50 and p95, and the p50 of this process's CPU time (the database
    server's work is not in it): on a shared machine the wall time also counts waiting
    for a core."""
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


def row(label, web, floor):
    print(f"{label:<24}{web[0]:>9.1f}{web[1]:>9.1f}{web[2]:>9.1f}{floor[0]:>12.2f}{floor[1]:>9.2f}")


def measure(args):
    from django.db import connection, transaction
    from django.test import Client

    from zhaoshang.wsgi import settle

    settle()  # as the WSGI server does once it has loaded the application

    from zhaoshang.org.models import Department, User
    from zhaoshang.pipeline.models import FundsEntry, LedgerEntry, Project

    rng = random.Random(11)
    office = Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="kejiju"))
    for c, url in ((office, "/pipeline/"), (office, "/pipeline/projects/"), (clerk, "/pipeline/")):
        assert c.get(url).status_code == 200
    total = Project.objects.count()
    print(
        f"\n[{connection.vendor}] 项目 {total:,} 个，台账 {LedgerEntry.objects.count():,} 条，"
        f"到位资金 {FundsEntry.objects.count():,} 条；每项 {args.repeat} 次（毫秒）"
    )
    print(f"{'项目':<22}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}")
    units = list(
        Department.objects.filter(kind__in=["department", "street", "zone"]).values_list(
            "pk", flat=True
        )
    )
    stages = ["negotiating", "signed", "landed", "construction"]

    def sql(statements):
        def run(params):
            with connection.cursor() as cursor:
                for statement, args_ in statements(params):
                    cursor.execute(statement, args_)
                    cursor.fetchall()

        return run

    # Kanban: the office sees all the district's projects.
    def kanban(_):
        assert office.get("/pipeline/").status_code == 200

    def kanban_floor_statements(_):
        yield ("SELECT stage, count(*) FROM pipeline_project GROUP BY stage", [])
        for stage in ["lead", *stages, "operating", "on_hold", "dropped"]:
            yield (
                "SELECT p.*, e.name, d.name FROM pipeline_project p "
                "JOIN enterprises_enterprise e ON e.id = p.enterprise_id "
                "JOIN org_department d ON d.id = p.department_id "
                "WHERE p.stage = %s ORDER BY p.stage_changed_at DESC, p.id DESC LIMIT 20",
                [stage],
            )

    row(
        "看板（全区）",
        timed(kanban, [0], args.repeat),
        timed(sql(kanban_floor_statements), [0], args.repeat),
    )

    # A filtered list: one stage of one unit, first page.
    filters = [(rng.choice(stages), rng.choice(units)) for _ in range(50)]

    def listing(f):
        r = office.get("/pipeline/projects/", {"stage": f[0], "department": f[1]})
        assert r.status_code == 200

    def list_floor_statements(f):
        yield (
            "SELECT count(*) FROM pipeline_project WHERE stage = %s AND department_id = %s",
            list(f),
        )
        yield (
            "SELECT p.*, e.name, d.name FROM pipeline_project p "
            "JOIN enterprises_enterprise e ON e.id = p.enterprise_id "
            "JOIN org_department d ON d.id = p.department_id "
            "WHERE p.stage = %s AND p.department_id = %s ORDER BY p.id DESC LIMIT 50",
            list(f),
        )

    row(
        "筛选清单（阶段+单位）",
        timed(listing, filters, args.repeat),
        timed(sql(list_floor_statements), filters, args.repeat),
    )

    # The project page.
    pks = [rng.randrange(1, total) for _ in range(100)]
    pks = list(Project.objects.filter(pk__in=pks).values_list("pk", flat=True))

    def detail(pk):
        assert office.get(f"/pipeline/projects/{pk}/").status_code == 200

    def detail_floor_statements(pk):
        yield (
            "SELECT p.*, e.name, d.name FROM pipeline_project p JOIN enterprises_enterprise e ON e.id = p.enterprise_id JOIN org_department d ON d.id = p.department_id WHERE p.id = %s",
            [pk],
        )
        for table in (
            "stagechange",
            "ledgerentry",
            "fundsentry",
            "ownerchange",
            "problem",
            "projectmember",
        ):
            yield (f"SELECT * FROM pipeline_{table} WHERE project_id = %s", [pk])
        yield (
            "SELECT s.* FROM pipeline_problemstep s JOIN pipeline_problem q ON q.id = s.problem_id WHERE q.project_id = %s",
            [pk],
        )

    row(
        "项目页（时间轴）",
        timed(detail, pks, args.repeat),
        timed(sql(detail_floor_statements), pks, args.repeat),
    )

    # A stage move: lead → negotiating through the API, each on a different lead.
    leads = list(
        Project.objects.filter(stage="lead").values_list("pk", flat=True)[: args.repeat * 2]
    )
    half = len(leads) // 2
    web_leads, floor_leads = leads[:half], leads[half:]

    def move(pk):
        r = office.post(
            f"/api/pipeline/projects/{pk}/move",
            json.dumps({"to_stage": "negotiating", "expected_stage": "lead"}),
            content_type="application/json",
        )
        assert r.status_code == 200, r.content

    def move_floor(pk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE pipeline_project SET stage = 'negotiating', version = version + 1, "
                "stage_changed_at = now() WHERE id = %s AND stage = 'lead'",
                [pk],
            )
            cursor.execute(
                "INSERT INTO pipeline_stagechange (project_id, from_stage, to_stage, occurred_on, "
                "reason, department_id, actor_id, at) SELECT id, 'lead', 'negotiating', "
                "current_date, '', department_id, created_by_id, now() FROM pipeline_project "
                "WHERE id = %s",
                [pk],
            )
            cursor.execute(
                "INSERT INTO audit_auditevent (at, action, result, username, ip, object_type, "
                "object_id, object_repr, changes, detail, user_id) VALUES "
                "(now(), 'update', 'success', 'bench', NULL, 'pipeline.project', %s, '', '{}', "
                "'阶段变更', NULL)",
                [str(pk)],
            )

    n = min(args.repeat, half)
    row("阶段变更（线索→洽谈）", timed(move, web_leads, n), timed(move_floor, floor_leads, n))


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args)
    measure(args)


if __name__ == "__main__":
    main()

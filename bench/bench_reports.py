"""The monthly report and the dashboards at city scale.

    .venv/bin/python bench/bench_reports.py                       # 100,000 projects, 1,000,000 funds, 200 units
    .venv/bin/python bench/bench_reports.py --reuse                # measure the database a previous run made
    .venv/bin/python bench/bench_reports.py --projects 10000 --funds 100000 --units 50

PostgreSQL only (database ``zs_reports_bench`` by default, dropped and re-created). It
generates units, projects across every stage (signings over two years, voided and
dropped ones, reassignments), funds in CNY, USD and EUR, rates and targets with COPY,
then prints, for each page, the time of the whole Django request through the test
client (p50/p95) beside the floor: the same aggregates in one hand-written SQL query.
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


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--db", default="zs_reports_bench")
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--funds", type=int, default=1_000_000)
    p.add_argument("--units", type=int, default=200)
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--reuse", action="store_true")
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-reports-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    if not args.reuse:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
            c.execute(f'CREATE DATABASE "{args.db}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a reused database may predate a migration
    if not args.reuse:
        from zhaoshang.org.demo import load_demo

        load_demo()


STAGES = [
    ("lead", 30),
    ("negotiating", 20),
    ("signed", 15),
    ("landed", 14),
    ("construction", 8),
    ("operating", 5),
    ("on_hold", 3),
    ("dropped", 5),
]
SIGNED = {"signed", "landed", "construction", "operating"}
LANDED = {"landed", "construction", "operating"}


def rand_date(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def defaults_row(model, overrides):
    """Every concrete column of ``model`` with its Django default, for COPY."""
    row = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif f.get_internal_type() in ("DateTimeField",):
            value = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        else:
            value = "" if f.get_internal_type() in ("CharField", "TextField", "FileField") else None
        row[f.column] = value
    row.update(overrides)
    return row


def generate(args):
    from django.db import connection

    from zhaoshang.assessment.models import Target
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department
    from zhaoshang.org.services import department_create
    from zhaoshang.pipeline.models import FundsEntry, OwnerChange, Project
    from zhaoshang.reference.models import KeyIndustry, Region
    from zhaoshang.reports.models import ExchangeRate

    rng = random.Random(5)
    start = time.perf_counter()
    top = Department.objects.get(name="河西区人民政府")
    kinds = ["department", "street", "zone"]
    units = list(
        Department.objects.filter(kind__in=kinds, is_active=True).values_list("pk", flat=True)
    )
    for i in range(len(units), args.units):
        units.append(
            department_create(
                actor=None,
                data={
                    "name": f"测试单位{i:03d}",
                    "short_name": f"单位{i:03d}",
                    "kind": kinds[i % 3],
                    "parent": top,
                },
            ).pk
        )
    ents = list(Enterprise.objects.values_list("pk", flat=True))
    keys = list(KeyIndustry.objects.values_list("pk", flat=True)) + [None]
    regions = list(Region.objects.values_list("pk", flat=True)[:60]) + [None]
    methods = ["business", "event", "online", "commissioned", "intermediary", "chain", "other"]
    first_day, last_day = dt.date(2025, 1, 1), dt.date(2026, 11, 20)
    stage_pool = [s for s, w in STAGES for _ in range(w)]
    Project.objects.all().delete()
    base_id = 1_000_000
    project_rows, owner_rows, stage_rows, signed_ids = [], [], [], []
    for i in range(args.projects):
        pk = base_id + i
        stage = rng.choice(stage_pool)
        unit = rng.choice(units)
        before = rng.choice(["signed", "landed"]) if stage == "on_hold" else ""
        effective = before or stage
        was_signed = effective in SIGNED or (stage == "dropped" and rng.random() < 0.6)
        amount = Decimal(int(rng.lognormvariate(15.5, 1.3))).quantize(Decimal("1.00"))
        signed_on = rand_date(rng, first_day, last_day) if was_signed else None
        registered_on = (
            min(signed_on + dt.timedelta(days=rng.randrange(10, 120)), last_day)
            if effective in LANDED or (stage == "dropped" and signed_on and rng.random() < 0.3)
            else None
        )
        level = (
            "very_major" if amount >= 1_000_000_000 else "major" if amount >= 100_000_000 else ""
        )
        registered_at = dt.datetime.combine(
            (signed_on or rand_date(rng, first_day, last_day))
            - dt.timedelta(days=rng.randrange(0, 200)),
            dt.time(rng.randrange(24), rng.randrange(60)),
            tzinfo=dt.UTC,
        )
        project_rows.append(
            defaults_row(
                Project,
                {
                    "id": pk,
                    "name": f"城市规模项目{i:06d}",
                    "enterprise_id": rng.choice(ents),
                    "stage": stage,
                    "stage_before_hold": before,
                    "department_id": unit,
                    "registered_department_id": unit,
                    "created_at": registered_at,
                    "updated_at": registered_at,
                    "method": rng.choice(methods),
                    "origin_region_id": rng.choice(regions),
                    "agreed_investment": amount if signed_on else None,
                    "estimated_investment": amount,
                    "key_industry_id": rng.choice(keys),
                    "strategic_emerging": rng.random() < 0.3,
                    "major_level": level,
                    "signed_on": signed_on,
                    "agreement_no": f"XY{pk}" if signed_on else "",
                    "registered_on": registered_on,
                    "last_ledger_on": rand_date(rng, dt.date(2026, 6, 1), last_day)
                    if stage != "lead"
                    else None,
                },
            )
        )
        owner_rows.append((pk, "register", None, unit, registered_at))
        # The stage history (a month's report reads each project's stage at the month's
        # end from it): registered as a lead, then each move on its own date.
        reg_day = registered_at.date()
        history = [("", "lead", reg_day)]
        if stage != "lead":
            history.append(("lead", "negotiating", reg_day))
        if signed_on:
            history.append(("negotiating", "signed", signed_on))
        if registered_on:
            history.append(("signed", "landed", registered_on))
        if effective in ("construction", "operating"):
            history.append((history[-1][1], effective, history[-1][2]))
        if stage in ("on_hold", "dropped"):
            history.append(
                (history[-1][1], stage, min(history[-1][2] + dt.timedelta(30), last_day))
            )
        stage_rows.extend((pk, a, b, on, unit, registered_at) for a, b, on in history)
        if rng.random() < 0.1:  # one in ten projects changes hands once
            to = rng.choice(units)
            owner_rows.append(
                (pk, "reassign", unit, to, registered_at + dt.timedelta(days=rng.randrange(1, 300)))
            )
            project_rows[-1]["department_id"] = to
        if effective in SIGNED or stage == "dropped":
            signed_ids.append((pk, signed_on or first_day))
    columns = list(project_rows[0])
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY pipeline_project ({','.join(columns)}) FROM STDIN") as cp:
            for r in project_rows:
                cp.write_row([r[c] for c in columns])
        with raw.copy(
            "COPY pipeline_ownerchange (project_id, kind, from_department_id, to_department_id, at, reason) FROM STDIN"
        ) as cp:
            for r in owner_rows:
                cp.write_row((*r, ""))
        with raw.copy(
            "COPY pipeline_stagechange (project_id, from_stage, to_stage, occurred_on, department_id, at, reason) FROM STDIN"
        ) as cp:
            for r in stage_rows:
                cp.write_row((*r, ""))
        with raw.copy(
            "COPY pipeline_fundsentry (project_id, received_on, amount, currency, source, note, created_at) FROM STDIN"
        ) as cp:
            for _n in range(args.funds):
                pk, since = signed_ids[rng.randrange(len(signed_ids))]
                on = rand_date(rng, since, last_day) if since < last_day else last_day
                roll = rng.random()
                currency, source = (
                    ("USD", "foreign")
                    if roll < 0.08
                    else ("EUR", "foreign")
                    if roll < 0.1
                    else ("CNY", "domestic")
                )
                amount = Decimal(rng.randrange(10_000, 5_000_000_00)) / 100
                cp.write_row(
                    (pk, on, amount, currency, source, "", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
                )
        for table in (
            "pipeline_project",
            "pipeline_ownerchange",
            "pipeline_stagechange",
            "pipeline_fundsentry",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}','id'), (SELECT max(id) FROM {table}))"
            )
    ExchangeRate.objects.all().delete()
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(year=y, month=m, currency=c, rate=Decimal(r) + Decimal(m) / 100)
            for y in (2025, 2026)
            for m in range(1, 13)
            for c, r in (("USD", "7.1"), ("EUR", "7.7"))
        ]
    )
    Target.objects.all().delete()
    Target.objects.bulk_create(
        [
            Target(
                year=2026,
                department_id=u,
                signed_projects=60,
                agreed_investment=Decimal("3e9"),
                funds_domestic=Decimal("2e9"),
                funds_foreign=Decimal("3e8"),
                foreign_investment_usd=Decimal("4e7"),
                major_projects=5,
                head_enterprise_projects=2,
                emerging_projects=10,
                landed_projects=40,
            )
            for u in units
        ]
    )
    print(
        f"生成 {args.units} 个单位、{Project.objects.count():,} 个项目、"
        f"{FundsEntry.objects.count():,} 笔到位资金、{OwnerChange.objects.count():,} 条归属记录，"
        f"用时 {time.perf_counter() - start:.0f} 秒"
    )
    recount()


def recount():
    """The entries were written with COPY, past the services that keep the monthly funds
    sums: recompute them once, as after any bulk load (manage.py recount_funds)."""
    from django.db import connection

    from zhaoshang.reports.models import FundsMonth
    from zhaoshang.reports.services import funds_month_rebuild

    start = time.perf_counter()
    rows = funds_month_rebuild()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(
        f"按明细重算月度到位资金汇总：{rows:,} 行（{FundsMonth.objects.count():,}），"
        f"用时 {time.perf_counter() - start:.1f} 秒"
    )


def timed(fn, repeat):
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


SIGNINGS = """
WITH sig AS (
  SELECT p.id, p.signed_on AS on_, p.agreed_investment AS amt, p.key_industry_id,
         COALESCE(o.to_department_id, p.registered_department_id) AS unit
  FROM pipeline_project p
  LEFT JOIN LATERAL (
    SELECT to_department_id FROM pipeline_ownerchange oc
    WHERE oc.project_id = p.id AND (oc.at AT TIME ZONE 'Asia/Shanghai')::date <= p.signed_on
    ORDER BY oc.at DESC, oc.id DESC LIMIT 1
  ) o ON true
  WHERE p.signed_on BETWEEN %(start)s AND %(end)s
    AND (p.stage IN ('signed','landed','construction','operating')
         OR (p.stage = 'on_hold' AND p.stage_before_hold IN ('signed','landed','construction','operating')))
),"""
FUNDS_FROM_ENTRIES = """
fund AS (
  SELECT p.department_id AS unit, date_trunc('month', f.received_on) AS m, f.currency, f.source,
         sum(f.amount) AS amount
  FROM pipeline_fundsentry f JOIN pipeline_project p ON p.id = f.project_id
  WHERE f.received_on BETWEEN %(start)s AND %(end)s AND p.stage <> 'dropped'
  GROUP BY 1, 2, 3, 4
)"""
# What the application reads since the monthly sums are kept write by write (FundsMonth).
FUNDS_FROM_SUMS = """
fund AS (
  SELECT unit_id AS unit, make_date(year, month, 1) AS m, currency, source, cents AS amount
  FROM reports_fundsmonth
  WHERE (year, month) BETWEEN (extract(year FROM %(start)s::date), extract(month FROM %(start)s::date))
                          AND (extract(year FROM %(end)s::date), extract(month FROM %(end)s::date))
)"""
TOTALS = """
SELECT 's', unit, date_trunc('month', on_), count(*), sum(amt) FROM sig GROUP BY 2, 3
UNION ALL SELECT 'k', key_industry_id, date_trunc('month', on_), count(*), sum(amt) FROM sig GROUP BY 2, 3
UNION ALL SELECT 'f', unit, m, count(*), sum(amount) FROM fund GROUP BY 2, 3
"""
# Two floors: the report's aggregates in one hand-written query over the raw rows
# (signings per unit and month with the owner on the signing date, per key industry;
# funds per unit, month, currency and source attributed to the current unit, skipping
# the owner-on-the-day lookup), and the same query reading the funds from the monthly
# sums, as the application does.
FLOOR_REPORT = SIGNINGS + FUNDS_FROM_ENTRIES + TOTALS
FLOOR_REPORT_SUMS = SIGNINGS + FUNDS_FROM_SUMS + TOTALS


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.wsgi import settle

    settle()  # as the WSGI server does once it has loaded the application

    from zhaoshang.org.models import User

    office, clerk = Client(), Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk.force_login(User.objects.get(username="kejiju"))

    def get(c, url):
        def run():
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return run

    def floor(sql, params):
        def run():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                cur.fetchall()

        return run

    report = {"start": dt.date(2025, 1, 1), "end": dt.date(2026, 10, 31)}
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 11, 30)}
    rows = [
        ("统计月报页面（2026年10月）", get(office, "/reports/monthly/?year=2026&month=10"), report),
        (
            "统计月报 Excel",
            get(office, "/reports/monthly/?year=2026&month=10&export=xlsx"),
            report,
        ),
        (
            "统计月报 Word",
            get(office, "/reports/monthly/?year=2026&month=10&export=docx"),
            report,
        ),
        ("领导驾驶舱", get(office, "/reports/dashboard/"), year),
        ("招商办工作台", get(office, "/reports/dashboard/office/"), year),
        ("单位完成情况", get(clerk, "/reports/dashboard/unit/"), year),
    ]
    print(
        f"\n[{connection.vendor}] 每项 {args.repeat} 次（毫秒）：整个 Django 请求；"
        "下限一：一条手写 SQL 从明细做同样汇总；下限二：同一条 SQL，到位资金读月度汇总"
    )
    print(f"{'页面':<22}{'p50':>8}{'p95':>8}{'下限一p50':>11}{'p95':>8}{'下限二p50':>11}{'p95':>8}")
    for label, web, span in rows:
        w = timed(web, args.repeat)
        raw = timed(floor(FLOOR_REPORT, span), args.repeat)
        sums = timed(floor(FLOOR_REPORT_SUMS, span), args.repeat)
        print(
            f"{label:<22}{w[0]:>8.0f}{w[1]:>8.0f}{raw[0]:>11.0f}{raw[1]:>8.0f}"
            f"{sums[0]:>11.0f}{sums[1]:>8.0f}"
        )


def check_sums():
    """The sums the pages read equal counting rule 5 over the entries."""
    from zhaoshang.reports.services import funds_month_drift

    start = time.perf_counter()
    drift = funds_month_drift()
    print(
        f"月度到位资金汇总与明细核对：{'一致' if not drift else f'{len(drift)} 处不一致'}"
        f"（{time.perf_counter() - start:.1f} 秒）"
    )
    assert not drift


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args)
    else:
        from zhaoshang.reports.models import FundsMonth

        if not FundsMonth.objects.exists():
            recount()
    check_sums()
    measure(args)


if __name__ == "__main__":
    main()

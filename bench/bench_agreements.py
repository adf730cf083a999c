"""Agreements at scale: computing a year's incentives of every agreement (the worker's
job), one enterprise's calculation page, and the tax office's file import.

    .venv/bin/python bench/bench_agreements.py --postgres                 # 10,000 × 1,000,000 (zs_agreements_bench)
    .venv/bin/python bench/bench_agreements.py --agreements 1000 --months 24   # SQLite, small

Generates N agreements (each on its own signed project and enterprise, with a five-year
district-retained-tax clause, a rent-subsidy clause and a five-year tax commitment) and
``months`` monthly rows of the tax office's figures per enterprise (10,000 × 100 =
1,000,000 rows by default), then prints each figure beside its raw-SQL floor:

- all incentives of one year, computed in-process as the worker's ``compute_year`` task
  does (goal ≤ 10 s), beside one SQL statement summing the same figures;
- one enterprise's calculation page through the Django test client, p50 / p95 (goal p95
  ≤ 100 ms), beside the SQL that reads the same rows;
- a 100,000-row tax file: dry run and commit (goal ≥ 5,000 rows/s), beside COPY of the
  same rows into a scratch table.
"""

import argparse
import datetime
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
DB = "zs_agreements_bench"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--agreements", type=int, default=10_000)
    p.add_argument("--months", type=int, default=100, help="monthly rows per enterprise")
    p.add_argument("--file-rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=100)
    p.add_argument("--reuse", action="store_true", help="measure a previously generated database")
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-agreements-"))
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
    from zhaoshang.celery import app

    app.conf.task_always_eager = True  # a job queued by a request runs here
    if not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from zhaoshang.org.demo import load_demo

        load_demo()


def last_year():
    return datetime.date.today().year - 1


def credit_code(i):
    from stdnum.cn import uscc

    body = f"91120103MY{i:07d}"  # apart from the demo's codes (MB…)
    return body + uscc.calc_check_digit(body)


def generate(n, months):
    from django.db import connection, transaction

    from zhaoshang.agreements.models import (
        Agreement,
        Commitment,
        IncentiveClause,
        OperatingDataImport,
    )
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, User
    from zhaoshang.pipeline.leads.services import PROMOTING_KINDS
    from zhaoshang.pipeline.models import Project

    rng = random.Random(12)
    units = list(Department.objects.filter(kind__in=PROMOTING_KINDS).exclude(kind="office"))
    tax_unit = Department.objects.get(kind="tax")
    tax_user = User.objects.get(username="shuiwu")
    y1 = last_year()
    first = y1 - 4
    start = time.perf_counter()
    chunk = 2_000
    for base in range(0, n, chunk):
        size = min(chunk, n - base)
        with transaction.atomic():
            ents = Enterprise.objects.bulk_create(
                [
                    Enterprise(
                        name=f"天津协议基准{base + i}号科技有限公司",
                        dedupe_key=f"agreementbench{base + i}",
                        credit_code=credit_code(base + i),
                    )
                    for i in range(size)
                ]
            )
            projects = Project.objects.bulk_create(
                [
                    Project(
                        name=f"{e.name}项目",
                        enterprise=e,
                        department=(unit := rng.choice(units)),
                        registered_department=unit,
                        stage="signed",
                        signed_on=datetime.date(first, 1, 15),
                    )
                    for e in ents
                ]
            )
            agreements = Agreement.objects.bulk_create(
                [
                    Agreement(
                        kind="investment",
                        number=f"基准〔{first}〕{base + i}号",
                        title=f"{p.name}投资协议",
                        project=p,
                        enterprise_id=p.enterprise_id,
                        department_id=p.department_id,
                        parties="河西区人民政府；企业",
                        signed_on=datetime.date(first, 1, 15),
                        term_start=datetime.date(first, 1, 1),
                        term_end=datetime.date(first + 4, 12, 31),
                    )
                    for i, p in enumerate(projects)
                ]
            )
            clauses, commitments = [], []
            for a in agreements:
                clauses.append(
                    IncentiveClause(
                        agreement=a,
                        kind="tax_share",
                        title="区级财力贡献奖励",
                        first_year=first,
                        last_year=first + 4,
                        params={"rates": [[first, first + 2, "1"], [first + 3, first + 4, "0.5"]]},
                        cap=Decimal(rng.randrange(1, 50) * 100_000),
                        condition_metric="tax_district",
                        policy_article="若干措施第三条",
                    )
                )
                clauses.append(
                    IncentiveClause(
                        agreement=a,
                        kind="rent_subsidy",
                        title="房租补贴",
                        first_year=first,
                        last_year=first + 1,
                        params={
                            "per_m2_day": "1.2",
                            "area": str(rng.randrange(100, 3000)),
                            "start": f"{first}-03-01",
                            "end": f"{first + 1}-12-31",
                        },
                        policy_article="若干措施第五条",
                    )
                )
                commitments += [
                    Commitment(
                        agreement=a,
                        kind="tax_district",
                        year=y,
                        amount=Decimal(rng.randrange(10, 300) * 10_000),
                    )
                    for y in range(first, first + 5)
                ]
            IncentiveClause.objects.bulk_create(clauses)
            Commitment.objects.bulk_create(commitments)
        print(f"  已生成 {base + size:,} 份协议", flush=True)
    job = OperatingDataImport.objects.create(
        state="done",
        source="tax",
        file_name="基准税收数据.xlsx",
        token="bench".ljust(32, "0"),
        department=tax_unit,
        created_by=tax_user,
    )
    enterprise_ids = list(
        Agreement.objects.filter(number__startswith="基准")
        .order_by("pk")
        .values_list("enterprise_id", flat=True)
    )
    # Months counted back from December of last year.
    periods = []
    y, m = y1, 12
    for _ in range(months):
        periods.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    t = time.perf_counter()
    columns = (
        "enterprise_id, year, month, source, tax_total, tax_district, revenue, employees, "
        "batch_id, row_number, department_id, current, created_at"
    )
    now = datetime.datetime.now(datetime.UTC)

    def rows():
        number = 1
        for eid in enterprise_ids:
            for y, m in periods:
                district = rng.randrange(1_000, 400_000)
                number += 1
                yield (
                    eid,
                    y,
                    m,
                    "tax",
                    district * 4,
                    district,
                    district * 40,
                    120,
                    job.pk,
                    number,
                    tax_unit.pk,
                    True,
                    now,
                )

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY agreements_operatingdata ({columns}) FROM STDIN") as copy,
        ):
            for r in rows():
                copy.write_row(r)
        connection.commit() if not connection.get_autocommit() else None
    else:
        from zhaoshang.agreements.models import OperatingData

        batch = []
        names = [c.strip() for c in columns.split(",")]
        for r in rows():
            batch.append(OperatingData(**dict(zip(names, r, strict=True))))
            if len(batch) == 5000:
                OperatingData.objects.bulk_create(batch)
                batch = []
        OperatingData.objects.bulk_create(batch)
    total = len(enterprise_ids) * months
    print(f"  已生成经营数据 {total:,} 行（{time.perf_counter() - t:.0f} 秒）", flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"生成用时 {time.perf_counter() - start:.0f} 秒")


def sql(query, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def timed(fn, items, repeat):
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(items[i % len(items)])
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def measure_year(year):
    from django.db import connection

    from zhaoshang.agreements import services

    t = time.perf_counter()
    results = services.compute_year(year=year)
    took = time.perf_counter() - t
    missing = sum(1 for v in results.values() if isinstance(v, list))
    t = time.perf_counter()
    # The floor: one statement that sums the same year's figures per agreement.
    floor_rows = sql(
        "SELECT a.id, SUM(o.tax_district) FROM agreements_agreement a "
        "JOIN agreements_operatingdata o ON o.enterprise_id = a.enterprise_id "
        "AND o.year = %s AND o.current "
        "GROUP BY a.id",
        [year],
    )
    floor = time.perf_counter() - t
    print(f"\n[{connection.vendor}] {year}年度全部协议奖励测算（worker 任务同一函数）")
    print(
        f"  协议 {len(results):,} 份（缺数据 {missing:,} 份）：{took:.2f} 秒；"
        f"SQL 下限（按协议汇总当年区级留成，{len(floor_rows):,} 行）：{floor:.2f} 秒"
        f"；目标 ≤ 10 秒：{'达到' if took <= 10 else '未达到'}"
    )


def measure_page(year, repeat):
    from django.test import Client

    from zhaoshang.agreements import services
    from zhaoshang.agreements.models import Agreement
    from zhaoshang.org.models import User

    office = User.objects.get(username="zhaoshangban")
    c = Client()
    c.force_login(office)
    sample = list(
        Agreement.objects.filter(number__startswith="基准")
        .order_by("?")
        .values_list("pk", flat=True)[:50]
    )
    calcs = []
    for pk in sample:
        agreement = Agreement.objects.select_related("enterprise").get(pk=pk)
        calcs.append(services.calculation_run(actor=office, agreement=agreement, year=year).pk)

    def web(pk):
        response = c.get(f"/agreements/calculations/{pk}/")
        assert response.status_code == 200, response.status_code

    def floor(pk):
        # The rows the page shows, and the two reads that find corrections since.
        (row,) = sql(
            "SELECT c.inputs, c.year, c.computed_at, a.enterprise_id, a.number, e.name, d.name "
            "FROM agreements_calculation c "
            "JOIN agreements_agreement a ON a.id = c.agreement_id "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "JOIN org_department d ON d.id = a.department_id WHERE c.id = %s",
            [pk],
        )
        inputs = row[0] if isinstance(row[0], list) else json.loads(row[0])
        marks = ",".join(["%s"] * len(inputs)) or "NULL"
        sql(
            f"SELECT id FROM agreements_operatingdata WHERE supersedes_id IN ({marks}) AND current",
            inputs,
        )
        sql(
            "SELECT 1 FROM agreements_operatingdata WHERE enterprise_id = %s AND year = %s "
            "AND current AND created_at > %s LIMIT 1",
            [row[3], row[1], row[2]],
        )

    web_p = timed(web, calcs, repeat)
    floor_p = timed(floor, calcs, repeat)
    print("\n一家企业的测算页面（毫秒）      p50      p95   SQL下限p50      p95")
    print(
        f"  测算明细页面            {web_p[0]:>9.1f}{web_p[1]:>9.1f}{floor_p[0]:>12.2f}{floor_p[1]:>9.2f}"
        f"；目标 p95 ≤ 100 毫秒：{'达到' if web_p[1] <= 100 else '未达到'}"
    )


def measure_import(n_rows):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from openpyxl import Workbook

    from zhaoshang.agreements import importing
    from zhaoshang.agreements.models import Agreement, OperatingData
    from zhaoshang.org.models import User

    tax = User.objects.get(username="shuiwu")
    codes = list(
        Agreement.objects.filter(number__startswith="基准")
        .order_by("pk")
        .values_list("enterprise__credit_code", flat=True)
    )
    # Periods no row holds yet (years before the generated data and any file a previous
    # run imported), twelve a year.
    from django.db.models import Min

    oldest = OperatingData.objects.aggregate(y=Min("year"))["y"] or last_year()
    year0 = min(last_year() - 20, oldest - (n_rows // len(codes)) // 12 - 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(
        [
            "纳税人名称",
            "统一社会信用代码",
            "税款所属期",
            "全口径税收（元）",
            "区级留成（元）",
            "从业人数",
        ]
    )
    rows = []
    for i in range(n_rows):
        code = codes[i % len(codes)]
        k = i // len(codes)
        period = f"{year0 + k // 12}-{k % 12 + 1:02d}"
        rows.append(("企业", code, period, 400_000 + i, 100_000 + i, 150))
        ws.append(rows[-1])
    path = Path(tempfile.mkdtemp()) / "基准税收文件.xlsx"
    wb.save(path)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    before = OperatingData.objects.count()
    t = time.perf_counter()
    job = importing.store(upload, user=tax, source="tax")
    stored = time.perf_counter() - t
    t = time.perf_counter()
    errors, _ = importing.check(job)
    checked = time.perf_counter() - t
    assert not errors, errors[:5]
    job.refresh_from_db()
    t = time.perf_counter()
    importing.commit(job, actor=tax)
    committed = time.perf_counter() - t
    added = OperatingData.objects.count() - before
    # The floor: COPY (PostgreSQL) / executemany (SQLite) of the same rows, no checks.
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_tax (code text, period text, tax_total numeric, "
            "tax_district numeric, employees int)"
        )
        if connection.vendor == "postgresql":
            with cur.cursor.copy("COPY bench_tax FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((r[1], r[2], r[3], r[4], r[5]))
        else:
            cur.executemany(
                "INSERT INTO bench_tax VALUES (%s, %s, %s, %s, %s)",
                [(r[1], r[2], r[3], r[4], r[5]) for r in rows],
            )
        cur.execute("DROP TABLE bench_tax")
    floor = time.perf_counter() - t
    total = stored + checked + committed
    print(f"\n税务文件导入 {n_rows:,} 行（新增 {added:,} 行）")
    print(
        f"  上传与读表 {stored:.1f} 秒，试导入 {checked:.1f} 秒，确认导入 {committed:.1f} 秒；"
        f"合计 {n_rows / total:,.0f} 行/秒（确认导入 {n_rows / committed:,.0f} 行/秒）"
    )
    print(
        f"  SQL 下限（原样写入同样的行）{floor:.1f} 秒，{n_rows / floor:,.0f} 行/秒；"
        f"目标 ≥ 5,000 行/秒：{'达到' if n_rows / total >= 5000 else '未达到'}"
    )


def main():
    args = parse()
    setup(args)
    if not args.reuse:
        generate(args.agreements, args.months)
    year = last_year() - 1  # within every agreement's five clause years
    measure_year(year)
    measure_page(year, args.repeat)
    measure_import(args.file_rows)


if __name__ == "__main__":
    main()

"""Enterprise library at scale: search, deep pages, duplicate check and import.

    .venv/bin/python bench/bench_enterprises.py --postgres --n 1000000   # the issue's scale
    .venv/bin/python bench/bench_enterprises.py --n 100000                # SQLite

Generates N enterprises with realistic Chinese names and valid credit codes (plus their
search postings), then prints, for each figure, the server time of the real request (the
whole Django request through the test client) beside the raw-SQL floor for the same work.
The import figure runs store → dry run → commit of a generated .xlsx in a child process
and reports rows/s and that process's peak memory.
"""

import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = [
    "天津",
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "青岛",
    "大连",
    "厦门",
    "宁波",
    "合肥",
    "长沙",
    "郑州",
    "济南",
    "沈阳",
    "重庆",
    "无锡",
    "佛山",
    "东莞",
    "珠海",
    "石家庄",
]
CORE = (
    "华瑞鑫泰宏达恒昌盛兴隆博远创新智联云海金石蓝天银河星辰东方中科正源信诚德润安康永泰天宇汇通"
    "凯旋腾飞卓越嘉禾海纳百川明远启航世纪宏图万方致远长城久安同创普惠融通锦程"
)
TRADES = [
    "科技",
    "信息技术",
    "生物医药",
    "新材料",
    "物流",
    "国际贸易",
    "投资管理",
    "工程设计",
    "新能源",
    "环保科技",
    "软件",
    "数据服务",
    "医疗器械",
    "供应链管理",
    "文化传媒",
    "金融服务",
    "智能制造",
    "航运",
    "电子",
    "商贸",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
OWNERSHIP = ["private"] * 6 + ["foreign", "local_soe", "central_soe", "hmt"]


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument(
        "--db",
        default="zs_perf_bench_ent",
        help="PostgreSQL database to (re)create and measure (dropped unless --reuse)",
    )
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=200)
    p.add_argument("--import-rows", type=int, default=100_000)
    p.add_argument(
        "--reuse", action="store_true", help="measure the database a previous run generated"
    )
    p.add_argument("--skip-import", action="store_true")
    p.add_argument("--skip-search", action="store_true", help="only the import figure")
    p.add_argument(
        "--import-seed",
        type=int,
        default=0,
        help="a different seed gives a file of new enterprises (a fresh import on --reuse)",
    )
    p.add_argument(
        "--import-runs",
        type=int,
        default=2,
        help="import the same file this many times (the second run is a re-import)",
    )
    p.add_argument("--import-child", help=argparse.SUPPRESS)
    return p.parse_args()


def setup(args, fresh=True):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    if args.postgres:
        if fresh:
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
                conn.execute(f'CREATE DATABASE "{args.db}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from zhaoshang.org.demo import load_demo

        load_demo()


def make_parts(rng):
    core = "".join(rng.sample(CORE, rng.choice([2, 2, 3, 4])))
    return rng.choice(CITIES), core, rng.choice(TRADES), rng.choice(FORMS)


def make_name(rng):
    return "".join(make_parts(rng))


_INITIALS = {}


def fast_initials(parts):
    """The generator's shortcut: initials per name part, cached (the parts repeat)."""
    from zhaoshang.enterprises.search import initials_of

    out = []
    for part in parts:
        if part not in _INITIALS:
            _INITIALS[part] = initials_of(part)
        out.append(_INITIALS[part])
    return "".join(out)


def make_code(i):
    from stdnum.cn import uscc

    body = f"91{rng_region(i)}{i:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def rng_region(i):
    return ["120103", "110105", "310115", "440300", "330106"][i % 5]


def generate(n):
    """Bulk rows for Enterprise, SearchGram and GramFrequency, as the services would."""
    from django.db import connection

    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.models import Enterprise, GramFrequency, SearchGram
    from zhaoshang.enterprises.parsing import normalize_name
    from zhaoshang.org.models import Department

    rng = random.Random(7)
    units = list(
        Department.objects.filter(kind__in=["department", "street", "zone"]).values_list(
            "pk", flat=True
        )
    )
    start = time.perf_counter()
    first_id = (Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    freq = Counter()
    ent_cols = [
        "id",
        "version",
        "name",
        "dedupe_key",
        "search_text",
        "initials",
        "credit_code",
        "legal_representative",
        "registered_capital",
        "registered_currency",
        "paid_in_capital",
        "paid_in_currency",
        "ownership",
        "listing_exchange",
        "stock_code",
        "website",
        "description",
        "notes",
        "status",
        "department_id",
        "created_at",
        "updated_at",
    ]
    chunk = 50_000
    with connection.cursor() as cur:
        for base in range(0, n, chunk):
            ents, grams = [], []
            for i in range(base, min(n, base + chunk)):
                pk = first_id + i
                parts = make_parts(rng)
                name = "".join(parts)
                text = search.search_text_of(name)
                g = search.grams_of(text)
                freq.update(g)
                grams.extend((gram, pk) for gram in g)
                ents.append(
                    (
                        pk,
                        1,
                        name,
                        normalize_name(name),
                        text,
                        fast_initials(parts),
                        make_code(pk),
                        "",
                        rng.randrange(100, 100_000) * 10000,
                        "CNY",
                        None,
                        "CNY",
                        rng.choice(OWNERSHIP),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "target" if i % 4 else "local",
                        rng.choice(units),
                    )
                )
            if connection.vendor == "postgresql":
                raw = cur.cursor
                with raw.copy(
                    f"COPY enterprises_enterprise ({','.join(ent_cols)}) FROM STDIN"
                ) as cp:
                    for row in ents:
                        cp.write_row((*row, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
                with raw.copy("COPY enterprises_searchgram (gram, enterprise_id) FROM STDIN") as cp:
                    for row in grams:
                        cp.write_row(row)
            else:
                cur.executemany(
                    f"INSERT INTO enterprises_enterprise ({','.join(ent_cols)}) VALUES ({','.join(['%s'] * len(ent_cols))})",
                    [(*row, "2026-01-01 00:00:00", "2026-01-01 00:00:00") for row in ents],
                )
                cur.executemany(
                    "INSERT INTO enterprises_searchgram (gram, enterprise_id) VALUES (%s, %s)",
                    grams,
                )
            print(f"  已生成 {min(n, base + chunk):,} 家", flush=True)
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('enterprises_enterprise','id'), (SELECT max(id) FROM enterprises_enterprise))"
            )
    search._bump(freq)
    GramFrequency.objects.count()
    with connection.cursor() as cur:
        # After a bulk load: statistics, and on PostgreSQL the visibility map that lets
        # the postings be read from their index alone (autovacuum does this in service).
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"生成 {n:,} 家企业用时 {time.perf_counter() - start:.0f} 秒；检索词条 {SearchGram.objects.count():,} 条"
    )


def timed(fn, items, repeat):
    """(p50, p95) of the wall time in ms, and the median CPU time this process spent (the
    part of a figure that other programs on a shared machine cannot inflate)."""
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
    print(f"{label:<28}{web[0]:>9.1f}{web[1]:>9.1f}{web[2]:>9.1f}{floor[0]:>12.2f}{floor[1]:>9.2f}")


def measure(args):
    from django.core import signing
    from django.db import connection
    from django.test import Client

    from zhaoshang.wsgi import settle

    settle()  # as the WSGI server does once it has loaded the application

    from zhaoshang.enterprises import search, services
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import User

    rng = random.Random(11)
    c = Client()
    c.force_login(User.objects.get(username="zhaoshangban"))
    assert c.get("/enterprises/").status_code == 200
    total = Enterprise.objects.count()
    sample = list(
        Enterprise.objects.filter(pk__in=[rng.randrange(1, total) for _ in range(400)]).values_list(
            "name", "credit_code", "initials"
        )
    )
    core = [n[2:] for n, _, _ in sample]
    two = [s[i : i + 2] for s in core for i in [rng.randrange(0, 3)]]
    four = [s[i : i + 4] for s in core for i in [rng.randrange(0, 2)]]
    initials = [ini[:4] for _, _, ini in sample]
    codes = [code[:10] for _, code, _ in sample]
    print(f"\n[{connection.vendor}] 企业 {total:,} 家，每项 {args.repeat} 次（毫秒）")
    print(f"{'项目':<26}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}")

    def web(q):
        assert c.get("/enterprises/", {"q": q}).status_code == 200

    def floor_gram(q):
        """The search's own SQL by hand: rarest bigrams, then postings (and the text)."""
        key = search.search_key(q)
        grams = sorted(search.grams_of(key))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT gram FROM enterprises_gramfrequency WHERE gram IN ({','.join(['%s'] * len(grams))})"
                " ORDER BY count, gram LIMIT 2",
                grams,
            )
            rare = [r[0] for r in cur.fetchall()]
            if len(key) == 2:
                cur.execute(
                    "SELECT e.id, e.name FROM enterprises_enterprise e JOIN enterprises_searchgram g"
                    " ON g.enterprise_id = e.id WHERE g.gram = %s AND e.merged_into_id IS NULL"
                    " ORDER BY g.enterprise_id DESC LIMIT 21",
                    [key],
                )
            else:
                cur.execute(
                    "SELECT e.id, e.name FROM enterprises_enterprise e JOIN enterprises_searchgram g"
                    " ON g.enterprise_id = e.id WHERE g.gram = %s AND EXISTS (SELECT 1 FROM"
                    " enterprises_searchgram h WHERE h.enterprise_id = e.id AND h.gram = %s)"
                    " AND e.search_text LIKE %s AND e.merged_into_id IS NULL ORDER BY e.id DESC LIMIT 21",
                    [rare[0], rare[-1], f"%{key}%"],
                )
            cur.fetchall()

    def floor_prefix(column):
        """A B-tree range, in the order the page uses (codes in code order)."""
        code = column == "credit_code"
        order = "credit_code, id" if code else "id DESC"

        def run(q):
            low = q.upper() if code else q
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT id, name FROM enterprises_enterprise WHERE {column} >= %s AND {column} < %s"
                    f" AND merged_into_id IS NULL ORDER BY {order} LIMIT 21",
                    [low, low + ("~" if code else "{")],
                )
                cur.fetchall()

        return run

    row("检索：两字子串", timed(web, two, args.repeat), timed(floor_gram, two, args.repeat))
    row("检索：四字子串", timed(web, four, args.repeat), timed(floor_gram, four, args.repeat))
    row(
        "检索：拼音首字母",
        timed(web, initials, args.repeat),
        timed(floor_prefix("initials"), initials, args.repeat),
    )
    row(
        "检索：信用代码前缀",
        timed(web, codes, args.repeat),
        timed(floor_prefix("credit_code"), codes, args.repeat),
    )

    # Page 10,000 of a filtered list (民营, newest first): the cursor after row 199,980.
    ids = list(
        Enterprise.objects.filter(ownership="private")
        .order_by("-id")
        .values_list("pk", flat=True)[199_979 : 199_980 + 50]
    )
    cursors = [signing.dumps([pk], salt="enterprise-page") for pk in ids]

    def deep(cursor):
        assert c.get("/enterprises/", {"ownership": "private", "after": cursor}).status_code == 200

    def deep_floor(cursor):
        pk = signing.loads(cursor, salt="enterprise-page")[0]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, name FROM enterprises_enterprise WHERE ownership = 'private' AND id < %s"
                " AND merged_into_id IS NULL ORDER BY id DESC LIMIT 21",
                [pk],
            )
            cur.fetchall()

    if cursors:
        row(
            "筛选列表第 10,000 页",
            timed(deep, cursors, args.repeat),
            timed(deep_floor, cursors, args.repeat),
        )

    names = [make_name(rng) for _ in range(100)] + [n for n, _, _ in sample[:100]]

    def dup(name):
        services.find_duplicates(name)

    def dup_floor(name):
        from zhaoshang.enterprises.parsing import normalize_name

        key = normalize_name(name)
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM enterprises_enterprise WHERE dedupe_key = %s", [key])
            cur.fetchall()

    row("查重：一个新名称", timed(dup, names, args.repeat), timed(dup_floor, names, args.repeat))


def import_child(args):
    """Runs in a fresh process so that its peak memory is the import's own."""
    setup(args, fresh=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.enterprises import importing
    from zhaoshang.enterprises.models import ImportJob
    from zhaoshang.org.models import User

    path = Path(args.import_child)
    user = User.objects.get(username="zhaoshangban")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    for run in range(args.import_runs):
        start = time.perf_counter()
        job = importing.store(
            SimpleUploadedFile(path.name, path.read_bytes()), kind="enterprises", user=user
        )
        importing.check(job)
        job.refresh_from_db()
        assert not job.errors, job.errors[:3]
        checked = time.perf_counter()
        counts = importing.commit(ImportJob.objects.get(pk=job.pk), actor=user)
        done = time.perf_counter()
        # After the job is done, as the worker does (not part of the import's time).
        settled = importing.settle(counts)
        settle_time = time.perf_counter() - done
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        cpu_before += cpu
        rows = job.total_rows
        print(
            f"{'首次导入' if run == 0 else '重复导入'} {rows:,} 行 .xlsx：试导入 {checked - start:.1f} 秒，"
            f"导入 {done - checked:.1f} 秒，合计 {rows / (done - start):,.0f} 行/秒（含校验），"
            f"本进程 CPU {cpu:.1f} 秒，峰值内存 {peak:,.0f} MB；结果 {counts}"
            + (f"；导入完成后整理检索表统计信息 {settle_time:.1f} 秒" if settled else ""),
            flush=True,
        )


def import_bench(args):
    from openpyxl import Workbook

    rng = random.Random(5 + args.import_seed)
    first = 9_000_000 + args.import_seed * args.import_rows
    path = Path(tempfile.mkdtemp()) / "企业名录.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["企业名称", "统一社会信用代码", "注册资本", "成立日期", "企业性质", "总部所在地"])
    ownership = ["民营", "外资", "地方国企", "央企"]
    for i in range(args.import_rows):
        ws.append(
            [
                make_name(rng) + f"{first + i}",
                make_code(first + i),
                f"{rng.randrange(100, 50000)}万元",
                f"20{rng.randrange(0, 24):02d}-{rng.randrange(1, 13)}-{rng.randrange(1, 28)}",
                rng.choice(ownership),
                rng.choice(["天津", "北京", "上海", "广东省"]),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    env = {**os.environ}
    cmd = [
        sys.executable,
        __file__,
        "--import-child",
        str(path),
        "--import-runs",
        str(args.import_runs),
    ] + (["--postgres", "--db", args.db] if args.postgres else [])
    subprocess.run(cmd, env=env, check=True)


def main():
    args = parse()
    if args.import_child:
        import_child(args)
        return
    setup(args, fresh=not args.reuse)
    if not args.reuse:
        generate(args.n)
    if not args.skip_search:
        measure(args)
    if not args.skip_import:
        import_bench(args)


if __name__ == "__main__":
    main()

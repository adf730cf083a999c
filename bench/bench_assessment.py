"""The annual assessment at city scale: the result computed as the worker does, and a
unit's score sheet page.

    .venv/bin/python bench/bench_assessment.py                                   # 200 units, 100,000 projects
    .venv/bin/python bench/bench_assessment.py --reuse                           # measure again
    .venv/bin/python bench/bench_assessment.py --projects 20000 --funds 100000   # reduced scale

PostgreSQL only (database ``zs_assessment_bench`` by default, dropped and re-created);
the data is bench_reports.py's generator (units, projects in every stage over two years,
reassignments, funds, rates, targets). Prints the annual result's time in the worker's
function (``services.result_run``: every indicator, scores, rankings, call-in list,
stored) beside the floor: the same per-unit aggregates in one hand-written SQL query;
and the score sheet page's server time (p50/p95, whole Django request through the test
client) beside the floor: reading that unit's part of the stored result in SQL.
Goals (issue 17): annual result ≤ 5 s, score sheet ≤ 300 ms.
"""

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_reports  # noqa: E402  (the scale-data generator)

FLOOR_YEAR = (
    bench_reports.SIGNINGS
    + bench_reports.FUNDS_FROM_SUMS
    + """
SELECT 's', unit, count(*), sum(amt) FROM sig GROUP BY 2
UNION ALL SELECT 'f', unit, count(*), sum(amount) FROM fund GROUP BY 2
"""
)


def main():
    p = bench_reports.argparse.ArgumentParser()
    p.add_argument("--db", default="zs_assessment_bench")
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--funds", type=int, default=1_000_000)
    p.add_argument("--units", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--reuse", action="store_true")
    args = p.parse_args()
    bench_reports.setup(args)
    from django.db import connection

    if not args.reuse:
        # The demo's agreements hold their projects (PROTECT); the generator replaces the
        # projects, so they go first.
        with connection.cursor() as cur:
            cur.execute("TRUNCATE agreements_agreement CASCADE")
        bench_reports.generate(args)
    from django.test import Client
    from django.utils import timezone

    from zhaoshang.assessment import services
    from zhaoshang.assessment.models import Result, Scheme
    from zhaoshang.org.models import User
    from zhaoshang.pipeline.models import Project

    year = timezone.localdate().year
    if not Scheme.objects.filter(year=year).exists():
        services.scheme_save(actor=None, year=year, items=services.default_items())
    scheme = Scheme.objects.filter(year=year).order_by("-version").first()
    print(f"项目 {Project.objects.count():,} 个；考核办法指标 {len(scheme.items)} 项")

    def annual():
        result = Result.objects.create(year=year, kind="year", scheme=scheme)
        return services.result_run(result.pk)

    samples = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        result = annual()
        samples.append(time.perf_counter() - t)
        assert result.status == "ready", result.error
    samples.sort()
    units = len(result.data["units"])

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def floor():
        with connection.cursor() as cur:
            cur.execute(FLOOR_YEAR, {"start": start, "end": end})
            return cur.fetchall()

    floor_ms = bench_reports.timed(floor, args.repeat)
    print(
        f"年度考核结果（{units} 个单位，worker 内计算并保存）：中位 {samples[len(samples) // 2]:.2f} 秒，"
        f"最慢 {samples[-1]:.2f} 秒（目标 ≤ 5 秒）；SQL 下限（按单位汇总签约与到位资金）："
        f"{floor_ms[0]:.0f} 毫秒"
    )

    office = User.objects.get(username="zhaoshangban")
    client = Client()
    client.force_login(office)
    unit = max(
        result.data["units"],
        key=lambda pk: len(
            result.data["units"][pk]["cells"].get("signed_projects", {}).get("ids", [])
        ),
    )
    url = f"/assessment/results/{result.pk}/units/{unit}/"
    assert client.get(url).status_code == 200

    def sheet():
        assert client.get(url).status_code == 200

    p50, p95 = bench_reports.timed(sheet, 30)

    def sheet_floor():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT data->'units'->%s FROM assessment_result WHERE id = %s", [unit, result.pk]
            )
            return cur.fetchone()

    f50, _ = bench_reports.timed(sheet_floor, 30)
    print(
        f"单位考核得分页（签约最多的单位）：p50 {p50:.0f} 毫秒，p95 {p95:.0f} 毫秒"
        f"（目标 ≤ 300 毫秒）；SQL 下限（读取该单位的结果）：{f50:.1f} 毫秒"
    )


if __name__ == "__main__":
    main()

"""Industry chains at scale: the targets of one link and the whole chain map.

    .venv/bin/python bench/bench_chains.py --postgres --n 1000000   # the issue's scale
    .venv/bin/python bench/bench_chains.py --postgres --n 200000    # a loaded machine
    .venv/bin/python bench/bench_chains.py --postgres --reuse       # measure it again

Generates N enterprises with bench_enterprises' generator (a quarter local), gives each a
GB/T 4754 division (by its trade where the name says one), rankings to 2 %, a tag to
1 %, a listing to 3 %; then 20 chains of 50 links (5 segments of 10) with one or two
divisions and a keyword each, and places the local enterprises by the rules
(``placements_recompute``, timed). Prints, for each figure, the server time of the whole
Django request through the test client (p50, p95, the process's CPU p50) beside the
raw-SQL floor for the same reads. Goals (issue 15): targets of one link ≤ 200 ms p95,
the whole chain map ≤ 300 ms p95. PostgreSQL database: zs_chains_bench.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_enterprises as gen  # noqa: E402  (the generator of the library)

# The generator's trades and the division they belong to (else a random division).
TRADE_DIVISION = {
    "生物医药": "27",
    "医疗器械": "35",
    "软件": "65",
    "信息技术": "65",
    "数据服务": "64",
    "物流": "59",
    "航运": "55",
    "供应链管理": "72",
    "金融服务": "69",
    "投资管理": "67",
    "工程设计": "74",
    "电子": "39",
    "智能制造": "34",
    "商贸": "52",
    "国际贸易": "51",
    "新材料": "26",
    "新能源": "44",
    "环保科技": "77",
    "文化传媒": "86",
}


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--db", default="zs_chains_bench")
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=60)
    p.add_argument("--reuse", action="store_true")
    return p.parse_args()


def enrich(n):
    """Divisions, rankings, tags and listings for the generated enterprises (bulk SQL)."""
    from django.db import connection

    from zhaoshang.enterprises.models import Enterprise, Tag
    from zhaoshang.reference.models import Industry

    rng = random.Random(5)
    divisions = dict(Industry.objects.filter(level="division").values_list("code", "pk"))
    codes = list(divisions)
    tag = Tag.objects.get_or_create(name="央企系")[0].pk
    kinds = ["fortune500", "china500", "private500", "service500", "industry100", "little_giant"]
    start = time.perf_counter()
    rows, ranks, tags, listed = [], [], [], []
    for pk, name in Enterprise.objects.filter(industries__isnull=True).values_list("pk", "name"):
        code = next((c for t, c in TRADE_DIVISION.items() if t in name), rng.choice(codes))
        rows.append((pk, divisions[code]))
        r = rng.random()
        if r < 0.02:
            ranks.append((pk, rng.choice(kinds), 2025, rng.randrange(1, 500)))
        if r > 0.99:
            tags.append((pk, tag))
        if 0.5 < r < 0.53:
            listed.append(pk)
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO enterprises_enterprise_industries (enterprise_id, industry_id) "
            "VALUES (%s, %s)",
            rows,
        )
        cur.executemany(
            "INSERT INTO enterprises_ranking (enterprise_id, kind, year, rank) "
            "VALUES (%s, %s, %s, %s)",
            ranks,
        )
        cur.executemany(
            "INSERT INTO enterprises_enterprise_tags (enterprise_id, tag_id) VALUES (%s, %s)",
            tags,
        )
        for i in range(0, len(listed), 5000):
            ids = listed[i : i + 5000]
            cur.execute(
                "UPDATE enterprises_enterprise SET listing_exchange = '上交所' WHERE id IN ("
                + ",".join(["%s"] * len(ids))
                + ")",
                ids,
            )
        cur.execute("ANALYZE")
    print(
        f"行业 {len(rows):,} 条、榜单 {len(ranks):,} 条、标签 {len(tags):,} 条、上市 {len(listed):,} 家，"
        f"用时 {time.perf_counter() - start:.0f} 秒"
    )


def make_chains():
    from zhaoshang.chains import services
    from zhaoshang.chains.models import Chain
    from zhaoshang.reference.models import Industry

    rng = random.Random(9)
    codes = list(Industry.objects.filter(level="division").values_list("code", flat=True))
    trades = list(TRADE_DIVISION)
    positions = ["upstream", "upstream", "midstream", "midstream", "downstream"]
    for c in range(20):
        chain = services.chain_create(actor=None, data={"name": f"测试链{c:02d}"})
        for s in range(5):
            top = services.link_save(
                actor=None,
                chain=chain,
                data={"name": f"环节{s}", "position": positions[s]},
                industries=[],
                recompute=False,
            )
            for k in range(9):
                picked = rng.sample(codes, rng.choice([1, 2]))
                services.link_save(
                    actor=None,
                    chain=chain,
                    data={
                        "name": f"环节{s}-{k}",
                        "parent": top,
                        "position": positions[s],
                        "keywords": rng.choice(trades) if rng.random() < 0.5 else "",
                    },
                    industries=services.parse_industry_codes("、".join(picked)),
                    recompute=False,
                )
    start = time.perf_counter()
    times = []
    for chain in Chain.objects.filter(name__startswith="测试链"):
        t = time.perf_counter()
        services.placements_recompute(actor=None, chain=chain)
        times.append(time.perf_counter() - t)
    print(
        f"20 条产业链 × 50 个环节；按规则匹配本地企业共用时 {time.perf_counter() - start:.0f} 秒"
        f"（每条链 {sorted(times)[len(times) // 2]:.1f} 秒，中位数）"
    )


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.chains import queries
    from zhaoshang.chains.models import Chain, Link, Placement
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import User
    from zhaoshang.wsgi import settle

    settle()
    office_user = User.objects.get(username="zhaoshangban")
    office = Client()
    office.force_login(office_user)
    # Chains whose placements were computed (an interrupted generation leaves some bare).
    chains = [
        c
        for c in Chain.objects.filter(name__startswith="测试链")
        if Placement.objects.filter(link__chain=c).exists()
    ]
    links = list(
        Link.objects.filter(chain__in=chains, parent__isnull=False).select_related("chain")
    )
    rng = random.Random(3)
    rng.shuffle(links)
    print(
        f"\n[{connection.vendor}] 企业 {Enterprise.objects.count():,} 家（本地 "
        f"{Enterprise.objects.filter(status='local').count():,}），环节 {Link.objects.count():,} 个，"
        f"环节本地企业 {Placement.objects.count():,} 家次；测量 {len(chains)} 条已匹配的链；"
        f"每项 {args.repeat} 次（毫秒）"
    )
    print(
        f"{'项目':<22}{'p50':>9}{'p95':>9}{'CPU p50':>9}{'SQL下限p50':>12}{'p95':>9}{'目标p95':>8}"
    )

    def get(url, **headers):
        def run(_):
            response = office.get(url(_), **headers)
            assert response.status_code == 200, response.status_code

        return run

    # --- The chain map: links, and the distinct enterprises of each link's subtree.
    map_web = gen.timed(get(lambda c: f"/chains/{c.pk}/map.json"), chains, args.repeat)

    def map_floor(chain):
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, parent_id, position, name FROM chains_link WHERE chain_id = %s",
                [chain.pk],
            )
            rows = cur.fetchall()
            parent = {r[0]: r[1] for r in rows}
            pairs = []
            for r in rows:
                node = r[0]
                while node is not None:
                    pairs += [node, r[0]]
                    node = parent.get(node)
            cur.execute(
                "SELECT v.column1, COUNT(DISTINCT p.enterprise_id) FROM chains_placement p "
                "JOIN (VALUES " + ", ".join(["(%s, %s)"] * (len(pairs) // 2)) + ") AS v "
                "ON p.link_id = v.column2 WHERE NOT p.removed GROUP BY v.column1",
                pairs,
            )
            cur.fetchall()

    map_sql = gen.timed(map_floor, chains, args.repeat)
    gen_row = _row
    gen_row("产业链图谱（map.json）", map_web, map_sql, 300)

    # --- Targets of one link: the ranking alone, and the link's whole panel.
    def targets(link):
        queries.targets(office_user, link)

    targets_fn = gen.timed(targets, links, args.repeat)
    panel = gen.timed(
        get(lambda lk: f"/chains/{lk.chain_id}/links/{lk.pk}/", HTTP_HX_REQUEST="true"),
        links,
        args.repeat,
    )

    def targets_floor(link):
        industries = list(link.industries.values_list("pk", flat=True))
        keyword = (link.keyword_list or [""])[0]
        with connection.cursor() as cur:
            cur.execute(
                "WITH c AS ("
                " SELECT enterprise_id AS id FROM enterprises_enterprise_industries"
                "  WHERE industry_id = ANY(%s)"
                " UNION SELECT g.enterprise_id FROM enterprises_searchgram g"
                "  JOIN enterprises_enterprise k ON k.id = g.enterprise_id"
                "  WHERE g.gram = %s AND k.search_text LIKE %s)"
                " SELECT e.id, e.name,"
                "  CASE WHEN e.listing_exchange <> '' OR e.stock_code <> '' THEN 10 ELSE 0 END"
                "  + COALESCE((SELECT SUM(CASE r.kind WHEN 'fortune500' THEN 30"
                "    WHEN 'china500' THEN 20 ELSE 15 END) FROM enterprises_ranking r"
                "    WHERE r.enterprise_id = e.id), 0)"
                "  + COALESCE((SELECT COUNT(*) * 10 FROM enterprises_enterprise_tags t"
                "    WHERE t.enterprise_id = e.id), 0) AS score"
                " FROM c JOIN enterprises_enterprise e ON e.id = c.id"
                " WHERE e.status = 'target' AND e.merged_into_id IS NULL"
                " ORDER BY score DESC, e.id DESC LIMIT 20",
                [industries, keyword[:2], f"%{keyword}%"],
            )
            cur.fetchall()

    floor = (
        gen.timed(targets_floor, links, args.repeat)
        if connection.vendor == "postgresql"
        else (0, 0, 0)
    )
    gen_row("一个环节的推荐目标", targets_fn, floor, 200)
    gen_row("环节面板（含推荐，htmx）", panel, floor, 200)
    print(
        "SQL下限：图谱为环节清单与各环节子树本地企业去重计数两条语句；推荐为一条语句"
        "（行业或名称关键词取候选，按榜单、上市、标签计分取前20）。"
    )


def _row(label, web, floor, goal):
    ok = "达标" if web[1] <= goal else "未达标"
    print(
        f"{label:<22}{web[0]:>9.1f}{web[1]:>9.1f}{web[2]:>9.1f}"
        f"{floor[0]:>12.2f}{floor[1]:>9.2f}{goal:>8}  {ok}"
    )


def main():
    args = parse()
    gen.setup(args, fresh=not args.reuse)
    if not args.reuse:
        gen.generate(args.n)
        enrich(args.n)
        make_chains()
    measure(args)


if __name__ == "__main__":
    main()

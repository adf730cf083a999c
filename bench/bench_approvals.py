"""Admission evaluations and tailored-terms approvals at scale.

    .venv/bin/python bench/bench_approvals.py --n 100000                 # SQLite
    .venv/bin/python bench/bench_approvals.py --postgres --n 100000      # PostgreSQL

Generates N projects, an evaluation for every second one (three reviewers, sheets and
computed scores) and a tailored-terms approval for every third (two versions of each
text, history rows), then prints for each page the server time of the whole Django
request through the test client (p50/p95, ms) beside the raw-SQL floor for the same work.
"""

import argparse
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
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--db", default="zs_approvals_bench")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=100)
    return p.parse_args()


def setup(args):
    os.environ.setdefault("ZS_VAR_DIR", tempfile.mkdtemp(prefix="zs-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    if args.postgres:
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
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from zhaoshang.org.demo import load_demo

    load_demo()


def generate(n):
    from django.db import connection
    from django.utils import timezone

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, User
    from zhaoshang.pipeline.approvals import demo as approval_demo
    from zhaoshang.pipeline.models import (
        Evaluation,
        EvaluationCriterion,
        EvaluationReviewer,
        EvaluationScore,
        Project,
        TermsApproval,
        TermsDocument,
        TermsState,
        TermsStep,
    )

    start = time.perf_counter()
    rng = random.Random(7)
    units = list(Department.objects.filter(kind__in=["department", "street", "zone"]))
    enterprises = list(Enterprise.objects.all())
    template = approval_demo.demo_template()
    criteria = list(template.criteria.all())
    reviewers = list(User.objects.filter(username__in=["kejiju", "shangwuju", "chentang"]))
    office = User.objects.get(username="zhaoshangban")
    now = timezone.now()
    batch = 5000
    for lo in range(0, n, batch):
        projects = Project.objects.bulk_create(
            Project(
                name=f"批量项目{i:07d}",
                enterprise=rng.choice(enterprises),
                department=(u := rng.choice(units)),
                registered_department=u,
                stage="negotiating",
                estimated_investment=Decimal(rng.randrange(1, 50)) * 10_000_000,
                investment_intensity=rng.randrange(100, 800),
                tax_per_mu=rng.randrange(5, 60),
                expected_jobs=rng.randrange(10, 900),
                created_by=office,
            )
            for i in range(lo, min(n, lo + batch))
        )
        if connection.vendor != "postgresql" and projects[0].pk is None:
            raise SystemExit("bulk_create did not return primary keys")
        evaluated = projects[::2]
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(
                project=p,
                template=template,
                created_by=office,
                decision=rng.choice(["", "admit", "conditional", "reject"]),
            )
            for p in evaluated
        )
        sheets = EvaluationReviewer.objects.bulk_create(
            EvaluationReviewer(evaluation=e, user=r, submitted_at=now if e.decision else None)
            for e in evaluations
            for r in reviewers
        )
        EvaluationScore.objects.bulk_create(
            [
                EvaluationScore(evaluation_id=s.evaluation_id, criterion=c, reviewer=s, score=7)
                for s in sheets
                if s.submitted_at
                for c in criteria
                if c.rule == EvaluationCriterion.Rule.MANUAL
            ]
            + [
                EvaluationScore(evaluation=e, criterion=c, value=5, score=4)
                for e in evaluations
                for c in criteria
                if c.rule == EvaluationCriterion.Rule.COMPUTED
            ]
        )
        approvals = TermsApproval.objects.bulk_create(
            TermsApproval(
                project=p, state=rng.choice(TermsState.values), round=1, created_by=office
            )
            for p in projects[::3]
        )
        TermsDocument.objects.bulk_create(
            TermsDocument(
                approval=a,
                kind=kind,
                number=k,
                round=1,
                text=f"第{k}版：企业在河西区注册独立法人，协议投资额{k}亿元。",
                department_id=a.project.department_id,
                created_by=office,
            )
            for a in approvals
            for kind in ("core_terms", "agreement", "rules")
            for k in (1, 2)
        )
        TermsStep.objects.bulk_create(
            TermsStep(approval=a, action="start", to_state="drafting_terms", round=1, actor=office)
            for a in approvals
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"生成 {n:,} 个项目及其评估、一企一策用时 {time.perf_counter() - start:.0f} 秒")


def timed(fn, items, repeat):
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(items[i % len(items)])
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def measure(args):
    from django.db import connection
    from django.test import Client

    from zhaoshang.org.models import User
    from zhaoshang.pipeline.models import Evaluation, TermsApproval

    office, clerk = Client(), Client()
    office.force_login(User.objects.get(username="zhaoshangban"))
    clerk_user = User.objects.get(username="kejiju")
    clerk.force_login(clerk_user)
    rng = random.Random(3)
    eval_ids = list(Evaluation.objects.values_list("pk", flat=True)[:2000])
    terms = list(TermsApproval.objects.values_list("pk", "project_id")[:2000])
    rng.shuffle(eval_ids)
    rng.shuffle(terms)

    def get(c, url, params=None):
        assert c.get(url, params or {}).status_code == 200, url

    def floor(sql, params_for):
        def run(item):
            with connection.cursor() as cur:
                cur.execute(sql, params_for(item))
                cur.fetchall()

        return run

    list_sql = (
        "SELECT e.id, p.name, d.name, e.decision, e.total, "
        "(SELECT COUNT(*) FROM pipeline_evaluationreviewer r WHERE r.evaluation_id = e.id) "
        "FROM pipeline_evaluation e JOIN pipeline_project p ON p.id = e.project_id "
        "JOIN org_department d ON d.id = p.department_id WHERE e.decision = %s "
        "ORDER BY e.id DESC LIMIT 50"
    )
    terms_sql = (
        "SELECT a.id, p.name, d.name, a.state FROM pipeline_termsapproval a "
        "JOIN pipeline_project p ON p.id = a.project_id "
        "JOIN org_department d ON d.id = p.department_id WHERE a.state = %s "
        "ORDER BY a.id DESC LIMIT 50"
    )
    detail_sql = (
        "SELECT s.criterion_id, s.reviewer_id, s.score FROM pipeline_evaluationscore s "
        "WHERE s.evaluation_id = %s"
    )
    docs_sql = "SELECT kind, number, text FROM pipeline_termsdocument WHERE approval_id = %s"
    decisions = ["admit", "conditional", "reject", "pending"]
    states = ["drafting_terms", "drafting_agreement", "awaiting_meeting", "approved"]
    rows = [
        (
            "准入评估列表（招商办，按结论）",
            lambda d: get(office, "/pipeline/evaluations/", {"state": d}),
            floor(list_sql, lambda d: ["" if d == "pending" else d]),
            decisions,
        ),
        (
            "一企一策列表（招商办，按环节）",
            lambda s: get(office, "/pipeline/terms/", {"state": s}),
            floor(terms_sql, lambda s: [s]),
            states,
        ),
        (
            "一企一策列表（单位经办人）",
            lambda s: get(clerk, "/pipeline/terms/", {"state": s}),
            floor(
                terms_sql.replace("WHERE a.state", "WHERE p.department_id = %s AND a.state"),
                lambda s: [clerk_user.department_id, s],
            ),
            states,
        ),
        (
            "准入评估页（评分表）",
            lambda pk: get(office, f"/pipeline/evaluations/{pk}/"),
            floor(detail_sql, lambda pk: [pk]),
            eval_ids,
        ),
        (
            "一企一策页（版本与差异）",
            lambda t: get(office, f"/pipeline/projects/{t[1]}/terms/"),
            floor(docs_sql, lambda t: [t[0]]),
            terms,
        ),
    ]
    print(f"\n[{connection.vendor}] 项目 {args.n:,} 个，每项 {args.repeat} 次（毫秒）")
    print(f"{'项目':<24}{'p50':>9}{'p95':>9}{'SQL下限p50':>12}{'p95':>9}")
    for label, web, sql, items in rows:
        web(items[0])  # warm
        w, f = timed(web, items, args.repeat), timed(sql, items, args.repeat)
        print(f"{label:<24}{w[0]:>9.1f}{w[1]:>9.1f}{f[0]:>12.2f}{f[1]:>9.2f}")


def main():
    args = parse()
    setup(args)
    generate(args.n)
    measure(args)


if __name__ == "__main__":
    main()

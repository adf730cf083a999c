"""Server time of a department user's home page and of the user list, with the demo
district and with 5,000 users, beside the raw-SQL floor for the same reads.

    .venv/bin/python bench/bench_org.py                 # SQLite in a temporary folder
    .venv/bin/python bench/bench_org.py --postgres      # PostgreSQL (database zhaoshang_bench)

"Server time" is the whole Django request (middleware, session, view, template) through
the test client in this process: what the server spends, without the network.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL instead of SQLite")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=200)
    return parser.parse_args()


def setup(args):
    os.environ["ZS_VAR_DIR"] = tempfile.mkdtemp(prefix="zs-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    if args.postgres:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS zhaoshang_bench")
            conn.execute("CREATE DATABASE zhaoshang_bench")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/zhaoshang_bench"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    # Hash demo passwords quickly; the bench measures reads, not logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from zhaoshang.org.demo import load_demo

    load_demo()


def timed(fn, repeat):
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def client_for(username):
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhaoshang.org.models import User
    from zhaoshang.org.security import holds_admin_role

    user = User.objects.get(username=username)
    c = Client()
    c.force_login(user)
    if holds_admin_role(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "bench"}
        )
        c.post("/account/otp/verify/", {"token": f"{totp(device.bin_key):06d}"})
    return c


def add_users(n):
    from django.db import transaction

    from zhaoshang.org.models import Department, Grant, Role, User

    units = list(Department.objects.all())
    role = Role.objects.get(code="department_staff")
    existing = User.objects.count()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench{i:05d}",
                    full_name=f"测试用户{i}",
                    department=units[i % len(units)],
                    password="!",
                    must_change_password=False,
                )
                for i in range(n - existing)
            ],
            batch_size=1000,
        )
        Grant.objects.bulk_create([Grant(user=u, role=role) for u in users], batch_size=1000)


def floors():
    """The same reads as hand-written SQL: what no ORM or template can beat."""
    from django.db import connection

    from zhaoshang.org.models import User

    clerk = User.objects.get(username="kejiju")

    def home_sql():
        with connection.cursor() as c:
            c.execute(
                "SELECT u.id, u.username, u.full_name, d.name, d.kind, p.name FROM org_user u"
                " JOIN org_department d ON d.id = u.department_id"
                " LEFT JOIN org_department p ON p.id = d.parent_id WHERE u.id = %s",
                [clerk.pk],
            )
            c.fetchall()
            c.execute(
                "SELECT COUNT(*) FROM org_user WHERE department_id = %s AND is_active",
                [clerk.department_id],
            )
            c.fetchall()
            c.execute(
                "SELECT r.name FROM org_grant g JOIN org_role r ON r.id = g.role_id WHERE g.user_id = %s",
                [clerk.pk],
            )
            c.fetchall()
            c.execute(
                "SELECT kind, COUNT(*) FROM org_department WHERE id = %s AND is_active GROUP BY kind",
                [clerk.department_id],
            )
            c.fetchall()

    def user_list_sql():
        with connection.cursor() as c:
            c.execute("SELECT COUNT(*) FROM org_user")
            c.fetchall()
            c.execute(
                "SELECT u.id, u.username, u.full_name, d.name, u.title, u.is_active, u.last_login"
                " FROM org_user u JOIN org_department d ON d.id = u.department_id"
                " ORDER BY d.path, u.username LIMIT 50"
            )
            ids = [row[0] for row in c.fetchall()]
            c.execute(
                "SELECT g.user_id, r.name FROM org_grant g JOIN org_role r ON r.id = g.role_id"
                f" WHERE g.user_id IN ({','.join(['%s'] * len(ids))})",
                ids,
            )
            c.fetchall()

    return home_sql, user_list_sql


def measure(label, repeat, clerk, admin):
    from django.db import connection

    from zhaoshang.org.models import User

    for c, url in [(clerk, "/"), (admin, "/org/users/")]:
        assert c.get(url).status_code == 200, url
    home_sql, user_list_sql = floors()
    rows = [
        ("部门用户首页 /", timed(lambda: clerk.get("/"), repeat), timed(home_sql, repeat)),
        (
            "用户列表 /org/users/",
            timed(lambda: admin.get("/org/users/"), repeat),
            timed(user_list_sql, repeat),
        ),
    ]
    print(f"\n[{label}] {connection.vendor}，用户 {User.objects.count()} 人，每项 {repeat} 次")
    print(f"{'页面':<22}{'p50 ms':>9}{'p95 ms':>9}{'SQL下限 p50':>13}{'p95':>8}")
    for name, (p50, p95), (f50, f95) in rows:
        print(f"{name:<22}{p50:>9.1f}{p95:>9.1f}{f50:>13.2f}{f95:>8.2f}")


def main():
    args = parse()
    setup(args)
    clients = client_for("kejiju"), client_for("sysadmin")
    measure("演示数据", args.repeat, *clients)
    add_users(args.users)
    measure(f"{args.users} 用户", args.repeat, *clients)


if __name__ == "__main__":
    main()

"""The portal run apart, as docs/deployment.md sets it up: its own settings module and a
PostgreSQL role that reads published rows and inserts submissions, nothing more. A real
second process connects as that role to the test database, crawls every page, sends an
enquiry and tries to read what it must not; the staff side then turns the enquiry into
a lead."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from zhaoshang.opportunities.models import Opportunity
from zhaoshang.policies.models import Policy
from zhaoshang.portal import dbrole
from zhaoshang.portal.models import Submission

from .conftest import SECRETS

ROLE = "zs_portal_test"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "门户独立数据库角色仅在 PostgreSQL 上测试（DATABASE_URL 指向 PostgreSQL 时运行）"
        )


def test_the_portal_process_reads_published_rows_only_and_inserts_enquiries(
    postgres, transactional_db, confidential, tmp_path, django_capture_on_commit_callbacks
):
    with connection.cursor() as cursor:
        dbrole.apply(cursor, ROLE)
    settings = connection.settings_dict
    url = f"postgres://{ROLE}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhaoshang.portal_settings",
        "ZS_PORTAL_DATABASE_URL": url,
        "DATABASE_URL": url,
        "ZS_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("portal_process_probe.py")),
            json.dumps(SECRETS),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["pages"] > 20 and not result["errors"], result
    assert not result["leaks"], result["leaks"]
    assert result["policies_seen"] == Policy.objects.public().count() < Policy.objects.count()
    assert result["opportunities_seen"] == Opportunity.objects.public().count()
    assert result["opportunities_seen"] < Opportunity.objects.count()
    assert all(result["refused"].values()), result["refused"]
    assert result["enquiry_status"] == 200 and result["reference"]
    # The portal queued nothing; the staff side's sweep makes the lead.
    submission = Submission.objects.get(reference=result["reference"])
    assert submission.processed_at is None
    from zhaoshang.portal.tasks import process_waiting_submissions

    with django_capture_on_commit_callbacks(execute=True):
        process_waiting_submissions()
    submission.refresh_from_db()
    assert submission.lead is not None and submission.lead.pooled_at is not None

    # The staff system run as a role that does not own the tables (docs/deployment.md,
    # "PostgreSQL roles") still sees every row: row security hides rows from the portal only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'zs_app_test'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE ROLE zs_app_test LOGIN")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zs_app_test"
        )
        cursor.execute("SET ROLE zs_app_test")
        try:
            cursor.execute("SELECT count(*) FROM policies_policy")
            staff_sees = cursor.fetchone()[0]
            cursor.execute("UPDATE policies_policy SET title = title WHERE status = 'draft'")
            updated = cursor.rowcount
        finally:
            cursor.execute("RESET ROLE")
    assert staff_sees == Policy.objects.count()
    assert updated == Policy.objects.filter(status="draft").count() > 0

"""Several machines on one database: reports, dashboards and exports read from the read
replica (Django's test mirror of the test database stands in for it), sessions and cache
in Redis, uploads in an S3-compatible store — each chosen by the environment."""

import runpy
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from zhaoshang.common.replica import ReplicaRouter, reads_replica, replica_reads

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "settings.py"
BOTH = ["default", "replica"]


def _sql(captured):
    return [q["sql"] for q in captured.captured_queries]


def _get(client, url):
    """(response, SQL sent to the primary, SQL sent to the replica)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    return response, _sql(primary), _sql(replica)


def _touches(statements, table):
    return [s for s in statements if f'"{table}"' in s]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_report_pages_read_their_records_from_the_replica(committed_db, client_for, settings):
    settings.READ_REPLICA = True
    office = client_for("office_staff")
    for url in ("/reports/dashboard/office/", "/reports/monthly/", "/api/reports/dashboard"):
        response, primary, replica = _get(office, url)
        assert response.status_code == 200, url
        # The records the figures are computed from come from the replica…
        assert _touches(replica, "pipeline_project"), url
        assert not _touches(primary, "pipeline_project"), url
        # …while who is asking, and what they may see, is read from the primary, so a
        # revoked role counts at once, not after the replica's delay.
        assert _touches(primary, "org_role") and not _touches(replica, "org_role"), url
        assert not _touches(replica, "django_session"), url

    # A unit's own dashboard, scoped to its unit, the same way.
    response, primary, replica = _get(client_for("department_staff"), "/reports/dashboard/unit/")
    assert response.status_code == 200
    assert _touches(replica, "pipeline_project") and not _touches(primary, "pipeline_project")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_replica_gives_the_same_figures_as_the_primary(committed_db, client_for, settings):
    office = client_for("office_staff")
    on_primary = office.get("/reports/dashboard/").context["d"]
    settings.READ_REPLICA = True
    response, primary, replica = _get(office, "/reports/dashboard/")
    assert _touches(replica, "pipeline_project")
    assert response.context["d"] == on_primary


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_list_export_reads_its_rows_from_the_replica_and_audits_on_the_primary(
    committed_db, client_for, settings
):
    settings.READ_REPLICA = True
    response, primary, replica = _get(client_for("office_staff"), "/pipeline/projects/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _touches(replica, "pipeline_project")
    assert not _touches(primary, "pipeline_project")
    # The export's audit line is a write: the primary's.
    assert any(s.startswith("INSERT") for s in _touches(primary, "audit_auditevent"))
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in replica)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_pages_people_edit_from_stay_on_the_primary(committed_db, client_for, settings):
    settings.READ_REPLICA = True
    office = client_for("office_staff")
    for url in ("/pipeline/", "/pipeline/projects/", "/reports/issued/", "/reports/rates/"):
        response, primary, replica = _get(office, url)
        assert response.status_code == 200, url
        assert replica == [], url


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_replica_configured_reports_read_the_primary(committed_db, client_for):
    # settings.READ_REPLICA is false unless DATABASE_REPLICA_URL is set.
    response, primary, replica = _get(client_for("office_staff"), "/reports/dashboard/office/")
    assert response.status_code == 200
    assert replica == [] and _touches(primary, "pipeline_project")


def test_writes_transactions_and_posts_never_go_to_the_replica(settings, committed_db):
    settings.READ_REPLICA = True
    router = ReplicaRouter()
    from zhaoshang.pipeline.models import Project

    assert router.db_for_read(Project) is None  # outside a report: the primary
    with replica_reads():
        assert router.db_for_read(Project) == "replica"
        assert router.db_for_write(Project) == "default"
        with transaction.atomic():
            # A transaction must read its own writes and lock what it reads.
            assert router.db_for_read(Project) == "default"
    assert router.allow_migrate("replica", "pipeline") is False

    seen = []

    @reads_replica
    def view(request):
        seen.append(router.db_for_read(Project))

    factory = RequestFactory()
    view(factory.post("/reports/monthly/issue/"))
    view(factory.get("/reports/monthly/"))
    assert seen == [None, "replica"]


def _settings(monkeypatch, tmp_path, **env):
    for name in (
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "REDIS_URL",
        "ZS_S3_BUCKET",
        "ZS_S3_ENDPOINT_URL",
        "DJANGO_ENV",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZS_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_environment_chooses_replica_sessions_cache_and_storage(monkeypatch, tmp_path):
    one = _settings(monkeypatch, tmp_path)
    assert one["READ_REPLICA"] is False
    assert one["DATABASES"]["replica"]["NAME"] == one["DATABASES"]["default"]["NAME"]
    assert one["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert one["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert one["STORAGES"]["default"]["BACKEND"].endswith("MediaStorage")

    many = _settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://zs@db-primary.internal:5432/zhaoshang",
        DATABASE_REPLICA_URL="postgres://zs_ro@db-replica.internal:5432/zhaoshang",
        REDIS_URL="redis://redis.internal:6379/1",
        ZS_S3_BUCKET="zhaoshang-docs",
        ZS_S3_ENDPOINT_URL="https://minio.internal:9000",
    )
    assert many["READ_REPLICA"] is True
    replica = many["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"]) == ("db-replica.internal", "zs_ro")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert many["DATABASES"]["default"]["HOST"] == "db-primary.internal"
    assert many["DATABASE_ROUTERS"] == ["zhaoshang.common.replica.ReplicaRouter"]
    assert many["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert many["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis.internal:6379/1",
    }
    storage = many["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "zhaoshang-docs"
    assert storage["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert storage["OPTIONS"]["querystring_auth"] is True  # private documents, signed links
    # The backend is importable and builds from these options without contacting a store.
    from django.utils.module_loading import import_string

    s3 = import_string(storage["BACKEND"])(**storage["OPTIONS"])
    assert s3.bucket_name == "zhaoshang-docs"


def test_a_forced_logout_also_ends_a_session_kept_in_the_cache(demo, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from zhaoshang.org import services

    clerk = Client()
    clerk.force_login(demo["department_staff"])
    assert clerk.get("/").status_code == 200
    key = clerk.cookies[settings.SESSION_COOKIE_NAME].value
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store().exists(key)

    assert services.end_sessions(demo["department_staff"]) == 1
    assert not store().exists(key)  # neither in the table nor in the cache

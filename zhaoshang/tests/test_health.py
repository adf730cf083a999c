"""`/healthz`: what a monitor polls. 200 when the database and the broker answer, 503
naming the one that did not; no login, no session, nothing leaked, no log noise."""

import json
import socket
from unittest import mock

import pytest
from django.db import OperationalError

from zhaoshang.audit.models import AuditEvent
from zhaoshang.celery import app


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """The broker is a Redis on a loopback port where nothing listens. (Set and put back
    as raw settings: reading ``conf.broker_write_url`` resolves it to the broker URL, and
    writing that back would pin every later test's writes to this process's broker.)"""
    url = f"redis://127.0.0.1:{_free_port()}/0"
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_write_url", url)
    yield


def test_healthy_server_answers_200_without_login_or_session(db, client):
    events = AuditEvent.objects.count()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}
    # A poll leaves nothing behind: no session cookie, no audit line.
    assert "sessionid" not in response.cookies
    assert AuditEvent.objects.count() == events
    assert response["Cache-Control"] == "no-store"


def test_answers_whatever_host_and_scheme_the_monitor_uses(db, client, settings):
    # A monitor on the server asks 127.0.0.1 over plain HTTP, though the site is
    # configured for its public name and HTTPS.
    settings.ALLOWED_HOSTS = ["zhaoshang.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    # The same settings on any other page: the host check still holds there.
    assert client.get("/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_broker_down_is_503_naming_the_broker(db, client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "error", "database": "ok", "broker": "error", "failed": ["broker"]}
    # Why it failed stays in the server's log: no address or port reaches the caller.
    assert b"redis" not in response.content and b"127.0.0.1" not in response.content


def test_database_down_is_503_naming_the_database(db, client):
    class Unreachable:
        def __getitem__(self, alias):
            raise OperationalError('connection to server at "db.internal" failed: user "zs"')

    with mock.patch("zhaoshang.common.health.connections", Unreachable()):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "error" and body["failed"] == ["database"]
    assert body["broker"] == "ok"
    assert b"db.internal" not in response.content and b"zs" not in response.content


def test_a_poll_is_not_a_persons_activity(client_for):
    """A browser tab or a script holding a user's cookie that polls /healthz must not keep
    that user's idle session alive."""
    c = client_for("office_staff")
    session = c.session
    session["zs_last_seen"] = last_seen = 1_000.0
    session.save()
    response = c.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert c.session["zs_last_seen"] == last_seen


def test_only_get_and_head(db, client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


def test_access_log_leaves_out_successful_polls_only():
    from gunicorn.config import Config

    from zhaoshang.gunicorn_conf import AccessLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = AccessLogger(cfg)

    def logged(path, status):
        resp = mock.Mock(status_code=status, status=f"{status} X", sent=0, headers=[])
        req = mock.Mock(headers=[], method="GET", uri=path, path=path, query="", version=(1, 1))
        environ = {
            "PATH_INFO": path,
            "RAW_URI": path,
            "REQUEST_METHOD": "GET",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "QUERY_STRING": "",
        }
        with mock.patch.object(logger.access_log, "info") as info:
            logger.access(resp, req, environ, mock.Mock(seconds=0, microseconds=1000))
        return info.called

    assert not logged("/healthz", 200)
    assert logged("/healthz", 503)  # a failing check is worth a line
    assert logged("/login/", 200)

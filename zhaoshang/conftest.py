"""Shared fixtures: the personas (``zhaoshang/tests/personas.py``), a logged-in client
per role, the whole demo district for the few tests that need it, and a real Chromium
driven by Playwright against a live server."""

import importlib
import os
import re
import shutil

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from zhaoshang.tests import personas as _personas

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run beside one unless told it is safe (it is: the loop never touches the ORM).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# In CI, property tests explore the same examples every run, so a landing never hangs
# on a new random draw; on a developer's machine they keep exploring.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")
PASSWORD = _personas.PASSWORD


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    # Argon2 is the production hasher (tested in test_security); tests hash with MD5 so
    # that building the personas per test stays fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test process its own cache: the embedded file cache is shared between
    # processes by design, and xdist workers would clear each other's entries.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache
    from django.utils import translation

    from zhaoshang.celery import app

    # Jobs queued by a request run in-process in tests (test_worker runs a real worker).
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    translation.activate("zh-hans")  # as LocaleMiddleware does for every request
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def persona_users(db):
    """One user per persona (``zhaoshang/tests/personas.py``) in a small district, built
    by factories. Returns the users by persona key (the role codes, plus
    ``street_staff`` and ``zone_head``)."""
    from zhaoshang.reference.national import load_national_data

    load_national_data()  # emptied by a previous live-server test's flush
    return _personas.build()


@pytest.fixture
def demo(request, db):
    """The users by role: the personas, or in a test that also uses ``demo_district``
    the demo district's own users (the same keys either way)."""
    if "demo_district" in request.fixturenames:
        return request.getfixturevalue("demo_district")
    return request.getfixturevalue("persona_users")


@pytest.fixture
def key_industries(demo):
    """The district's key industries by name, each owned by its unit
    (``reference/tests/factories.py``)."""
    from zhaoshang.reference.tests.factories import key_industries

    return key_industries()


@pytest.fixture
def library(demo, key_industries):
    """A few well-known enterprises by name, followed by the personas' units, each with a
    contact (``enterprises/tests/factories.py`` ``KNOWN``)."""
    from zhaoshang.enterprises.tests.factories import known_enterprises

    return known_enterprises()


@pytest.fixture
def demo_district(db):
    """The whole demo district as ``make run`` loads it (units, users, reference data,
    enterprises, projects, leads, approvals, report figures): slow, only for the tests
    that walk or check the demo itself. Returns its users by the persona keys; they sign
    in with ``PASSWORD`` like the personas."""
    from django.contrib.auth.hashers import make_password

    from zhaoshang.org.demo import USERS, load_demo
    from zhaoshang.org.models import User
    from zhaoshang.reference.national import load_national_data

    load_national_data()  # emptied by a previous live-server test's flush
    load_demo()
    by_key = {}
    for username, _, unit, _, role in USERS:
        by_key.setdefault(role, username)
        if unit == "友谊路街道":
            by_key.setdefault("street_staff", username)
        elif unit == "陈塘科技商务区":
            by_key.setdefault("zone_head", username)
    users = {u.username: u for u in User.objects.filter(username__in=by_key.values())}
    User.objects.filter(username__in=[u for u, *_ in USERS]).update(
        password=make_password(PASSWORD)
    )
    for user in users.values():
        user.refresh_from_db(fields=["password"])
    return {key: users[username] for key, username in by_key.items()}


@pytest.fixture
def client_for(client, demo):
    """``client_for("office_staff")``: a test client signed in as that persona (see
    ``demo``), past the login gates (administrators are OTP-verified)."""
    from django.test import Client

    def make(role):
        c = Client()
        user = demo[role]
        c.force_login(user)
        if _needs_otp(user):
            _verify_otp(c, user)
        return c

    return make


def _needs_otp(user):
    from zhaoshang.org.security import holds_admin_role

    return holds_admin_role(user)


def _verify_otp(c, user):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    response = c.post("/account/otp/verify/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302, response.content.decode()[:500]


# --- The SQLite audit triggers and transactional tests ----------------------------------
_triggers = importlib.import_module("zhaoshang.audit.migrations.0003_append_only_triggers")


@pytest.fixture
def committed_db(transactional_db):
    """A database whose writes commit (for a live server or a worker process to see).
    On SQLite the append-only audit triggers would refuse the flush that ends such a
    test, so they are lifted just for that flush and put back before the next test
    (PostgreSQL flushes with TRUNCATE, which they do not guard). The flush also empties
    the national data that migrations load: ``demo`` loads it again when it is gone."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in _triggers.SQLITE_REVERSE:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _audit_triggers_present(request):
    """Put the SQLite triggers back after a live-server test lifted them."""
    names = request.fixturenames
    if connection.vendor == "sqlite" and ("db" in names or "transactional_db" in names):
        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
        with connection.cursor() as cursor:
            for sql in _triggers.SQLITE:
                cursor.execute(sql)


# --- Browser ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI 要求运行浏览器测试，但未找到 chromium（scripts/ensure_chromium.sh 应已安装）"
            )
        pytest.skip("未安装 chromium，跳过浏览器测试（运行 scripts/ensure_chromium.sh 安装）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, committed_db):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# The role home page ("/"). A glob like "**/" would also match /login/ and
# /account/password/, so a wait for it could return before the navigation happened.
HOME = re.compile(r"^https?://[^/]+/$")


def submit(page, selector="main button[type=submit]"):
    """Click a form's submit button and wait for the page the server answers with.

    A bare click returns before the POST's answer arrives; reading the page then
    can see an empty document in the middle of the navigation."""
    with page.expect_navigation():
        page.click(selector)


def login(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


class _JobImports:
    """An import of ``common/imports.JobImport`` (carriers, targets) run as a clerk runs
    it: upload on ``url``, dry run with the guessed (or a given) mapping, commit. The
    worker's task runs when the request's transaction commits (eager in tests)."""

    def __init__(self, captures):
        self.captures = captures

    def upload(self, client, url, upload):
        from django.urls import reverse

        from zhaoshang.common import imports

        response = client.post(url, {"file": upload})
        assert response.status_code == 302, response.content.decode()[:2000]
        kind = next(k for k in imports.KINDS.values() if reverse(k.list_url) == url)
        return kind.job_model.objects.order_by("-pk").first()

    def check(self, client, url, job, mapping=None):
        mapping = job.mapping if mapping is None else mapping
        form = {"action": "check", **{f"col{i}": key for i, key in mapping.items()}}
        with self.captures(execute=True):
            client.post(f"{url}{job.pk}/", form)
        job.refresh_from_db()
        return job

    def run(self, client, url, upload):
        return self.check(client, url, self.upload(client, url, upload))

    def commit(self, client, url, job):
        with self.captures(execute=True):
            client.post(f"{url}{job.pk}/", {"action": "commit"})
        job.refresh_from_db()
        return job


@pytest.fixture
def job_imports(django_capture_on_commit_callbacks):
    return _JobImports(django_capture_on_commit_callbacks)

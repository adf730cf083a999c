"""Shared fixtures: the demo district and its personas, a logged-in client per role,
and a real Chromium driven by Playwright against a live server."""

import importlib
import os
import re
import shutil

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from zhaoshang.org.demo import DEMO_PASSWORD, USERS

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run beside one unless told it is safe (it is: the loop never touches the ORM).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# In CI, property tests explore the same examples every run, so a landing never hangs
# on a new random draw; on a developer's machine they keep exploring.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")
# The persona of each role is the first demo user holding it (区科技局's clerk for
# department_staff, 区商务局's head for department_head).
ROLE_USERS = {}
for _username, _, _, _, _role in USERS:
    ROLE_USERS.setdefault(_role, _username)
PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    # Argon2 is the production hasher (tested in test_security); tests hash with MD5 so
    # that building the demo district per test stays fast.
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
def demo(db):
    """The demo district: units, one user per role, reference data. Returns users by role."""
    from zhaoshang.org.demo import load_demo
    from zhaoshang.org.models import User
    from zhaoshang.reference.national import load_national_data

    load_national_data()  # emptied by a previous live-server test's flush
    load_demo()
    return {role: User.objects.get(username=username) for role, username in ROLE_USERS.items()}


@pytest.fixture
def client_for(client, demo):
    """``client_for("office_staff")``: a test client signed in as that role's demo user,
    past the login gates (administrators are OTP-verified)."""
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

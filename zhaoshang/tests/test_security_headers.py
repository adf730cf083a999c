"""The headers a browser gets from a production server: the content policy, HSTS once the
operator turns it on, no framing, no type sniffing, a referrer kept in the site, and
cookies that travel only over HTTPS, out of scripts' reach, not on other sites' requests.

The settings are those ``zhaoshang/settings.py`` computes with the environment a
production deployment sets (docs/deployment.md), read by running the settings file
itself rather than restating its values here."""

import runpy

import pytest
from django.conf import settings
from django.test import Client, override_settings

from zhaoshang.conftest import PASSWORD

HOST = "zhaoshang.example.gov.cn"
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "p" * 20 + "Q7#kd92LmZp0vR8sT5uW3yX6aB1cD4eF",
    "DJANGO_ALLOWED_HOSTS": HOST,
}
# What the security middleware, the cookies and the policy read.
SECURITY = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS")
SECURITY += ("CONTENT_SECURITY_POLICY", "ALLOWED_HOSTS", "DEBUG")


def production(monkeypatch, tmp_path, **extra):
    for name, value in {**PRODUCTION_ENV, "ZS_VAR_DIR": str(tmp_path), **extra}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    values = runpy.run_path(str(settings.BASE_DIR / "zhaoshang" / "settings.py"))
    return {k: v for k, v in values.items() if k.startswith(SECURITY)}


@pytest.mark.parametrize("hsts", ["", "31536000"], ids=["hsts-off", "hsts-on"])
def test_production_headers_and_cookies(demo, monkeypatch, tmp_path, hsts):
    chosen = production(monkeypatch, tmp_path, DJANGO_HSTS_SECONDS=hsts or "0")
    assert chosen["DEBUG"] is False and chosen["SESSION_COOKIE_SECURE"] is True
    with override_settings(**chosen):
        c = Client(SERVER_NAME=HOST)
        # Plain HTTP is sent to HTTPS.
        plain = c.get("/login/")
        assert plain.status_code == 301 and plain["Location"] == f"https://{HOST}/login/"

        page = c.get("/login/", secure=True)
        assert page.status_code == 200
        policy = page["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ):
            assert directive in policy
        # Scripts from our own origin only (a page without inline scripts needs no
        # nonce); no bogus 'nonce' keyword, no eval.
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "'nonce'" not in policy and "unsafe-eval" not in policy
        assert page["X-Frame-Options"] == "DENY"
        assert page["X-Content-Type-Options"] == "nosniff"
        assert page["Referrer-Policy"] == "same-origin"
        assert page["Cross-Origin-Opener-Policy"] == "same-origin"
        if hsts:
            assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        else:
            # Off until the operator sets it: a wrong value locks browsers out for a year.
            assert "Strict-Transport-Security" not in page

        csrf = page.cookies["csrftoken"]
        assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

        signed_in = c.post(
            "/login/",
            {"username": demo["office_staff"].username, "password": PASSWORD},
            secure=True,
        )
        assert signed_in.status_code == 302
        session = signed_in.cookies["sessionid"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
        assert session["max-age"] == ""  # ends when the browser closes

        # A page behind the login carries the same headers.
        home = c.get("/", secure=True)
        assert home.status_code == 200
        assert "frame-ancestors 'none'" in home["Content-Security-Policy"]
        assert home["X-Frame-Options"] == "DENY"
        if hsts:
            assert "Strict-Transport-Security" in home

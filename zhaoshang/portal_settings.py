"""Settings of the portal run as its own process (docs/deployment.md, "The portal apart").

The same code and templates as the staff system, but: only the portal's URLs; no
sessions, logins or staff middleware; no jobs queued (the staff side's beat turns the
portal's submissions into leads and complaints); and the database reached as the
portal's own PostgreSQL role (``ZS_PORTAL_DATABASE_URL``), which may read published rows
and insert submissions, nothing more (``manage.py portal_role`` creates it).

    DJANGO_SETTINGS_MODULE=zhaoshang.portal_settings \\
    ZS_PORTAL_DATABASE_URL=postgres://zs_portal:…@db:5432/zhaoshang \\
    .venv/bin/gunicorn zhaoshang.wsgi -c zhaoshang/gunicorn_conf.py --bind 127.0.0.1:8100
"""

import dj_database_url

from zhaoshang.settings import *  # noqa: F403
from zhaoshang.settings import DATABASES, env

ROOT_URLCONF = "zhaoshang.portal.site_urls"
ZS_PORTAL_ONLY = True

_url = env("ZS_PORTAL_DATABASE_URL") or env("DATABASE_URL")
if _url:
    _options = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"] = dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)
    if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
    else:
        DATABASES["default"]["OPTIONS"] = _options
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []

# Anonymous pages: no session, no login, no audit context, no API.
MIDDLEWARE = [
    "zhaoshang.common.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zhaoshang.common.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
TEMPLATES[0]["OPTIONS"]["context_processors"] = [  # noqa: F405
    "django.template.context_processors.request",
    "csp.context_processors.nonce",
]

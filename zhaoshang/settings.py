"""Settings: one file, configured from the environment.

Every value that differs between a laptop and a server is read from an environment
variable; a secret may instead be read from the file named by ``<NAME>_FILE`` (Docker and
systemd credentials). With nothing set, the system runs on SQLite with an embedded broker.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name, default=None):
    """The variable ``name``, or the contents of the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


# Production is explicit: DJANGO_ENV=production turns DEBUG off and every cookie secure.
PRODUCTION = env("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须设置 DJANGO_SECRET_KEY 或 DJANGO_SECRET_KEY_FILE")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-7f3a9c1e5b"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Shared helpers; an app so that its template tags (zs_format) load everywhere.
    "zhaoshang.common",
    "zhaoshang.audit",
    "zhaoshang.org",
    "zhaoshang.reference",
    "zhaoshang.enterprises",
    "zhaoshang.pipeline",
    # Targets, the monthly report and dashboards (issue 5).
    "zhaoshang.assessment",
    "zhaoshang.reports",
    # Agreements, incentives, disbursement and clawback (issue 12).
    "zhaoshang.agreements",
    "zhaoshang.notifications",
    # Aftercare: service tickets, visits, expansion (issue 13); complaints, typical cases.
    "zhaoshang.aftercare",
    "zhaoshang.complaints",
    # Supervision items, progress notices, accountability (issue 16, M18).
    "zhaoshang.supervision",
    # Intermediaries, advisors, referrals and finder rewards (issue 16, M21).
    "zhaoshang.partners",
    "zhaoshang.api",
    "ninja",
    # The opportunity library, the policy library and the public portal (issue 14).
    "zhaoshang.opportunities",
    "zhaoshang.policies",
    "zhaoshang.portal",
    # Industry chains: links, local enterprises per link, gaps, ranked targets (issue 15).
    "zhaoshang.chains",
    # The promotion budget; promotion events and their quota (issue 16).
    "zhaoshang.budget",
    "zhaoshang.events",
    # The portal's CAPTCHA: images drawn on the server with its bundled font, no service.
    "captcha",
]

MIDDLEWARE = [
    # /healthz answers before sessions, host checks and redirects (see common/health.py).
    "zhaoshang.common.health.HealthCheckMiddleware",
    # Settings rows read once per request, forgotten when it ends (common/per_request.py).
    "zhaoshang.common.per_request.PerRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL in a page's parameters is refused before any view reads it (PostgreSQL
    # cannot compare it): common/middleware.py.
    "zhaoshang.common.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhaoshang.org.middleware.IdleTimeoutMiddleware",
    "zhaoshang.org.middleware.SecurityGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhaoshang.audit.middleware.RequestContextMiddleware",
    # After the answer, one audit line per call made with an API key (zhaoshang/api).
    "zhaoshang.api.middleware.ApiKeyAuditMiddleware",
    # Axes must be last: it turns a lockout raised in authenticate() into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhaoshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhaoshang.org.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhaoshang.sqlite3'}"),
        # Reuse connections: opening one per request costs PostgreSQL several ms.
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
SILENCED_SYSTEM_CHECKS = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An index's INCLUDE columns serve PostgreSQL's index-only counts; SQLite keeps the
    # index without them, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    # WAL lets the worker write while pages read; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not memory, so a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # No JIT: our queries are short, and PostgreSQL compiles one as soon as its cost
    # estimate passes jit_above_cost, which a few correlated subqueries do; compiling
    # took 50 ms of a 130 ms report query on this machine.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A read replica (PostgreSQL streaming replication) for reports, dashboards and exports:
# zhaoshang/common/replica.py says which reads go there and why. The alias always exists
# and is Django's test mirror of "default", so the test suite exercises the routing on
# the test database; without DATABASE_REPLICA_URL it is the primary itself and nothing
# is routed to it (READ_REPLICA is false).
REPLICA_URL = env("DATABASE_REPLICA_URL")
READ_REPLICA = bool(REPLICA_URL)
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES["replica"] = {**DATABASES["default"]}
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["zhaoshang.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # A file cache is shared by the web process and the worker (import progress).
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# --- Accounts and the 等保 2.0 level-3 security policy ---------------------------------
# One block: every default the assessment asks for, each overridable from the environment.
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "org:home"
LOGOUT_REDIRECT_URL = "org:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhaoshang.org.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SECURITY_POLICY = {
    "PASSWORD_MIN_LENGTH": int(env("ZS_PASSWORD_MIN_LENGTH", "8")),
    "PASSWORD_MIN_CLASSES": 3,  # of: lower case, upper case, digits, symbols
    "PASSWORD_MAX_AGE_DAYS": int(env("ZS_PASSWORD_MAX_AGE_DAYS", "90")),
    "PASSWORD_HISTORY": 5,
    "LOCKOUT_FAILURES": int(env("ZS_LOCKOUT_FAILURES", "5")),
    "LOCKOUT_MINUTES": int(env("ZS_LOCKOUT_MINUTES", "30")),
    # Failed accounts from one address before that address is locked (password spraying).
    "ADDRESS_LOCKOUT_ACCOUNTS": int(env("ZS_ADDRESS_LOCKOUT_ACCOUNTS", "10")),
    "IDLE_MINUTES": int(env("ZS_IDLE_MINUTES", "30")),
    "AUDIT_RETENTION_DAYS": max(180, int(env("ZS_AUDIT_RETENTION_DAYS", "180"))),
    # Intranet gateways group robots may post to, besides WeCom's and DingTalk's own hosts
    # (one "host" or "host:port" per line; the security policy page edits it).
    "WEBHOOK_ALLOWED_HOSTS": "\n".join(env_list("ZS_WEBHOOK_ALLOWED_HOSTS")),
}
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "zhaoshang.org.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": SECURITY_POLICY["PASSWORD_MIN_LENGTH"]},
    },
    {"NAME": "zhaoshang.org.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhaoshang.org.passwords.NoUsernameValidator"},
    {"NAME": "zhaoshang.org.passwords.HistoryValidator"},
]
# Read through the policy in force, which the security administrator may tighten.
AXES_FAILURE_LIMIT = "zhaoshang.org.policy.failure_limit"
AXES_COOLOFF_TIME = "zhaoshang.org.policy.cool_off"
# Failures lock the account (等保: 5 in a row). An address is locked only when many
# accounts fail from it (password spraying; org/lockout.py): a government office sits
# behind one address, and one clerk's typos must not lock out the colleagues.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" among those parameters, lest rotating user agents or
# cookies dodge the count. Ours counts per account whatever the agent, and the address
# rule lives in the handler (org/lockout.py), which axes's check cannot see.
SILENCED_SYSTEM_CHECKS.append("axes.W006")
AXES_HANDLER = "zhaoshang.org.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhaoshang.org.views.locked_out"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind N reverse proxies the N-th entry from the
# right of X-Forwarded-For (common/net.py). Set only when every request passes the proxies.
TRUSTED_PROXY_COUNT = int(env("ZS_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "zhaoshang.common.net.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions live in the database, so every web machine sees every session. With Redis
# (REDIS_URL, shared by all web machines) they are read from the cache and written
# through to the database ("cached_db"): a page no longer costs a session query, a Redis
# restart logs nobody out, and org.services.end_sessions can still find a user's
# sessions to end them (a cache-only store cannot be searched by user).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# Idle sessions end in IdleTimeoutMiddleware; this is only the absolute ceiling.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "招商引资全流程管理平台"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_SECONDS:
        # HSTS is set only when the operator configures it (a wrong value locks browsers out
        # of plain HTTP for a year); docs/deployment.md says when to turn it on.
        SILENCED_SYSTEM_CHECKS += ["security.W004"]
    elif not SECURE_HSTS_PRELOAD:
        # The browsers' preload list takes public domain names only: an intranet's name
        # cannot be submitted, so preloading is the operator's choice, not a deploy fault.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]

# Every asset is vendored: the policy allows our own origin only. A page that needs an
# inline script marks it with {{ CSP_NONCE }}; django-csp then puts that request's nonce in
# the header (the NONCE sentinel: a quoted 'nonce' string would be sent as is, a source
# keyword browsers do not know).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        # No 'unsafe-inline': every style is in a stylesheet (static/zs/app.css), none in
        # a style attribute or <style> element (tests/test_templates.py checks).
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "zhaoshang" / "locale"]

# --- Static files: vendored, served by WhiteNoise ------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise looks for it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "zhaoshang" / "static"]
STORAGES = {
    # Django's file storage, but a file a full disk cut short is removed (common/uploads.py).
    "default": {"BACKEND": "zhaoshang.common.uploads.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env("ZS_MEDIA_ROOT", VAR_DIR / "media"))
# Several web and worker machines share their uploads either on a shared path
# (ZS_MEDIA_ROOT on NFS) or in an S3-compatible object store (MinIO, a cloud's OSS/COS in
# its S3 mode) through django-storages: agreements and attachments then go to the bucket.
# Import files are working files the worker reads by path: they stay under MEDIA_ROOT,
# which the web and worker machines must share either way (docs/deployment.md).
S3_BUCKET = env("ZS_S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("ZS_S3_ENDPOINT_URL") or None,
            "region_name": env("ZS_S3_REGION") or None,
            "access_key": env("ZS_S3_ACCESS_KEY_ID"),
            "secret_key": env("ZS_S3_SECRET_ACCESS_KEY"),
            "location": env("ZS_S3_PREFIX", ""),
            # On-premises stores (MinIO) answer on one host name: path-style addresses.
            "addressing_style": env("ZS_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # Documents are private: links are signed and expire; an upload with the
            # name of an existing one gets a new name instead of replacing it.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_IMPORT_FILE_BYTES = int(env("ZS_MAX_IMPORT_FILE_BYTES", str(20 * 1024 * 1024)))
# Exports of more rows than this are written by the worker, with a progress bar; smaller
# ones are answered at once (20,000 rows take a couple of seconds).
ZS_EXPORT_BACKGROUND_ROWS = int(env("ZS_EXPORT_BACKGROUND_ROWS", "20000"))
# Attachments (agreements, terms, minutes): documents and their scans.
MAX_ATTACHMENT_BYTES = int(env("ZS_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024)))
# What a zip-based upload (.xlsx, .docx, .ofd) may expand to, read from its directory
# before anything is expanded (common/uploads.py). A 100,000-row enterprise list is about
# 110 MB of sheet XML packed 10:1; a zip bomb declares gigabytes packed 1000:1.
MAX_ARCHIVE_UNCOMPRESSED_BYTES = int(
    env("ZS_MAX_ARCHIVE_UNCOMPRESSED_BYTES", str(512 * 1024 * 1024))
)
MAX_ARCHIVE_RATIO = int(env("ZS_MAX_ARCHIVE_RATIO", "200"))
MAX_ARCHIVE_MEMBERS = 10_000

# --- Backups (manage.py backup / restore; docs/operations.md) ---------------------------
ZS_BACKUP_DIR = Path(env("ZS_BACKUP_DIR", VAR_DIR / "backups"))
# pg_dump, pg_restore and psql of the server's major version, when not the ones on PATH.
PG_BIN_DIR = env("ZS_PG_BIN_DIR", "")

# --- Background work ------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "audit-retention": {
        "task": "zhaoshang.audit.tasks.purge_expired_events",
        "schedule": crontab(hour=2, minute=30),
    },
    "password-expiry-notice": {
        "task": "zhaoshang.org.tasks.flag_expired_passwords",
        "schedule": crontab(hour=1, minute=0),
    },
    # Projects: overdue ledgers and problems, reminded every working morning.
    "pipeline-overdue-reminders": {
        "task": "zhaoshang.pipeline.projects.tasks.remind_overdue",
        "schedule": crontab(hour=8, minute=30),
    },
    # Problems, service tickets and complaints past their deadline go one level up (the
    # deadline engine, common/deadlines.py), before the morning's reminders.
    "deadlines-escalate-overdue": {
        "task": "zhaoshang.common.tasks.escalate_overdue",
        "schedule": crontab(hour=8, minute=15),
    },
    "aftercare-overdue-reminders": {
        "task": "zhaoshang.aftercare.tasks.remind_overdue",
        "schedule": crontab(hour=8, minute=30),
    },
    # Supervision items past their deadline: each department told of its own (the
    # escalation to its head, then the office and the leader, is the job above).
    "supervision-overdue-reminders": {
        "task": "zhaoshang.supervision.tasks.remind_overdue",
        "schedule": crontab(hour=8, minute=35),
    },
    # The working calendar: from 1 November, remind the administrators to enter next
    # year's holiday notice (the task sends each of them one message per year).
    "calendar-entry-reminder": {
        "task": "zhaoshang.reference.tasks.remind_calendar_entry",
        "schedule": crontab(hour=9, minute=0, month_of_year="11-12"),
    },
    # Agreements: commitments due in 30, 7 or 1 days and not yet met (issue 12).
    "agreements-commitment-deadlines": {
        "task": "zhaoshang.agreements.tasks.warn_commitment_deadlines",
        "schedule": crontab(hour=8, minute=40),
    },
    # Events (issue 16): units below their yearly quota of events, reminded on the first
    # working day of the third and fourth quarter (the task finds the day).
    "events-quota-reminder": {
        "task": "zhaoshang.events.tasks.remind_below_quota",
        "schedule": crontab(hour=9, minute=10, month_of_year="7,10"),
    },
    # Imports whose worker died in the middle of a dry run or commit show as failed.
    "imports-interrupted": {
        "task": "zhaoshang.fail_interrupted_imports",
        "schedule": crontab(minute="*/2"),
    },
    # Notifications that could not be queued while the broker was down.
    "jobs-requeue": {
        "task": "zhaoshang.requeue_waiting_jobs",
        "schedule": crontab(minute="*/2"),
    },
    # Industry chains: local enterprises placed again by the links' rules (issue 15).
    "chains-placements": {
        "task": "zhaoshang.chains.tasks.recompute_placements",
        "schedule": crontab(hour=3, minute=10),
    },
    # Leads: past the protection period, back to the office's pool (公海).
    "leads-lapse": {
        "task": "zhaoshang.pipeline.leads.tasks.lapse_leads",
        "schedule": crontab(hour=0, minute=30),
    },
    # Portal enquiries and complaints not yet turned into leads and complaints (a portal
    # run as its own process queues nothing; the broker may have been down).
    "portal-submissions": {
        "task": "zhaoshang.portal.tasks.process_waiting_submissions",
        "schedule": crontab(minute="*"),
    },
}

# --- The public portal (zhaoshang/portal; docs/deployment.md "The portal apart") -------
# Seconds a portal page is cached (per view and language). Published content changes a
# few times a day; a minute's delay is what a visitor may see.
ZS_PORTAL_CACHE_SECONDS = int(env("ZS_PORTAL_CACHE_SECONDS", "60"))
# Enquiries (and complaints) per client address per hour.
ZS_PORTAL_RATE_LIMIT = int(env("ZS_PORTAL_RATE_LIMIT", "5"))
# True only in the portal's own process (zhaoshang/portal_settings.py): it queues no job.
ZS_PORTAL_ONLY = False
CAPTCHA_LENGTH = 4
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_TIMEOUT = 10  # minutes
# Letters and digits that do not look alike (no 0/O, 1/I/l).
CAPTCHA_CHALLENGE_FUNCT = "zhaoshang.portal.captcha.challenge"

# --- E-mail (notifications use it when configured) ------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "zhaoshang@localhost")
# Notifications e-mail only where an SMTP server was named; links in e-mail and robot
# messages start with the site's address as users reach it.
EMAIL_ENABLED = env("EMAIL_HOST") is not None
ZS_SITE_URL = env("ZS_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

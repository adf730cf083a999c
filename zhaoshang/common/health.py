"""`/healthz`: does this server reach its database and its broker?

For a monitor (a load balancer, Zabbix, a cron job with curl): 200 when both answer,
503 naming the one that did not. The answer is decided before any other middleware
runs, on purpose:
- no session is read or written, so a poll is never a person's activity (it neither
  keeps an idle session alive nor appears in anyone's trail) and needs no login;
- no host check and no HTTPS redirect, so a monitor on the server itself can ask
  http://127.0.0.1:8000/healthz whatever the site's public name;
- the body names the checks and their outcome only; why a check failed goes to the
  server's log, where the operator reads it, never to the caller (an error message may
  carry a host name or a user name).
Gunicorn's access log leaves out the successful polls (``gunicorn_conf.AccessLogger``).
"""

import json
import logging

from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PATHS = frozenset({"/healthz", "/healthz/"})

# A broker that does not answer within this many seconds counts as down: a monitor
# polls with a timeout of its own, typically 10 s.
BROKER_TIMEOUT = 3


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    from zhaoshang.celery import app

    with app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as conn:
        # One attempt, no retry loop: kombu's default retries for ever.
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
        # A round trip the worker depends on: declaring the default queue reads its
        # length (Redis LLEN; a SELECT on the embedded SQLite broker).
        conn.default_channel.queue_declare(queue=app.conf.task_default_queue)


CHECKS = {"database": check_database, "broker": check_broker}


def run_checks():
    """``{name: True/False}`` for every check."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("健康检查失败：%s", name)
            results[name] = False
        else:
            results[name] = True
    return results


def health_response(request):
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    results = run_checks()
    healthy = all(results.values())
    body = {
        "status": "ok" if healthy else "error",
        **{name: "ok" if ok else "error" for name, ok in results.items()},
    }
    if not healthy:
        body["failed"] = [name for name, ok in results.items() if not ok]
    response = HttpResponse(
        json.dumps(body),
        status=200 if healthy else 503,
        content_type="application/json",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers `/healthz` before sessions, hosts and redirects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PATHS:
            return health_response(request)
        return self.get_response(request)

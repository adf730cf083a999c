"""Gunicorn settings: what `make run` serves with, and what the systemd unit in
docs/deployment.md starts (`gunicorn -c zhaoshang/gunicorn_conf.py`).

Every value can be changed without editing this file: an option on the command line, or
``GUNICORN_CMD_ARGS="--workers 3 --timeout 120"`` in the environment, wins over it.
"""

import os

from gunicorn.glogging import Logger

wsgi_app = "zhaoshang.wsgi:application"
bind = [os.environ.get("ZS_BIND", "127.0.0.1:8000")]


def _cores():
    # The cores this process may run on (a container or a systemd CPUAffinity may give
    # it fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Gunicorn's own rule of thumb, (2 x cores) + 1: a sync worker waits on the database
# about as long as it computes, so twice the cores keeps every core busy. On the
# 2-core reference machine that is 5 (3 workers already answered 174-244 requests/s
# where the development server answered 55-96). WEB_CONCURRENCY overrides it, as on
# most hosting platforms.
# Threads do not pay here: a page is mostly Python (templates, the ORM) under one GIL, and
# the database it waits on runs on the same cores. bench/bench_load.py --workers/--threads
# on the shared 2-core machine (16/32 users, requests/s): 5 sync 3.4/3.6, 3 sync 3.9/3.4,
# 2 x 4 gthread 3.1/2.8, 3 x 4 gthread 1.7/2.2 (load averages 15-24 from neighbours, so
# only the order means anything; the pages made 18-47 % of the raw-SQL floor's rate).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
worker_class = "sync"

# Load Django once in the master, then fork: the workers share its memory pages, and
# zhaoshang.wsgi freezes the long-lived objects out of the garbage collector's way
# before the fork, so they stay shared. Code changes need a restart (as they should in
# production; developers use `manage.py runserver`).
preload_app = True

# A report or an export page may take a few seconds on a city's data; a worker silent
# for a minute is stuck and is replaced. Large exports run in the Celery worker.
timeout = 60
# Each worker proves it is alive by touching a file every second; under /tmp on a disk a
# busy disk (a backup, an import) can hold that touch up and gunicorn then kills a healthy
# worker. /dev/shm is memory (gunicorn's own advice for this case).
# (gunicorn creates its files there with mkstemp: private to it, random names.)
_SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM
# On stop, requests in flight get this long to finish; `make run` waits a little longer.
graceful_timeout = 10
keepalive = 5

# Gunicorn's control socket (a file under ~/.gunicorn) is not used: two instances on one
# machine (a test run beside `make run`) would fight over it.
control_socket_disable = True

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Paths a monitor polls: a successful answer is not written to the access log (one line
# a minute for years buries the requests people made); a failed one is.
QUIET_PATHS = frozenset({"/healthz", "/healthz/"})


class AccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS and (resp.status_code or 500) < 400:
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogger

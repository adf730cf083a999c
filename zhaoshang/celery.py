"""Celery application.

The broker comes from CELERY_BROKER_URL. Unset, it is kombu's SQLAlchemy transport on a
SQLite file beside the database: the embedded default needs no server, yet runs a real
worker and beat, so jobs behave the same as with Redis in production.
"""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")

app = Celery("zhaoshang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Shared work that belongs to no one app (large exports).
app.autodiscover_tasks(["zhaoshang.common"])


@app.task(name="zhaoshang.fail_interrupted_imports")
def fail_interrupted_imports():
    """Imports whose worker died in the middle are marked failed (common/imports.py)."""
    from zhaoshang.common.imports import fail_all_interrupted

    return fail_all_interrupted()


@app.task(name="zhaoshang.requeue_waiting_jobs")
def requeue_waiting_jobs():
    """Jobs that could not be queued while the broker was down (notifications/tasks.py)."""
    from zhaoshang.notifications.tasks import requeue_waiting

    return requeue_waiting()


@worker_ready.connect
def _fail_imports_of_dead_workers(**kwargs):
    # A worker starting again after a crash finds the jobs its predecessor left running.
    from zhaoshang.common.imports import fail_all_interrupted

    fail_all_interrupted()

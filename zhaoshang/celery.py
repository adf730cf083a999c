"""Celery application.

The broker comes from CELERY_BROKER_URL. Unset, it is kombu's SQLAlchemy transport on a
SQLite file beside the database: the embedded default needs no server, yet runs a real
worker and beat, so jobs behave the same as with Redis in production.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")

app = Celery("zhaoshang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Shared work that belongs to no one app (large exports).
app.autodiscover_tasks(["zhaoshang.common"])

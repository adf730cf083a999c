import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
application = get_wsgi_application()


def settle():
    """Load every view now, then take what the process keeps for its whole life (modules,
    URL patterns, compiled templates' code) out of the garbage collector's sight: without
    this every few requests pay a full collection that walks all of it again (about
    100 ms on a dashboard). New objects are collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's views
    gc.collect()  # nothing already unreachable is frozen
    gc.freeze()


settle()

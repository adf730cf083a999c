"""Progress of work running in the worker (imports, large exports), for the page that
polls it. Kept in the cache, which the web processes and the worker share (a file cache
in the embedded set-up, Redis in production); an hour is longer than any job runs."""

from django.core.cache import cache

TIMEOUT = 3600


def progress_set(key, done, phase):
    cache.set(f"zs:{key}", {"done": done, "phase": phase}, TIMEOUT)


def progress_get(key, default=None):
    return cache.get(f"zs:{key}") or default

"""The one hook around writes that can change the counted funds in place.

Funds entries are written here in projects (added, deleted), and their counting follows
a project's stage (a dropped project's funds leave the sums) and its responsible unit
(funds received after a hand-over count for the new unit). Whoever keeps figures derived
from them (reports' monthly funds sums, ``FundsMonth``) registers a watcher once, in its
``AppConfig.ready``; every such write runs inside ``changing``, so no caller has to
remember the sums and projects do not import reports.

A watcher is ``fn(project_ids)`` returning a context manager: it may read the projects'
funds before the write and after it, and must apply nothing when the write raises.
"""

from contextlib import ExitStack, contextmanager

WATCHERS = []


def register_watcher(fn):
    """Add a watcher (idempotent: a second ``ready()`` keeps one)."""
    if fn not in WATCHERS:
        WATCHERS.append(fn)
    return fn


@contextmanager
def changing(project_ids):
    """Run the block as a write that may change the counted funds of ``project_ids``."""
    ids = list(project_ids)
    with ExitStack() as stack:
        for watcher in WATCHERS:
            stack.enter_context(watcher(ids))
        yield

"""Reads that may go to a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

A city or province runs reports, dashboards and exports over the records of many units;
those reads are large, tolerate a replica's second of delay, and are what a replica is
for. Everything else stays on the primary: the pages people edit from, and every read
a write depends on (a form's record, a stage before a move, a session, a permission).

Why a router keyed on a context, rather than ``.using("replica")`` in each query: the
reports are computed by several modules (``reports.rules`` loads the facts,
``reports.monthly`` sums them, ``org.scoping`` scopes the lists, the export helpers
stream querysets built by each app's ``queries``), and a related object fetched lazily
follows the router, not the queryset it came from. Marking the *request* (the view
decorator below) or the *export* (``common.excel``) routes all of them and any query
added to them later, with one line at the entry point and none in the query code. The
Django router is the documented place for this; the context is a ``ContextVar``, so
it ends with the request (or thread) that set it.

Three guards keep a read on the primary even inside the context: a request that is not
GET or HEAD (a POST reads what it is about to change); a read inside a transaction on
the primary (``transaction.atomic``: it must see its own writes and lock rows); and the
signed-in user's identity and permissions, which the decorator reads from the primary
before it switches, so a revoked permission counts at once, not after the replica's
delay.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

_reading = ContextVar("zs_replica_reads", default=False)


def replica_enabled():
    """True when a replica was configured (``settings.READ_REPLICA``)."""
    return bool(getattr(settings, "READ_REPLICA", False)) and REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica, when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_replica(view):
    """A report, dashboard or export page: its GET reads from the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from zhaoshang.org.scoping import user_scope

            user_scope(user)  # permissions and data scope from the primary, kept for the request
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads in a ``replica_reads`` context go to the replica;
    writes, migrations and all other reads go to the primary."""

    def db_for_read(self, model, **hints):
        if not _reading.get() or not replica_enabled():
            return None
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # One database seen through two connections: a project read from the replica
        # may be linked to a row written to the primary.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        # The replica receives the primary's schema by replication, never by migrate.
        return False if db == REPLICA else None

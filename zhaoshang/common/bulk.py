"""Inserting many rows of one model at once, for imports.

``bulk_create`` builds a model instance per row and an INSERT … RETURNING per batch; for
100,000 rows that costs more than reading and checking the file. On PostgreSQL the keys
are taken from the table's own sequence first and the rows go in with COPY; elsewhere
(SQLite) ``bulk_create`` does the job, as its writes are local anyway.

The rows are plain dicts of attribute name → value; fields a row leaves out get their
model default, ``auto_now``/``auto_now_add`` fields the current time: what ``save()``
would have written. No signals are sent and ``save()`` is not called, as with
``bulk_create``; callers write their own audit lines (with this same function)."""

import json

from django.db import connection
from django.utils import timezone


def _columns(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _plan(fields, now):
    """(attname, default, JSON encoder or False) per field, worked out once per insert,
    not per row (so not for models whose defaults must differ row by row, such as UUIDs)."""
    out = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()
        out.append((f.attname, default, f.get_internal_type() == "JSONField" and f.encoder))
    return out


def _copy_row(plan, row):
    values = []
    for attname, default, json_encoder in plan:
        value = row.get(attname, default)
        if json_encoder is not False and value is not None:
            # COPY's text format: the JSON text itself, which PostgreSQL parses into jsonb.
            value = json.dumps(value, cls=json_encoder, ensure_ascii=False)
        values.append(value)
    return values


def reserve_ids(model, count):
    """``count`` new primary keys from the table's sequence (PostgreSQL), ascending."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return sorted(r[0] for r in cursor.fetchall())


def insert_rows(model, rows, *, batch_size=2000, count=None, ids=None):
    """Insert ``rows`` (dicts without the key) and return their new keys, in order.

    With ``count`` (how many rows there are), ``rows`` may be a generator: on PostgreSQL
    each row is then made as the COPY sends it, while the database indexes the rows
    before it, instead of all of them first. ``ids``: keys already taken with
    ``reserve_ids`` (PostgreSQL), for a generator that needs each row's key."""
    if count is None or connection.vendor != "postgresql":
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    now = timezone.now()
    fields = _columns(model)
    if connection.vendor != "postgresql":
        objs = [model(**{f.attname: _raw(f, row, now) for f in fields}) for row in rows]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [o.pk for o in objs]
    if ids is None:
        ids = reserve_ids(model, count)
    names = ", ".join(connection.ops.quote_name(f.column) for f in [model._meta.pk, *fields])
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        plan = _plan(fields, now)
        for pk, row in zip(ids, rows, strict=True):
            copy.write_row([pk, *_copy_row(plan, row)])
    return ids


def _raw(field, row, now):
    """The Python value for a model instance (bulk_create adapts it itself)."""
    if field.attname in row:
        return row[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()

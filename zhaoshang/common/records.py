"""Audited writes shared by every app's services.

``record_create``, ``record_update`` and ``record_delete`` change one row, write its
audit line in the same transaction, and (for updates) refuse a stale edit: the update
only applies ``WHERE version = <the version the user edited>``, so of two people who
opened the same record the second to save is told, and nothing is overwritten."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record, diff, snapshot

STALE_MESSAGE = "该记录已被他人修改（您打开后又有人保存过），请刷新页面后重新编辑。"


class StaleEditError(ValidationError):
    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def _split(model, data):
    plain, m2m = {}, {}
    for name, value in data.items():
        field = model._meta.get_field(name)
        (m2m if field.many_to_many else plain)[name] = value
    return plain, m2m


@transaction.atomic
def record_create(model, *, actor, data, detail=""):
    plain, m2m = _split(model, data)
    obj = model(**plain)
    obj.full_clean(validate_unique=True)
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    audit_record(
        AuditEvent.Action.CREATE,
        actor=actor,
        obj=obj,
        changes=diff({}, snapshot(obj, list(data))),
        detail=detail,
    )
    return obj


@transaction.atomic
def record_update(obj, *, actor, data, version=None, detail="", action=AuditEvent.Action.UPDATE):
    """Apply ``data`` to ``obj``. ``version`` is the version the user's form was built
    on; when given and the row has moved on since, StaleEditError is raised."""
    model = type(obj)
    plain, m2m = _split(model, data)
    # "Before" comes from the database: a ModelForm has already written the new values
    # onto ``obj`` while validating.
    stored = model._default_manager.filter(pk=obj.pk).first()
    before = snapshot(stored, list(data)) if stored is not None else {}
    for name, value in plain.items():
        setattr(obj, name, value)
    obj.full_clean(validate_unique=True)
    versioned = any(f.name == "version" for f in model._meta.fields)
    if versioned:
        query = model._default_manager.filter(pk=obj.pk)
        if version is not None:
            query = query.filter(version=version)
        attnames = [model._meta.get_field(n).attname for n in plain]
        values = {a: getattr(obj, a) for a in attnames}
        if not query.update(version=F("version") + 1, **values):
            raise StaleEditError()
        obj.version = (version if version is not None else obj.version) + 1
    else:
        obj.save(update_fields=list(plain) or None)
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    changes = diff(before, snapshot(obj, list(data)))
    if changes:
        audit_record(action, actor=actor, obj=obj, changes=changes, detail=detail)
    return obj


@transaction.atomic
def record_delete(obj, *, actor, detail=""):
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
    audit_record(
        AuditEvent.Action.DELETE,
        actor=actor,
        obj=obj,
        changes={k: [v, None] for k, v in snapshot(obj, fields).items()},
        detail=detail,
    )
    try:
        obj.delete()
    except models.ProtectedError as exc:
        names = "、".join(sorted({o._meta.verbose_name for o in exc.protected_objects}))
        raise ValidationError(f"“{obj}”仍被{names}引用，不能删除。") from exc

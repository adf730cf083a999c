"""Changes as an auditor or clerk reads them: Chinese field names, choice labels."""

from django import template
from django.apps import apps

register = template.Library()


def _model(object_type):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


@register.filter
def readable_changes(event, hidden=None):
    """[(label, old, new)] of an event's changes, without the ``hidden`` fields."""
    hidden = set((hidden or "").split(",")) if isinstance(hidden, str) else set(hidden or ())
    model = _model(event.object_type)
    out = []
    for name, values in (event.changes or {}).items():
        if name in hidden or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        label, old, new = name, values[0], values[1]
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S110 - not a field name (a free-form key such as 角色)
                field = None
            if field is not None:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(field.choices or ()) if getattr(field, "choices", None) else {}
                if choices:
                    old, new = (choices.get(v, v) if isinstance(v, str) else v for v in (old, new))
        old, new = ("、".join(map(str, v)) if isinstance(v, list) else v for v in (old, new))
        out.append(
            (label, "（空）" if old in (None, "") else old, "（空）" if new in (None, "") else new)
        )
    return out

"""Template helpers of the portal: links in the page's language, and figures written as
the staff pages write them (``common/formats.py``, not copies)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhaoshang.common import formats
from zhaoshang.org.queries import district_name as _district_name

register = template.Library()


@register.simple_tag
def purl(name, *args):
    """The portal page ``name`` in the language being rendered (/portal/ or /portal/en/)."""
    suffix = "_en" if get_language() == "en" else ""
    return reverse(f"portal:{name}{suffix}", args=args)


@register.simple_tag
def district_name():
    return _district_name()


register.filter("wan", formats.wan_number)


@register.simple_tag
def figure(value, kind):
    return formats.figure_text(value, kind)


@register.simple_tag
def unit_of(kind):
    return _(formats.KIND_UNIT.get(kind, ""))


@register.simple_tag
def cndate(value):
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    if get_language() == "en" and value:
        return f"{value:%Y-%m-%d}"
    return formats.cn_date(value)


@register.simple_tag
def public_rows(rows):
    """The rows of a bulletin list whose enterprise agreed to be shown."""
    return [r for r in rows or [] if r.get("public")]

"""The one library of formatting filters for every template: {% load zs_format %}.

Each filter is a thin wrapper of ``zhaoshang.common.formats``, which exports and
messages use too, so a page and its spreadsheet print a figure the same way."""

from django import template

from zhaoshang.common import formats

register = template.Library()


@register.filter
def wan(amount):
    """Yuan → "1,170,800.00" in 万, for a column headed （万元）; "—" when unknown."""
    return formats.wan_number(amount)


@register.filter
def wan_text(amount):
    """Yuan → "1,170,800.00万元", for a value shown without a 万元 header."""
    return formats.wan_text(amount)


@register.filter
def cndate(value):
    """2026年12月7日; a datetime in Asia/Shanghai; "—" when unknown."""
    return formats.cn_date(value)


@register.filter
def shown(value, kind):
    """A report figure: a count as an integer, an amount in 万 with separators."""
    return formats.figure_text(value, kind)


@register.filter
def pct(value):
    return formats.percent(value)


@register.filter
def unit_label(kind):
    return formats.KIND_UNIT.get(kind, "")


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None (a missing key or not a mapping)."""
    return mapping.get(key) if hasattr(mapping, "get") else None

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.http import urlencode

from zhaoshang.reports import exports

register = template.Library()


@register.filter
def wan(value):
    """Yuan (or dollars) as 万 with two decimals and thousands separators."""
    if value in (None, ""):
        return "—"
    return intcomma(exports.wan(value))


@register.filter
def shown(value, kind):
    """A figure as the report writes it: count as an integer, amounts in 万."""
    if value in (None, ""):
        return "—"
    if kind == "count":
        return int(Decimal(str(value)))
    return wan(value)


@register.filter
def pct(value):
    return "—" if value in (None, "") else f"{value}%"


@register.filter
def cn_date(value):
    return exports.cn_date(value) if value else "—"


@register.simple_tag
def drill(data, ind, period="ytd", unit=None, dim=None, key=None):
    """The link from a figure to the records behind it."""
    params = {"year": data["year"], "month": data["month"], "ind": ind, "period": period}
    if unit:
        params["unit"] = unit
    if dim:
        params["dim"] = dim
        params["key"] = "none" if key is None else key
    return f"{reverse('reports:records')}?{urlencode(params)}"


UNITS = {"count": "个", "cny": "万元", "usd": "万美元"}


@register.filter
def unit_label(kind):
    return UNITS.get(kind, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None

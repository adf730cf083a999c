"""The report pages' own tag: the link from a figure to the records behind it.
Amounts, dates, figures and percentages are formatted by ``zs_format``."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


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

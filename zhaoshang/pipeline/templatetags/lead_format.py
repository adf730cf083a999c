from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def wan(amount):
    """Yuan as 万元, as Chinese lists print amounts: 12345678.00 -> 1234.57."""
    if amount in (None, ""):
        return "—"
    value = (Decimal(amount) / 10000).quantize(Decimal("0.01"))
    return f"{value.normalize():,f}"


@register.filter
def cndate(value):
    """2026年11月23日, in Asia/Shanghai for a datetime."""
    if not value:
        return "—"
    from django.utils import timezone

    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"

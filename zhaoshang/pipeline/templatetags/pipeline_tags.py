"""Amounts and dates as a Chinese office writes them in lists: 万元 and 2026年11月23日."""

from django import template

register = template.Library()


@register.filter
def wan(amount):
    """Yuan (Decimal) → "12,500.00万元"; "—" when unknown."""
    if amount is None or amount == "":
        return "—"
    return f"{amount / 10000:,.2f}万元"


@register.filter
def cndate(value):
    if not value:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def get_item(mapping, key):
    return mapping.get(key)

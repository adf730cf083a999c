"""Amounts as the incentive pages show them: yuan with two places beside 万元, from the
Decimal or the string a calculation keeps."""

from decimal import Decimal, InvalidOperation

from django import template

from zhaoshang.common import formats

register = template.Library()


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yuan(value):
    """ "1234567.8" → "1,234,567.80 元"; "—" when unknown."""
    number = _decimal(value)
    return "—" if number is None else f"{formats.number(number)} 元"


@register.filter
def wan(value):
    """Yuan → "540.00万元" (``common.formats``), for a value shown without a 万元 header."""
    return formats.wan_text(_decimal(value))


@register.filter
def amount(value):
    """An amount for a column that shows both: "123.45 万元（1,234,500.00 元）"."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{formats.wan_text(number)}（{formats.number(number)} 元）"


@register.filter
def clause_text(clause):
    from ..clauses import describe

    return describe(clause)


@register.filter
def figure(value):
    """A figure as kept in a calculation: a number gets its thousands separators
    ("4,800,000.00"), a description ("1200 平方米 × 365 天") stays as written."""
    number = _decimal(value)
    if number is None:
        return value if value not in (None, "") else "—"
    return (
        f"{number:,.2f}"
        if number != number.to_integral_value() or "." in str(value)
        else f"{number:,}"
    )

"""Reads of the promotion budget, always through ``for_user``: lines with their rates,
spending lists, and the report by unit and line."""

from typing import Any

from .models import BudgetLine, Spending


def lines(user: Any) -> Any:
    return BudgetLine.objects.for_user(user).select_related("department")


def spendings(user: Any) -> Any:
    return Spending.objects.for_user(user)

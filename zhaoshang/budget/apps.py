from django.apps import AppConfig


class BudgetConfig(AppConfig):
    """The promotion budget (专项经费, M24): lines per unit, year and category, their
    adjustments, and the spending events, finder rewards and agency fees post to them."""

    name = "zhaoshang.budget"
    verbose_name = "招商专项经费"

"""The promotion budget (招商引资专项经费, Hexi clause (二十七)): a line per unit, year and
category, approved once by finance and then adjusted by recorded entries (never
overwritten), and the spending posted to it with its voucher.

A line keeps the sums of its adjustments and spending beside the approved amount
(``adjusted``, ``spent``): the balance every posting checks is then one locked row,
not a sum over thousands, and the list pages read it without aggregating. The sums are
only ever changed by the services that add the entries, in the same transaction."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}
# A line warns its unit and finance once this share of it is spent.
WARNING_RATE = Decimal("0.90")


class Category(models.TextChoices):
    PLANNING = "planning", "项目策划"
    PUBLICITY = "publicity", "宣传推介"
    OUTBOUND = "outbound", "外出招商"
    TRAINING = "training", "人才培养"
    REWARDS = "rewards", "奖励"
    AGENCY_FEES = "agency_fees", "委托招商费"
    OTHER = "other", "其他"


class BudgetLineQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = ""  # a line belongs to its unit, not to the clerk who set it


class BudgetLine(models.Model):
    """专项经费科目: what a unit may spend in a year on one category."""

    department = models.ForeignKey(
        "org.Department", verbose_name="单位", on_delete=models.PROTECT, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("科目", max_length=20, choices=Category.choices)
    approved = models.DecimalField("批复金额（元）", **MONEY)
    # The sum of the line's adjustments (BudgetAdjustment rows), kept with them.
    adjusted = models.DecimalField("调整金额（元）", default=Decimal("0.00"), **MONEY)
    # The sum of the line's spending (Spending rows), kept with them.
    spent = models.DecimalField("已支出（元）", default=Decimal("0.00"), **MONEY)
    # When the 90% warning went out; cleared when an adjustment brings the rate below.
    warned_at = models.DateTimeField("预警时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("设立时间", auto_now_add=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = "经费科目"
        verbose_name_plural = "经费科目"
        ordering = ["-year", "department_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "category"], name="budget_line_unique"
            ),
        ]
        indexes = [models.Index(fields=["year", "department"], name="budget_line_year_unit")]
        permissions = [
            ("view_budget", "查阅专项经费"),
            ("manage_budget", "设立和调整经费科目"),
            ("post_spending", "登记经费支出"),
        ]

    def __str__(self):
        return f"{self.department} {self.year} 年度{self.get_category_display()}"

    @property
    def total(self) -> Decimal:
        """The amount available: approved plus every adjustment."""
        return self.approved + self.adjusted

    @property
    def balance(self) -> Decimal:
        return self.total - self.spent

    @property
    def rate(self) -> Decimal | None:
        """Execution rate (spent / total), None for a line of nothing."""
        return self.spent / self.total if self.total > 0 else None


class AdjustmentQuerySet(ScopedQuerySet):
    scope_unit_field = "line__department"
    scope_owner_field = ""


class BudgetAdjustment(models.Model):
    """预算调整: an amount added to (or taken from) a line, with the reason."""

    line = models.ForeignKey(
        BudgetLine, verbose_name="经费科目", on_delete=models.PROTECT, related_name="adjustments"
    )
    amount = models.DecimalField("调整金额（元，减少为负）", **MONEY)
    reason = models.CharField("调整理由", max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("调整时间", auto_now_add=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = "经费调整"
        verbose_name_plural = "经费调整"
        ordering = ["at", "id"]


class SpendingQuerySet(ScopedQuerySet):
    # The unit is kept on the row (the line's), so a list scopes and filters without a join.
    scope_unit_field = "department"
    scope_owner_field = "created_by"


class Spending(models.Model):
    """经费支出: an amount spent from a line, with its voucher and, when another record
    caused it (an event, a finder reward, an agency fee), a reference to that record."""

    line = models.ForeignKey(
        BudgetLine, verbose_name="经费科目", on_delete=models.PROTECT, related_name="spendings"
    )
    # The line's unit and year, copied so lists filter and scope on the row itself.
    department = models.ForeignKey(
        "org.Department", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额（元）", **MONEY)
    occurred_on = models.DateField("支出日期")
    summary = models.CharField("摘要", max_length=200)
    voucher = models.FileField("凭证", upload_to="budget/vouchers/%Y/%m", blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = SpendingQuerySet.as_manager()

    class Meta:
        verbose_name = "经费支出"
        verbose_name_plural = "经费支出"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # The list: newest first, everyone's or one unit's; one line's entries.
            models.Index(fields=["-occurred_on", "-id"], name="spending_newest"),
            models.Index(fields=["department", "-occurred_on", "-id"], name="spending_unit_newest"),
            models.Index(fields=["line", "-occurred_on"], name="spending_line"),
            models.Index(fields=["source_type", "source_id"], name="spending_source"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.summary}"

"""Exchange rates the office sets per month, issued monthly reports (frozen), and the
monthly funds-in-place sums the report and the dashboards read."""

from django.conf import settings
from django.db import models


class ExchangeRate(models.Model):
    """Yuan per one unit of ``currency`` for a month: funds received that month in that
    currency convert at this rate (counting rule 5 in docs/counting-rules.md)."""

    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    currency = models.CharField("币种", max_length=3)
    rate = models.DecimalField("汇率（1 单位外币折合人民币元）", max_digits=12, decimal_places=6)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "月度汇率"
        verbose_name_plural = "月度汇率"
        ordering = ["-year", "-month", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "currency"], name="rate_month_cur")
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月 {self.currency} {self.rate}"


class IssuedReport(models.Model):
    """A month's report as the office issued it: every figure frozen in ``data`` so later
    edits to projects never change what went out. Re-issuing adds a version and lists
    the figures that changed against the previous one in ``changes``."""

    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("报告数据")
    changes = models.JSONField("与上一版相比变化的数字", default=list)
    note = models.CharField("发布说明", max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "已发布月报"
        verbose_name_plural = "已发布月报"
        ordering = ["-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "version"], name="issued_report_version"
            )
        ]
        permissions = [
            ("view_report", "查看统计月报和全区驾驶舱"),
            ("view_issued_report", "查看已发布的统计月报"),
            ("issue_report", "发布统计月报、设置汇率"),
            ("view_unit_dashboard", "查看本单位目标完成情况"),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月统计月报（第{self.version}版）"


class FundsMonth(models.Model):
    """Funds in place of one unit, month, currency and source, summed by counting rule 5
    (the unit responsible on the day received; funds of dropped projects left out).

    A derived table: ``reports.services.funds_recount`` keeps it right in the same
    transaction as every write that can move a sum (an entry added or deleted, a project
    dropped, a change of responsible unit), and ``funds_month_rebuild`` recomputes it
    from the entries. The report and the dashboards read these few thousand rows instead
    of a city's million entries. Amounts are whole cents of ``currency`` so that adding
    and subtracting stays exact on SQLite too."""

    unit = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="+", verbose_name="单位"
    )
    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    currency = models.CharField("币种", max_length=3)
    source = models.CharField("资金来源", max_length=10)
    cents = models.BigIntegerField("金额（分）")
    entries = models.IntegerField("笔数")  # no CHECK: an upsert adds a negative difference

    class Meta:
        verbose_name = "月度到位资金汇总"
        verbose_name_plural = "月度到位资金汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month", "currency", "source"], name="funds_month_key"
            )
        ]
        indexes = [models.Index(fields=["year", "month"], name="funds_month_ym")]

    def __str__(self):
        return f"{self.unit_id} {self.year}年{self.month}月 {self.currency} {self.source}"


class Bulletin(models.Model):
    """招商工作简报 for a month or a quarter (M23 with M16): generated from the records
    (``bulletins.bulletin_data``) with a lead paragraph the office may edit, then issued
    as a Word document and a portal page. Issuing freezes it: ``data`` and ``lead`` never
    change again (the services refuse, and the update that issues matches only a draft),
    so what went out stays what went out, as an issued monthly report does."""

    class Kind(models.TextChoices):
        MONTH = "month", "月度"
        QUARTER = "quarter", "季度"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已发布"

    kind = models.CharField("周期", max_length=8, choices=Kind.choices)
    year = models.PositiveIntegerField("年度")
    period = models.PositiveSmallIntegerField("月份或季度")
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    lead = models.TextField("导语")
    data = models.JSONField("简报数据")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "招商工作简报"
        verbose_name_plural = "招商工作简报"
        ordering = ["-year", "-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "period"], name="bulletin_period"),
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=models.Q(number__isnull=False),
                name="bulletin_number",
            ),
        ]
        indexes = [models.Index(fields=["status", "-issued_at"], name="bulletin_status_issued")]

    def __str__(self):
        return self.title

    @property
    def period_label(self):
        if self.kind == self.Kind.QUARTER:
            return f"{self.year}年第{'一二三四'[self.period - 1]}季度"
        return f"{self.year}年{self.period}月"

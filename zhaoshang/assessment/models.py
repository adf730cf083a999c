"""目标任务 (M17): each unit's numbers to reach in a year. The monthly report compares
what the records count (``reports.rules``) against these."""

from django.conf import settings
from django.db import models

from zhaoshang.common.models import ImportJob
from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}

# (field, Chinese label, kind) in the order of the report's main indicators. ``kind`` says
# how a figure is shown: "count" in 个, "cny" in 万元, "usd" in 万美元.
INDICATORS = [
    ("signed_projects", "签约项目", "count"),
    ("agreed_investment", "协议投资额", "cny"),
    ("funds_domestic", "内资到位资金", "cny"),
    ("funds_foreign", "外资到位资金", "cny"),
    ("foreign_investment_usd", "实际利用外资", "usd"),
    ("major_projects", "重大项目", "count"),
    ("head_enterprise_projects", "500强企业项目", "count"),
    ("emerging_projects", "战略性新兴产业项目", "count"),
    ("landed_projects", "落地项目", "count"),
]
INDICATOR_LABELS = {code: label for code, label, _ in INDICATORS}
INDICATOR_KINDS = {code: kind for code, _, kind in INDICATORS}


class TargetQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = ""


class Target(models.Model):
    """One unit's targets for one year; amounts in yuan (foreign investment in USD)."""

    year = models.PositiveIntegerField("年度")
    department = models.ForeignKey(
        "org.Department", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    signed_projects = models.PositiveIntegerField("签约项目（个）", default=0)
    agreed_investment = models.DecimalField("协议投资额（元）", default=0, **MONEY)
    funds_domestic = models.DecimalField("内资到位资金（元）", default=0, **MONEY)
    funds_foreign = models.DecimalField("外资到位资金（元）", default=0, **MONEY)
    foreign_investment_usd = models.DecimalField("实际利用外资（美元）", default=0, **MONEY)
    major_projects = models.PositiveIntegerField("重大项目（个）", default=0)
    head_enterprise_projects = models.PositiveIntegerField("500强企业项目（个）", default=0)
    emerging_projects = models.PositiveIntegerField("战略性新兴产业项目（个）", default=0)
    landed_projects = models.PositiveIntegerField("落地项目（个）", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        ordering = ["year", "department__sort_order", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "department"], name="target_year_department")
        ]
        permissions = [("manage_target", "下达和导入目标任务")]

    def __str__(self):
        return f"{self.year}年 {self.department}"


class TargetImport(ImportJob):
    """A target file imported through the worker (common/imports.JobImport)."""

    class Meta(ImportJob.Meta):
        verbose_name = "目标任务导入"
        verbose_name_plural = "目标任务导入"

    def __str__(self):
        return f"目标任务导入：{self.file_name}"


class Scheme(models.Model):
    """考核办法: the office's scoring scheme for a year. Each save is a new version (a row
    never changes once written), so a result names exactly the scheme it was scored by.

    ``items``: the scored indicators, each ``{"code", "weight", "method", "target",
    "target_value", "cap", "step", "per_case", "groups"}`` (see ``scoring.py``);
    ``call_in``: the rules the scheme adds to the built-in one (no signed project in the
    year), each ``{"code", "below"}``; ``call_in_last``: the last of each group is called in."""

    year = models.PositiveIntegerField("年度")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=100)
    items = models.JSONField("考核指标", default=list)
    call_in = models.JSONField("约谈规则", default=list)
    call_in_last = models.BooleanField("各组末位约谈", default=False)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核办法"
        verbose_name_plural = "考核办法"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="scheme_year_version")
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"


class Result(models.Model):
    """A computed assessment: provisional for a month or a quarter, final for the year.

    Computed in the worker (``tasks.compute_result``) into ``data``: every unit's score
    sheet, the rankings per group and the call-in list. Issuing freezes it (the update
    that issues matches only a ready result, and nothing writes ``data`` afterwards);
    a change after issue is a new version computed again, with its reason and the figures
    that changed against the version before (``changes``)."""

    class Kind(models.TextChoices):
        MONTH = "month", "月度（预评）"
        QUARTER = "quarter", "季度（预评）"
        YEAR = "year", "年度（正式）"

    class Status(models.TextChoices):
        QUEUED = "queued", "等待计算"
        RUNNING = "running", "计算中"
        READY = "ready", "已计算"
        FAILED = "failed", "计算失败"
        ISSUED = "issued", "已发布"

    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    period = models.PositiveSmallIntegerField("月份或季度", default=0)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="results")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    data = models.JSONField("考核结果", default=dict)
    error = models.TextField("错误", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    reason = models.CharField("修订原因", max_length=200, blank=True)
    changes = models.JSONField("与上一版相比变化", default=list)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = models.TextField("通报导语", blank=True)
    objection_until = models.DateField("异议截止日期", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    computed_at = models.DateTimeField("计算完成时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["-year", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "period", "version"],
                condition=models.Q(status="issued"),
                name="result_issued_version",
            )
        ]

    def __str__(self):
        return f"{self.period_label}考核结果"

    @property
    def period_label(self):
        if self.kind == self.Kind.MONTH:
            return f"{self.year}年1—{self.period}月"
        if self.kind == self.Kind.QUARTER:
            return f"{self.year}年第{'一二三四'[self.period - 1]}季度"
        return f"{self.year}年度"


class Objection(models.Model):
    """异议: a unit's objection to an issued result, filed within the objection window; the
    office answers it. An accepted objection is put right by a new version of the result."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="objections")
    unit = models.ForeignKey(
        "org.Department", verbose_name="提出单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField("涉及指标", max_length=40, blank=True)
    text = models.TextField("异议内容")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    accepted = models.BooleanField("是否采纳", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核结果异议"
        verbose_name_plural = "考核结果异议"
        ordering = ["filed_at", "id"]

    def __str__(self):
        return f"{self.unit}对{self.result}的异议"

"""目标任务 (M17): each unit's numbers to reach in a year. The monthly report compares
what the records count (``reports.rules``) against these."""

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

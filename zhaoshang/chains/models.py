"""Industry chains (M5, Hexi (五) "建链、延链、补链、强链", Chengyang 四(三) 产业链招商).

A chain is a tree of links from upstream to downstream; each link names national
industry classes (GB/T 4754 divisions) and keywords, and the district's key industry.
Local enterprises are placed on links by those classes and keywords (``Placement``,
source ``rule``), or by hand (source ``manual``); a manual removal is a row kept with
``removed`` set, so a later recomputation does not put the enterprise back.

Gaps are computed, never stored: ``gaps.classify`` applies the chain's own thresholds
(set by the office on the chain) to each link's strength."""

import re

from django.conf import settings
from django.db import models

from zhaoshang.common.models import ImportJob
from zhaoshang.org.models import Versioned

MONEY = {"max_digits": 16, "decimal_places": 2}


class Position(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


POSITION_RANK = {Position.UPSTREAM: 0, Position.MIDSTREAM: 1, Position.DOWNSTREAM: 2}


class Chain(Versioned):
    name = models.CharField("产业链名称", max_length=50, unique=True)
    key_industry = models.ForeignKey(
        "reference.KeyIndustry",
        verbose_name="对应重点产业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    description = models.TextField("发展定位", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    # The gap rules: thresholds the office sets for each chain (gaps.py applies them).
    empty_at_most = models.PositiveIntegerField(
        "空白环节标准（本地企业不超过，家）",
        default=0,
        help_text="本地企业数不超过该数的环节视为空白环节（建链、延链或补链）",
    )
    strengthen_below = models.PositiveIntegerField(
        "强链标准（本地企业少于，家）",
        default=3,
        help_text="有本地企业但少于该数的环节为“强链”环节",
    )
    strengthen_revenue_below = models.DecimalField(
        "强链标准（营业收入合计低于，元）",
        null=True,
        blank=True,
        help_text="有经营数据时，环节本地企业营业收入合计低于该数也为“强链”环节；不填则不看营业收入",
        **MONEY,
    )
    build_below_links = models.PositiveIntegerField(
        "建链标准（有本地企业的环节少于，个）",
        default=2,
        help_text="全链有本地企业的环节少于该数时，空白环节均为“建链”环节",
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name="复制自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "id"]
        permissions = [("manage_chains", "维护产业链")]

    def __str__(self):
        return self.name


class Link(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("环节名称", max_length=50)
    position = models.CharField(
        "链上位置", max_length=12, choices=Position.choices, default=Position.MIDSTREAM
    )
    industries = models.ManyToManyField(
        "reference.Industry",
        verbose_name="对应国民经济行业",
        blank=True,
        related_name="chain_links",
    )
    keywords = models.CharField(
        "关键词", max_length=300, blank=True, help_text="多个关键词用顿号、逗号或空格分隔"
    )
    key_industry = models.ForeignKey(
        "reference.KeyIndustry",
        verbose_name="对应重点产业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chain_links",
    )
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="chain_link_name"),
        ]

    def __str__(self):
        return f"{self.chain.name}·{self.name}" if "chain" in self.__dict__ else self.name

    @property
    def keyword_list(self):
        return split_keywords(self.keywords)


def split_keywords(text):
    """The keywords of a link as the office types them: 、，, ； or spaces between."""
    return [k for k in re.split(r"[、，,；;\s]+", text or "") if k]


class Placement(models.Model):
    """A local enterprise on a link: placed by rule (class or keyword) or by hand. A row
    with ``removed`` is a manual removal: recomputation keeps it and places nothing."""

    class Source(models.TextChoices):
        RULE = "rule", "规则匹配"
        MANUAL = "manual", "人工加入"

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="placements")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="chain_placements"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    removed = models.BooleanField("已人工移出", default=False)
    reason = models.CharField("依据", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "环节本地企业"
        verbose_name_plural = "环节本地企业"
        constraints = [
            models.UniqueConstraint(fields=["link", "enterprise"], name="placement_unique"),
        ]
        indexes = [models.Index(fields=["enterprise"], name="placement_enterprise")]


class ChainLead(models.Model):
    """The chain and link a lead was registered for ("登记线索" on a target), with the
    score and reasons shown then. Kept here, one row per lead, so the pipeline's model
    does not learn about chains."""

    project = models.OneToOneField(
        "pipeline.Project", on_delete=models.CASCADE, related_name="chain_origin"
    )
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="leads")
    score = models.IntegerField("推荐得分", default=0)
    reasons = models.JSONField("推荐理由", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "产业链线索"
        verbose_name_plural = "产业链线索"


class TargetSettings(models.Model):
    """The weights of the target ranking, one row, edited by the office (not code):
    ``weights`` maps a reason's key (see ``ranking.WEIGHTS``; ``tag:<标签>`` and
    ``area:<经济区域代码>`` for tags and headquarters regions) to its points."""

    weights = models.JSONField("权重", default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "目标企业推荐权重"
        verbose_name_plural = "目标企业推荐权重"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class ChainImport(ImportJob):
    """A chain file (chain, link, parent, classes, keywords) imported through the worker
    (common/imports.JobImport)."""

    class Meta(ImportJob.Meta):
        verbose_name = "产业链导入"
        verbose_name_plural = "产业链导入"

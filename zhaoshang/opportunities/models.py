"""The opportunity library (招商项目库, M4): projects the district plans and offers to
investors, with the carrier or land parcel they sit on, the investment they need and how
an investor may come in. A published opportunity shows on the portal; a lead names the
opportunity it came from (``pipeline.Project.opportunity``), so reports count leads and
signings per opportunity. Statuses move only through ``workflow.py``."""

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class Status(models.TextChoices):
    IN_LIBRARY = "in_library", "在库"
    PUBLISHED = "published", "发布"
    NEGOTIATING = "negotiating", "洽谈中"
    LANDED = "landed", "已落地"
    WITHDRAWN = "withdrawn", "撤回"


# What the portal shows: offered now, being negotiated, or landed (a success story).
PUBLIC_STATUSES = [Status.PUBLISHED, Status.NEGOTIATING, Status.LANDED]


class Cooperation(models.TextChoices):
    """合作方式: how an investor may come in."""

    SOLE = "sole", "独资"
    JOINT = "joint", "合资"
    EQUITY = "equity", "股权投资"
    COOPERATION = "cooperation", "合作经营"
    LEASE = "lease", "租赁"
    TRANSFER = "transfer", "转让"
    OTHER = "other", "其他"


class OpportunityQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"

    def public(self):
        """The rows the portal may show (the portal's database role sees only these)."""
        return self.filter(status__in=PUBLIC_STATUSES)


class Opportunity(Versioned):
    name = models.CharField("项目名称", max_length=200)
    summary = models.TextField("项目简介")
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name="国民经济行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key_industry = models.ForeignKey(
        "reference.KeyIndustry",
        verbose_name="重点产业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    zone = models.ForeignKey(
        "reference.Zone",
        verbose_name="功能区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    carrier = models.ForeignKey(
        "reference.Carrier",
        verbose_name="载体 / 地块",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    investment = models.DecimalField("投资规模（元）", **MONEY)
    cooperation = models.JSONField("合作方式", default=list)
    sought = models.TextField("合作需求", blank=True, help_text="寻求什么样的投资方、资金或技术")
    expected_returns = models.TextField("预期收益", blank=True)
    contact = models.CharField("联系方式（对外公布）", max_length=100, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.IN_LIBRARY
    )
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-id"]
        indexes = [
            # The portal's list: public rows, newest first, optionally of one industry.
            models.Index(fields=["status", "-id"], name="opportunity_status_id"),
            models.Index(fields=["key_industry", "status", "-id"], name="opportunity_ki_status"),
            # The portal's lists: public rows only, newest first, whole or of one industry;
            # their counts read these small indexes alone.
            models.Index(
                fields=["-id"],
                condition=models.Q(status__in=["published", "negotiating", "landed"]),
                name="opportunity_public_id",
            ),
            models.Index(
                fields=["key_industry", "-id"],
                condition=models.Q(status__in=["published", "negotiating", "landed"]),
                name="opportunity_public_ki",
            ),
            models.Index(fields=["department", "-id"], name="opportunity_dept_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(investment__gte=0), name="opportunity_investment_nonneg"
            )
        ]
        permissions = [
            ("view_opportunities", "查看招商项目库"),
            ("manage_opportunities", "维护本单位招商项目"),
            ("publish_opportunities", "发布、撤回招商项目"),
        ]

    def __str__(self):
        return self.name

    @property
    def cooperation_labels(self):
        labels = dict(Cooperation.choices)
        return [str(labels.get(c, c)) for c in self.cooperation]


class OpportunityStep(models.Model):
    """One status move: who, when, from, to, why."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "招商项目状态变更"
        verbose_name_plural = "招商项目状态变更"
        ordering = ["at", "id"]


class OpportunityDocument(models.Model):
    """A document offered with the opportunity (项目建议书, 地块规划图 …). ``public``: shown
    on the portal when the opportunity is."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("文件名称", max_length=200)
    file = models.FileField("文件", upload_to="opportunities/%Y/%m")
    public = models.BooleanField("对外公开", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "招商项目文件"
        verbose_name_plural = "招商项目文件"
        ordering = ["id"]

    def __str__(self):
        return self.title

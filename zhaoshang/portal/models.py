"""What the portal keeps of its own.

- ``Submission``: an enquiry (投资咨询) or complaint (投诉) as the visitor sent it. The
  portal only ever INSERTs these (its database role may do nothing else with them); the
  staff side's worker turns each into a lead in the pool or a complaint in the discipline
  office's queue (``services.submission_process``), so the portal can run as a separate
  process whose role cannot touch leads, complaints or notifications.
- ``Showcase``: a landed enterprise that agreed to be shown on the portal, with the text
  it agreed to.
- ``Profile``: the district's public introduction and investment strategy (one row).
"""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", "投资咨询"
        COMPLAINT = "complaint", "投诉"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    # Given to the visitor at once; unique, not guessable, not a row count.
    reference = models.CharField("受理编号", max_length=24, unique=True)
    name = models.CharField("联系人", max_length=50)
    contact = models.CharField("联系方式", max_length=100)
    enterprise_name = models.CharField("企业名称", max_length=200)
    industry = models.CharField("意向产业", max_length=100, blank=True)
    investment = models.CharField("意向投资规模", max_length=50, blank=True)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name="咨询的招商项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.TextField("内容")
    language = models.CharField("页面语言", max_length=10, default="zh-hans")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    # Written by the staff side when it has handled the submission.
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)
    lead = models.ForeignKey(
        "pipeline.Project",
        verbose_name="生成的线索",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField("处理结果", max_length=200, blank=True)

    class Meta:
        verbose_name = "门户提交"
        verbose_name_plural = "门户提交"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed_at__isnull=True),
                name="submission_waiting",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


class Showcase(models.Model):
    """A landed enterprise shown on the portal with its consent."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="showcase",
    )
    display_name = models.CharField("展示名称", max_length=200)
    summary = models.TextField("展示简介")
    key_industry = models.ForeignKey(
        "reference.KeyIndustry",
        verbose_name="产业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_on = models.DateField("企业同意展示日期")
    sort_order = models.PositiveIntegerField("排序", default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "展示企业"
        verbose_name_plural = "展示企业"
        ordering = ["sort_order", "id"]
        permissions = [("manage_portal", "维护门户网站内容（简介、展示企业）")]

    def __str__(self):
        return self.display_name


class Profile(models.Model):
    """The district's public face: introduction and strategy, in Chinese and English."""

    intro = models.TextField("区情简介")
    strategy = models.TextField("招商战略与空间布局")
    intro_en = models.TextField("区情简介（英文）", blank=True)
    strategy_en = models.TextField("招商战略与空间布局（英文）", blank=True)
    address = models.CharField("招商办地址", max_length=200, blank=True)
    phone = models.CharField("招商热线", max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "门户简介"
        verbose_name_plural = "门户简介"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()


class PublishedResult(models.Model):
    """The main indicators of each issued monthly report, as a database view
    (``portal_results``, migration 0002). The portal reads results through it: its role
    may read this view and not the issued reports themselves, whose snapshot also names
    projects, enterprises and units' rankings."""

    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    indicators = models.JSONField()

    class Meta:
        managed = False
        db_table = "portal_results"

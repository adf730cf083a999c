"""The policy library (M15, Hexi clause 十一 "一产业一部门一政策"): each policy with its
owner department, the industries it serves and its three parts — 扶持办法 (measures),
实施细则 (rules), 政策解读 (explanation) — its document number, validity, status and
attachments. A revision is a new row that ``supersedes`` the old one; publishing it moves
the old one to 修订 (revised), so the history stays readable. Statuses move only
through ``workflow.py``."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    CURRENT = "current", "现行"
    REVISED = "revised", "修订"  # superseded by a later version
    REPEALED = "repealed", "废止"


# Every status but the draft is public: a revised or repealed policy stays readable on
# the portal with its status shown, as government gazettes keep them.
PUBLIC_STATUSES = [Status.CURRENT, Status.REVISED, Status.REPEALED]

# 文号: issuing organ's code (Chinese characters), year in 六角括号 〔〕, serial, 号.
# e.g. 津河西发改〔2020〕13号, 青城政发〔2021〕5号.
DOC_NUMBER = re.compile(
    r"^(?P<organ>[\u4e00-\u9fff]{2,20})〔(?P<year>\d{4})〕(?P<serial>\d{1,5})号$"
)
# What clerks type instead of 〔〕: square, lenticular and round brackets, half or full
# width. They are turned into 〔〕 before checking (GB/T 9704-2012 prescribes 〔〕).
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"})
_ROUND = re.compile(r"[（(](\d{4})[)）]")


def normalize_doc_number(value):
    text = re.sub(r"\s+", "", value or "").translate(_BRACKETS)
    return _ROUND.sub(r"〔\1〕", text)


def validate_doc_number(value):
    match = DOC_NUMBER.match(value or "")
    if not match:
        raise ValidationError(
            f"文号“{value}”格式不正确：应为“发文机关代字〔年份〕序号号”，"
            "如 津河西发改〔2020〕13号（年份用六角括号〔〕，序号为数字）。",
            code="doc_number",
        )
    year = int(match["year"])
    if not 1949 <= year <= 2100:
        raise ValidationError(f"文号“{value}”中的年份 {year} 不在 1949—2100 之间。")


class PolicyQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"

    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)


class Policy(Versioned):
    title = models.CharField("政策名称", max_length=200)
    doc_number = models.CharField("文号", max_length=60, validators=[validate_doc_number])
    department = models.ForeignKey(
        "org.Department", verbose_name="主管部门", on_delete=models.PROTECT, related_name="+"
    )
    industries = models.ManyToManyField(
        "reference.KeyIndustry", verbose_name="适用产业", blank=True, related_name="policies"
    )
    measures = models.TextField("扶持办法")
    rules = models.TextField("实施细则", blank=True)
    explanation = models.TextField("政策解读", blank=True)
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="修订前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    edition = models.PositiveIntegerField("第几版", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["status", "-valid_from", "-id"], name="policy_status_from"),
            # The portal's list, newest first: read in index order and stopped after a page
            # (with three public statuses the index above would need a sort of them all).
            models.Index(
                fields=["-valid_from", "-id"],
                condition=models.Q(status__in=["current", "revised", "repealed"]),
                name="policy_public_from",
            ),
            models.Index(fields=["department", "-id"], name="policy_dept_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="policy_valid_range",
            )
        ]
        permissions = [
            ("view_policies", "查看政策库"),
            ("manage_policies", "起草、修订本单位政策"),
            ("publish_policies", "发布、废止政策"),
        ]

    def __str__(self):
        return f"{self.title}（{self.doc_number}）"

    def clean(self):
        super().clean()
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "有效期至不能早于生效日期。"})


class PolicyStep(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "政策状态变更"
        verbose_name_plural = "政策状态变更"
        ordering = ["at", "id"]


class PolicyAttachment(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("附件名称", max_length=200)
    file = models.FileField("文件", upload_to="policies/%Y/%m")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "政策附件"
        verbose_name_plural = "政策附件"
        ordering = ["id"]

    def __str__(self):
        return self.title

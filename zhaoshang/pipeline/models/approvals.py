"""Admission evaluation (准入评估) and the tailored-terms (一企一策) approval loop."""

from django.conf import settings
from django.db import models

from zhaoshang.org.scoping import ScopedQuerySet

from .projects import Project


# --- Admission evaluation and tailored terms ---
class Dimension(models.TextChoices):
    """The five dimensions of 城阳 clause 五(三) and the "四高" of 河西 clause 五."""

    INDUSTRY_STRUCTURE = "industry_structure", "产业结构"
    LAND_PLANNING = "land_planning", "土地规划"
    ECONOMIC_BENEFIT = "economic_benefit", "经济效益"
    SOCIAL_BENEFIT = "social_benefit", "社会效益"
    SAFETY_ENVIRONMENT = "safety_environment", "安全环保"
    HIGH_INTENSITY = "high_intensity", "投资强度高"
    HIGH_OUTPUT = "high_output", "产出效益高"
    HIGH_TECH = "high_tech", "科技含量高"
    HIGH_LINKAGE = "high_linkage", "产业关联度高"


# Project fields a computed criterion may read (the field's own verbose name is shown).
COMPUTED_SOURCES = [
    "investment_intensity",
    "tax_per_mu",
    "output_per_mu",
    "tech_content",
    "industry_linkage",
    "expected_jobs",
    "land_area",
    "expected_tax",
    "expected_output",
]


class EvaluationTemplate(models.Model):
    """A scoring template the office configures. Once an evaluation has used it, it is
    frozen (``used_at``): criteria can no longer change, so a finished evaluation reads
    the same for ever; the office copies it into a new edition instead."""

    name = models.CharField("模板名称", max_length=100)
    edition = models.PositiveIntegerField("版次", default=1)
    based_on = models.ForeignKey(
        "self",
        verbose_name="上一版",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField("适用范围 / 说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    used_at = models.DateTimeField("首次使用时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "准入评估模板"
        verbose_name_plural = "准入评估模板"
        ordering = ["-is_active", "name", "-edition"]

    def __str__(self):
        return f"{self.name}（第{self.edition}版）"

    @property
    def frozen(self):
        return self.used_at is not None


class EvaluationCriterion(models.Model):
    """One line of a template: a dimension, a weight and how it is scored. Every
    criterion is scored from 0 to ``max_score``; a manual one by each reviewer, a computed
    one from a project field by thresholds (``[[at_least, score], ...]``, highest first;
    below every threshold scores 0)."""

    class Rule(models.TextChoices):
        MANUAL = "manual", "评审打分"
        COMPUTED = "computed", "按项目指标自动计分"

    template = models.ForeignKey(
        EvaluationTemplate, on_delete=models.CASCADE, related_name="criteria"
    )
    dimension = models.CharField("评估维度", max_length=30, choices=Dimension.choices)
    name = models.CharField("评估内容", max_length=200)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2)
    rule = models.CharField("计分方式", max_length=10, choices=Rule.choices)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2, default=10)
    source_field = models.CharField(
        "取值指标",
        max_length=30,
        blank=True,
        choices=[(f, f) for f in COMPUTED_SOURCES],
    )
    thresholds = models.JSONField("计分档次", default=list, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "评估指标"
        verbose_name_plural = "评估指标"
        ordering = ["template", "position", "id"]

    def __str__(self):
        return f"{self.get_dimension_display()}：{self.name}"


class EvaluationQuerySet(ScopedQuerySet):
    scope_unit_field = "project__department"
    scope_owner_field = "project__created_by"


class Evaluation(models.Model):
    """准入评估 of one project with one (frozen) template: reviewers' sheets, the values
    of computed criteria as they stood when it started, and the office's decision."""

    class Decision(models.TextChoices):
        PENDING = "", "评审中"
        ADMIT = "admit", "准入"
        CONDITIONAL = "conditional", "有条件准入"
        REJECT = "reject", "不准入"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    template = models.ForeignKey(
        EvaluationTemplate, verbose_name="评估模板", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        "评估结论", max_length=12, choices=Decision.choices, blank=True, default=""
    )
    conditions = models.TextField("准入条件", blank=True)
    reasons = models.TextField("结论理由", blank=True)
    total = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "准入评估"
        verbose_name_plural = "准入评估"
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "decision"], name="evaluation_project")]

    def __str__(self):
        return f"{self.project}准入评估"


class EvaluationReviewer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评审人",
        on_delete=models.PROTECT,
        related_name="evaluation_reviews",
    )
    opinion = models.TextField("评审意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "评审人"
        verbose_name_plural = "评审人"
        ordering = ["evaluation", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="reviewer_once")]


class EvaluationScore(models.Model):
    """A reviewer's score of a manual criterion, or (``reviewer`` empty) the stored
    value and score of a computed one."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    reviewer = models.ForeignKey(
        EvaluationReviewer, null=True, blank=True, on_delete=models.CASCADE, related_name="scores"
    )
    value = models.DecimalField("指标值", max_digits=18, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    comment = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "评估得分"
        verbose_name_plural = "评估得分"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion", "reviewer"], name="score_once"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                condition=models.Q(reviewer__isnull=True),
                name="computed_score_once",
            ),
        ]


class TermsState(models.TextChoices):
    DRAFTING_TERMS = "drafting_terms", "责任单位拟定核心条款"
    DRAFTING_AGREEMENT = "drafting_agreement", "招商办起草协议和实施细则"
    AWAITING_MEETING = "awaiting_meeting", "待提交常务会议审议"
    APPROVED = "approved", "常务会议审议通过"


TERMS_ACTIVE_STATES = [
    TermsState.DRAFTING_TERMS,
    TermsState.DRAFTING_AGREEMENT,
    TermsState.AWAITING_MEETING,
]


class TermsApprovalQuerySet(ScopedQuerySet):
    scope_unit_field = "project__department"
    scope_owner_field = "project__created_by"


class TermsApproval(models.Model):
    """一企一策 / 一事一议: a key project's own terms on their way through the executive
    meeting. States and moves live in ``terms_workflow.py``; each round is one pass from
    the department's core terms to a meeting."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="terms_approvals")
    state = models.CharField(
        "状态",
        max_length=20,
        choices=TermsState.choices,
        default=TermsState.DRAFTING_TERMS,
        db_index=True,
    )
    round = models.PositiveIntegerField("轮次", default=1)
    state_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    approved_on = models.DateField("审议通过日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    objects = TermsApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = "一企一策审批"
        verbose_name_plural = "一企一策审批"
        ordering = ["-id"]
        constraints = [
            # One approval per project at a time.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state__in=TERMS_ACTIVE_STATES),
                name="terms_one_active_per_project",
            )
        ]
        indexes = [models.Index(fields=["state", "-id"], name="terms_state_id")]

    def __str__(self):
        return f"{self.project}一企一策"

    @property
    def frozen(self):
        return self.state == TermsState.APPROVED


class TermsDocument(models.Model):
    """One saved version of core terms, the agreement or its implementation rules. A
    save never overwrites: it adds the next number."""

    class Kind(models.TextChoices):
        CORE_TERMS = "core_terms", "核心条款"
        AGREEMENT = "agreement", "协议文本"
        RULES = "rules", "实施细则"

    approval = models.ForeignKey(TermsApproval, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文件类型", max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField("版本号")
    round = models.PositiveIntegerField("轮次")
    text = models.TextField("正文")
    file = models.FileField("附件", upload_to="terms/%Y/%m", blank=True)
    note = models.CharField("修改说明", max_length=300, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name="起草单位", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "一企一策文本版本"
        verbose_name_plural = "一企一策文本版本"
        ordering = ["approval", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "kind", "number"], name="terms_doc_number")
        ]


class MeetingRecord(models.Model):
    """The executive meeting's consideration of one round."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "审议通过"
        RETURNED = "returned", "退回修改"

    approval = models.ForeignKey(TermsApproval, on_delete=models.CASCADE, related_name="meetings")
    round = models.PositiveIntegerField("轮次")
    held_on = models.DateField("会议日期")
    session = models.CharField("会次", max_length=40)
    attendees = models.TextField("出席人员")
    decision = models.CharField("审议结果", max_length=10, choices=Decision.choices)
    opinion = models.TextField("审议意见 / 退回理由", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    minutes_file = models.FileField("纪要文件", upload_to="terms/minutes/%Y/%m", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "常务会议审议记录"
        verbose_name_plural = "常务会议审议记录"
        ordering = ["approval", "held_on", "id"]


class TermsStep(models.Model):
    """History of an approval: one row per move (who, when, from, to, why)."""

    approval = models.ForeignKey(TermsApproval, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("动作", max_length=30)
    from_state = models.CharField(max_length=20, choices=TermsState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=TermsState.choices)
    round = models.PositiveIntegerField("轮次")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "一企一策审批记录"
        verbose_name_plural = "一企一策审批记录"
        ordering = ["approval", "at", "id"]

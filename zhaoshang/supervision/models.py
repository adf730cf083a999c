"""Supervision (督查督办, M18; Hexi (十二), Chengyang 六(三)): the supervision office
(区委督查室) raises a supervision item (督办事项) on a project, a project's problem, a
service ticket, a department or a target: what is required, the responsible department
and a time limit in working days. The department reports progress (text and attached
documents) and submits its result; the office closes the item or returns it. Overdue
items escalate 承办单位 → 单位负责人督办 → 督查室及责任领导督办 through the deadline
engine (``common/deadlines.py``). Failures are answered for in accountability records
(问责). Status moves go through ``workflow.py``."""

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet


class ItemQuerySet(ScopedQuerySet):
    # A department reads the items it answers for; the office and leaders (scope all)
    # read every item.
    scope_unit_field = "department"
    scope_owner_field = ""


class Item(Versioned):
    """督办事项: what the department must do, by when, and how it ended."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "已交办"
        IN_PROGRESS = "in_progress", "办理中"
        SUBMITTED = "submitted", "已办结待审核"
        RETURNED = "returned", "退回重办"
        CLOSED = "closed", "已办结"

    class Subject(models.TextChoices):
        PROJECT = "project", "招商项目"
        PROBLEM = "problem", "项目问题"
        TICKET = "ticket", "企业诉求"
        DEPARTMENT = "department", "单位工作"
        TARGET = "target", "目标任务"

    class Level(models.TextChoices):
        UNIT = "unit", "承办单位办理"
        HEAD = "head", "单位负责人督办"
        LEADER = "leader", "督查室及责任领导督办"

    number = models.CharField("督办编号", max_length=20, unique=True, null=True, blank=True)
    title = models.CharField("督办事项", max_length=200)
    requirement = models.TextField("督办要求")
    subject = models.CharField("督办对象", max_length=12, choices=Subject.choices)
    project = models.ForeignKey(
        "pipeline.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    problem = models.ForeignKey(
        "pipeline.Problem",
        verbose_name="项目问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    ticket = models.ForeignKey(
        "aftercare.Ticket",
        verbose_name="企业诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    target = models.ForeignKey(
        "assessment.Target",
        verbose_name="目标任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    level = models.CharField("督办层级", max_length=10, choices=Level.choices, default=Level.UNIT)
    deadline_days = models.PositiveIntegerField("办理时限（工作日）")
    deadline_started_on = models.DateField("期限起算日")
    due_on = models.DateField("办结期限")
    raised_on = models.DateField("交办日期")
    result = models.TextField("办理结果", blank=True)
    submitted_on = models.DateField("报请办结日期", null=True, blank=True)
    on_time = models.BooleanField("按期办结", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("交办时间", auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-id"]
        indexes = [
            # A department's items by status and deadline; everyone's by status and deadline
            # (the overdue list, the beat job, the progress notice).
            models.Index(fields=["department", "status", "due_on"], name="sv_item_unit_status_due"),
            models.Index(fields=["status", "due_on"], name="sv_item_status_due"),
            # The lists of items still with the department, by deadline (the office's and
            # a unit's, overdue or not): read in index order, stopping at the page's end,
            # instead of sorting every open item.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=["assigned", "in_progress", "returned"]),
                name="sv_item_open_due",
            ),
            models.Index(
                fields=["department", "due_on", "id"],
                condition=models.Q(status__in=["assigned", "in_progress", "returned"]),
                name="sv_item_unit_open_due",
            ),
        ]
        permissions = [
            ("view_supervision", "查阅督办事项"),
            ("manage_supervision", "交办、审核督办事项与问责"),
            ("report_supervision", "报送督办事项办理进展"),
            ("sign_supervision", "审签本单位督办事项办结报告"),
        ]

    def __str__(self):
        return f"{self.number or ''} {self.title}".strip()


class StepQuerySet(ScopedQuerySet):
    scope_unit_field = "item__department"
    scope_owner_field = ""


class Step(models.Model):
    """The history of an item: raised, progress, moves, escalations, accountability."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField("动作", max_length=40)
    from_status = models.CharField(max_length=12, choices=Item.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Item.Status.choices, blank=True)
    from_level = models.CharField(max_length=10, choices=Item.Level.choices, blank=True)
    to_level = models.CharField(max_length=10, choices=Item.Level.choices, blank=True)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["item", "at", "id"]


class ProgressReport(models.Model):
    """进展报告: what the department has done so far, with its documents."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("办理进展")
    reported_on = models.DateField("报送日期")
    department = models.ForeignKey(
        "org.Department", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督办进展"
        verbose_name_plural = "督办进展"
        ordering = ["item", "created_at", "id"]


class ReportAttachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("附件", upload_to="supervision/%Y/%m")
    name = models.CharField("文件名", max_length=200)

    class Meta:
        ordering = ["report", "id"]


class Accountability(models.Model):
    """问责: who answers for a failure on an item, for what, the measure taken and the
    decision document."""

    class Measure(models.TextChoices):
        TALK = "talk", "约谈提醒"
        CRITICISM = "criticism", "通报批评"
        SELF_EXAMINATION = "self_examination", "责令书面检查"
        ADMONITION = "admonition", "诫勉"
        ORGANISATIONAL = "organisational", "组织处理"
        REFERRAL = "referral", "移送纪检监察机关"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="accountabilities")
    person = models.CharField("问责对象", max_length=100)
    department = models.ForeignKey(
        "org.Department", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    failure = models.TextField("问责事由")
    measure = models.CharField("问责方式", max_length=20, choices=Measure.choices)
    decision_number = models.CharField("决定文号", max_length=60)
    decision_file = models.FileField(
        "决定文书", upload_to="supervision/decisions/%Y/%m", blank=True
    )
    decided_on = models.DateField("决定日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["item", "decided_on", "id"]

    def __str__(self):
        return f"{self.person}（{self.get_measure_display()}）"

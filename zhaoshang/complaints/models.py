"""Investors' complaints (投诉, M22, Hexi (二十)), handled by the discipline office
(区纪委监委): accepted within a time limit, assigned to a department to check,
investigated, a result, the investor's rating; escalated when overdue through the
deadline engine (``common/deadlines.py``). A closed complaint may become a typical case
(典型案例), written anonymised and published on the portal.

Confidential by construction: the complaint (its content and the complainant) is read
only with ``complaints.view_complaint`` (the discipline office and leaders). A department
is given a ``ComplaintTask``: a brief the discipline office writes for it, without the
complainant; its pages, exports, search, API and notifications read only that table."""

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet


class ComplaintQuerySet(ScopedQuerySet):
    # Read only by holders of complaints.view_complaint (queries.complaints checks it
    # first); among them the data scope of the handling unit applies.
    scope_unit_field = "handling_unit"
    scope_owner_field = "created_by"


class Complaint(Versioned):
    class Status(models.TextChoices):
        RECEIVED = "received", "待受理"
        ACCEPTED = "accepted", "调查核实中"
        CONCLUDED = "concluded", "已处理待评价"
        CLOSED = "closed", "已办结"
        REJECTED = "rejected", "不予受理"

    class Source(models.TextChoices):
        PORTAL = "portal", "门户网站"
        STAFF = "staff", "工作人员代为登记"
        PHONE = "phone", "电话"
        LETTER = "letter", "来信来访"

    class Level(models.TextChoices):
        HANDLER = "handler", "纪检监察部门"
        SUPERVISOR = "supervisor", "纪检监察部门负责人督办"
        LEADER = "leader", "区领导督办"

    class Rating(models.IntegerChoices):
        SATISFIED = 3, "满意"
        FAIR = 2, "基本满意"
        UNSATISFIED = 1, "不满意"

    number = models.CharField("投诉编号", max_length=20, unique=True, null=True, blank=True)
    complainant_name = models.CharField("投诉人", max_length=50)
    contact = models.CharField("联系方式", max_length=100)
    enterprise_name = models.CharField("所在企业", max_length=200, blank=True)
    content = models.TextField("投诉内容")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    handling_unit = models.ForeignKey(
        "org.Department",
        verbose_name="受理单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    level = models.CharField(
        "督办层级", max_length=20, choices=Level.choices, default=Level.HANDLER
    )
    # The clock: first the time to accept, then the time to conclude (common/deadlines).
    deadline_days = models.PositiveIntegerField("时限（工作日）")
    deadline_started_on = models.DateField("期限起算日")
    due_on = models.DateField("期限")
    received_on = models.DateField("收到日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    result = models.TextField("处理结果", blank=True)
    concluded_on = models.DateField("处理日期", null=True, blank=True)
    on_time = models.BooleanField("按期处理", null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "投诉人评价", choices=Rating.choices, null=True, blank=True
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="complaint_status_due")]
        permissions = [
            ("handle_complaint", "受理办理投诉"),
            ("answer_complaint_task", "办理交办的投诉核查事项"),
        ]

    def __str__(self):
        return self.number or "投诉"


class ComplaintStep(models.Model):
    """The history of a complaint; read only with the complaint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField("动作", max_length=40)
    from_status = models.CharField(max_length=10, choices=Complaint.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Complaint.Status.choices, blank=True)
    from_level = models.CharField(max_length=20, choices=Complaint.Level.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=Complaint.Level.choices, blank=True)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint", "at", "id"]


class ComplaintTaskQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = ""


class ComplaintTask(Versioned):
    """What a department is asked to check (交办核查): the discipline office's brief,
    written for the department, never naming the complainant; the department's findings."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "待核查"
        REPORTED = "reported", "已报送核查情况"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="tasks")
    # The department's reference: not the complaint's number, which the complainant holds.
    reference = models.CharField("交办编号", max_length=20, unique=True, null=True, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+"
    )
    brief = models.TextField("交办事项")
    due_on = models.DateField("报送期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    findings = models.TextField("核查情况", blank=True)
    reported_on = models.DateField("报送日期", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", auto_now_add=True)

    objects = ComplaintTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉核查交办"
        verbose_name_plural = "投诉核查交办"
        ordering = ["-id"]


class TypicalCase(models.Model):
    """典型案例: a closed complaint written up anonymised; published on the portal."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="typical_case"
    )
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("基本案情（已隐去投诉人与企业信息）")
    handling = models.TextField("处理情况")
    published = models.BooleanField("已公开", default=False)
    published_on = models.DateField("公开日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title

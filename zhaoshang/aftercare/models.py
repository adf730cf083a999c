"""Aftercare (企业服务, "后半篇文章"): service tickets (incl. talent and life services),
visits to key enterprises, and expansion intentions that become pipeline projects.

A ticket works to a time limit in working days and escalates 责任单位 → 区招商办 →
联席会议 through the deadline engine the pipeline's problems share
(``common/deadlines.py``); its status moves through ``workflow.py``."""

from django.conf import settings
from django.db import models

from zhaoshang.common.deadlines import Level
from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class TicketType(models.Model):
    """A kind of request with its default responsible unit and time limit; the office
    keeps the list (注册登记, 税务 … 人才住房, 子女入学 …)."""

    class Group(models.TextChoices):
        ENTERPRISE = "enterprise", "企业服务"
        TALENT = "talent", "人才与生活服务"

    name = models.CharField("事项类型", max_length=40, unique=True)
    group = models.CharField("类别", max_length=20, choices=Group.choices)
    default_department = models.ForeignKey(
        "org.Department",
        verbose_name="默认责任单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_days = models.PositiveIntegerField("办理时限（工作日）")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "服务事项类型"
        verbose_name_plural = "服务事项类型"
        ordering = ["sort_order", "id"]
        permissions = [
            ("view_aftercare", "查阅企业服务"),
            ("manage_aftercare", "办理企业服务"),
            ("coordinate_aftercare", "统筹企业服务"),
        ]

    def __str__(self):
        return self.name


class AftercareConfig(models.Model):
    """The district's settings: how often each key enterprise must be visited."""

    visit_interval_months = models.PositiveSmallIntegerField(
        "重点企业走访频次（每几个月至少一次）", default=3
    )

    class Meta:
        verbose_name = "企业服务设置"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class TicketQuerySet(ScopedQuerySet):
    # The responsible unit reads its tickets; a street-level service centre reads those of
    # enterprises in its street (Chengyang's two-level 企业服务中心); the office (all
    # scope) is the district-level centre.
    scope_unit_field = ("department", "street")
    scope_owner_field = "created_by"


class Ticket(Versioned):
    """企业诉求 / 服务事项: a request of a landed enterprise, with a responsible unit and a
    deadline in working days."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        ANSWERED = "answered", "已答复待评价"
        CLOSED = "closed", "已办结"

    class Source(models.TextChoices):
        STAFF = "staff", "工作人员代为登记"
        VISIT = "visit", "走访发现"
        PORTAL = "portal", "企业网上提交"
        PHONE = "phone", "电话反映"

    class Rating(models.IntegerChoices):
        SATISFIED = 3, "满意"
        FAIR = 2, "基本满意"
        UNSATISFIED = 1, "不满意"

    number = models.CharField("诉求编号", max_length=20, unique=True, null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="service_tickets",
    )
    ticket_type = models.ForeignKey(
        TicketType, verbose_name="事项类型", on_delete=models.PROTECT, related_name="tickets"
    )
    title = models.CharField("诉求事项", max_length=200)
    description = models.TextField("具体情况", blank=True)
    contact_name = models.CharField("企业联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.STAFF)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="service_tickets",
    )
    street = models.ForeignKey(
        "org.Department",
        verbose_name="所在街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="street_tickets",
        limit_choices_to={"kind": "street"},
    )
    visit = models.ForeignKey(
        "Visit",
        verbose_name="来自走访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    level = models.CharField("协调层级", max_length=20, choices=Level.choices, default=Level.UNIT)
    deadline_days = models.PositiveIntegerField("办理时限（工作日）")
    deadline_started_on = models.DateField("期限起算日")
    due_on = models.DateField("办结期限")
    raised_on = models.DateField("登记日期")
    answer = models.TextField("答复企业", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    # Working days from raising to the answer, kept at the answer so the dashboard sums a
    # column instead of counting a calendar per row.
    handling_days = models.PositiveIntegerField("办理用时（工作日）", null=True, blank=True)
    on_time = models.BooleanField("按期办结", null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "企业评价", choices=Rating.choices, null=True, blank=True
    )
    rating_note = models.TextField("评价意见", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["-id"]
        indexes = [
            # The lists: a unit's open tickets by deadline, everyone's newest first.
            models.Index(fields=["department", "status", "due_on"], name="ticket_unit_status_due"),
            models.Index(fields=["status", "due_on"], name="ticket_status_due"),
            models.Index(fields=["street", "status", "due_on"], name="ticket_street_status_due"),
            # The dashboard: answered tickets of a period by unit and type.
            models.Index(
                fields=["answered_on", "department", "ticket_type"], name="ticket_answered"
            ),
            # The dashboard's open and overdue tickets by level: an index-only read of the
            # open ones (a tenth of the tickets), not their rows.
            models.Index(
                fields=["level", "due_on"],
                condition=models.Q(status="open"),
                name="ticket_open_level_due",
            ),
        ]

    def __str__(self):
        return f"{self.number or ''} {self.title}".strip()


class TicketStepQuerySet(ScopedQuerySet):
    scope_unit_field = ("ticket__department", "ticket__street")
    scope_owner_field = "ticket__created_by"


class TicketStep(models.Model):
    """The history of a ticket: raised, progress, escalated, answered, rated, reopened,
    closed; who, when, from, to and why."""

    class Kind(models.TextChoices):
        RAISE = "raise", "登记"
        PROGRESS = "progress", "办理进展"
        ESCALATE = "escalate", "升级"
        AUTO_ESCALATE = "auto_escalate", "超期自动升级"
        TRANSFER = "transfer", "改派"
        ANSWER = "answer", "答复企业"
        RATE = "rate", "企业评价"
        REOPEN = "reopen", "重新办理"
        CLOSE = "close", "办结"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("动作", max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=10, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Ticket.Status.choices, blank=True)
    from_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="时任责任单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = TicketStepQuerySet.as_manager()

    class Meta:
        verbose_name = "服务事项办理记录"
        verbose_name_plural = "服务事项办理记录"
        ordering = ["ticket", "at", "id"]


class KeyEnterpriseQuerySet(ScopedQuerySet):
    scope_unit_field = ("department", "street")
    scope_owner_field = ""


class KeyEnterprise(models.Model):
    """A key enterprise the district serves (重点服务企业), with the unit that visits it
    (包联单位); each must be visited at least as often as ``AftercareConfig`` says."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="key_service",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="包联单位", on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "org.Department",
        verbose_name="所在街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "street"},
    )
    since = models.DateField("列入日期")

    objects = KeyEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "重点服务企业"
        verbose_name_plural = "重点服务企业"
        ordering = ["department_id", "id"]

    def __str__(self):
        return str(self.enterprise)


class VisitQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"


class Visit(Versioned):
    """走访: planned, then done (who went, whom they met, what they found) or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划走访"
        DONE = "done", "已走访"
        CANCELLED = "cancelled", "已取消"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="走访单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField("计划日期")
    visited_on = models.DateField("走访日期", null=True, blank=True)
    visitors = models.CharField("走访人员", max_length=200)
    met_with = models.CharField("企业接待人员", max_length=200, blank=True)
    purpose = models.CharField("走访事由", max_length=200, blank=True)
    findings = models.TextField("发现的问题与诉求", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访记录"
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status", "visited_on"], name="visit_ent_done"),
            models.Index(fields=["status", "planned_on"], name="visit_status_planned"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.planned_on}"


class ExpansionQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"


class Expansion(models.Model):
    """增资扩产: a landed enterprise's intention to invest more, found on a visit or in a
    ticket; it becomes a project in the pipeline for that enterprise, and the project is
    counted as an expansion through this row."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", "战略性增资"
        EXPANSIVE = "expansive", "扩张性增资"
        PRODUCTIVE = "productive", "生产型增资"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("增资类型", max_length=20, choices=Kind.choices)
    estimated_investment = models.DecimalField("预计新增投资（元）", **MONEY)
    description = models.TextField("增资扩产意向")
    department = models.ForeignKey(
        "org.Department", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="expansions"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="expansions"
    )
    # The expansion is what the project is: it goes with the project.
    project = models.OneToOneField(
        "pipeline.Project",
        verbose_name="推进项目",
        on_delete=models.CASCADE,
        related_name="expansion",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ExpansionQuerySet.as_manager()

    class Meta:
        verbose_name = "增资扩产"
        verbose_name_plural = "增资扩产"
        ordering = ["-id"]


class TicketMonthQuerySet(ScopedQuerySet):
    # As the tickets it sums: the responsible unit, or the street's service centre.
    scope_unit_field = ("department", "street")
    scope_owner_field = ""


class TicketMonth(models.Model):
    """The answered tickets of one responsible unit, street, ticket type and month of
    answer, summed: what the dashboard reads instead of every ticket of the year.

    A derived table: ``services.ticket_month_recount`` keeps it right in the same
    transaction as every move that changes what a ticket counts (an answer, a rating, a
    reopen), and ``services.ticket_month_rebuild`` (``manage.py recount_tickets``)
    recomputes it from the tickets after a bulk load or to repair. A user whose data scope
    is their own records reads the tickets themselves (a sum cannot tell whose they are)."""

    department = models.ForeignKey(
        "org.Department", verbose_name="责任单位", on_delete=models.CASCADE, related_name="+"
    )
    street = models.ForeignKey(
        "org.Department",
        verbose_name="所在街道",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ticket_type = models.ForeignKey(
        TicketType, verbose_name="事项类型", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    # No CHECK constraints: a recount adds a negative difference.
    answered = models.IntegerField("答复件数", default=0)
    on_time = models.IntegerField("按期件数", default=0)
    handling_days = models.IntegerField("办理用时合计（工作日）", default=0)
    timed = models.IntegerField("有办理用时的件数", default=0)
    rated = models.IntegerField("已评价", default=0)
    satisfied = models.IntegerField("满意", default=0)
    fair = models.IntegerField("基本满意", default=0)
    unsatisfied = models.IntegerField("不满意", default=0)

    objects = TicketMonthQuerySet.as_manager()

    FIGURES = (
        "answered",
        "on_time",
        "handling_days",
        "timed",
        "rated",
        "satisfied",
        "fair",
        "unsatisfied",
    )

    class Meta:
        verbose_name = "诉求办理月度汇总"
        verbose_name_plural = "诉求办理月度汇总"
        constraints = [
            # A street is optional: one key with it, one without (NULLs never collide).
            models.UniqueConstraint(
                fields=["department", "street", "ticket_type", "year", "month"],
                condition=models.Q(street__isnull=False),
                name="ticket_month_key_street",
            ),
            models.UniqueConstraint(
                fields=["department", "ticket_type", "year", "month"],
                condition=models.Q(street__isnull=True),
                name="ticket_month_key",
            ),
        ]
        indexes = [models.Index(fields=["year", "month"], name="ticket_month_ym")]

    def __str__(self):
        return (
            f"{self.department_id} {self.street_id} {self.ticket_type_id} {self.year}-{self.month}"
        )

"""Leads and projects: the "一抓到底" ledger (M6–M10, M19).

A lead (线索) is a project in its first stage: one record carries an investment from first
contact to operation, so attribution, the progress ledger, funds in place and the stage
history never have to be copied from one table to another when a lead turns into a
project. "Leads" in the interface are the projects in stage ``lead``; the pool (公海)
is the leads whose ``pooled_at`` is set.

Who is responsible changes (claim, reassignment, push); reports count a project for the
unit responsible on the date of the event, so every change of owner is an
``OwnerChange`` row and every stage move a ``StageChange`` row. The states and the one
guarded function that moves a project live in ``workflow.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from zhaoshang.common import per_request
from zhaoshang.common.models import ImportJob
from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class Stage(models.TextChoices):
    LEAD = "lead", "线索"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    CONSTRUCTION = "construction", "开工"
    OPERATING = "operating", "投产运营"
    ON_HOLD = "on_hold", "搁置"
    DROPPED = "dropped", "终止"


# The forward order; on hold and dropped sit outside it.
STAGE_ORDER = [
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.CONSTRUCTION,
    Stage.OPERATING,
]
ACTIVE_STAGES = [*STAGE_ORDER[:-1]]
# Projects whose ledger (推进台账) is due every cycle: active and past the lead stage.
LEDGER_STAGES = ACTIVE_STAGES[1:]
# Stages in which an agreement stands (a signing counts only while the project is here).
SIGNED_STAGES = [Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.OPERATING]
LANDED_STAGES = [Stage.LANDED, Stage.CONSTRUCTION, Stage.OPERATING]


class Method(models.TextChoices):
    """招商方式 (M19): each lead records how it was found, so reports count by method."""

    COMMISSIONED = "commissioned", "委托招商"
    INTERMEDIARY = "intermediary", "中介招商"
    BUSINESS = "business", "以商招商"
    EVENT = "event", "节会招商"
    ONLINE = "online", "云招商"
    HEAD_ENTERPRISE = "head_enterprise", "头部企业招商"
    CLUSTER = "cluster", "产业集群招商"
    CHAIN = "chain", "产业链招商"
    CAPITAL = "capital", "资本招商"
    FUND = "fund", "基金招商"
    INCUBATION = "incubation", "众创孵化招商"
    TASK_FORCE = "task_force", "专业化小分队"
    GOV_ENTERPRISE = "gov_enterprise", "政企联合"
    OTHER = "other", "其他"


class InvestorOrigin(models.TextChoices):
    DOMESTIC = "domestic", "内资"
    FOREIGN = "foreign", "外资"
    HMT = "hmt", "港澳台"


class CapitalSource(models.TextChoices):
    """ "三资并举": state, private and foreign capital."""

    STATE = "state", "国资"
    PRIVATE = "private", "民资"
    FOREIGN = "foreign", "外资"


class ReferrerKind(models.TextChoices):
    PERSON = "person", "个人"
    ORGANISATION = "organisation", "机构"


class MajorLevel(models.TextChoices):
    NONE = "", "一般项目"
    MAJOR = "major", "重大项目"
    VERY_MAJOR = "very_major", "特别重大项目"


# Rankings that make an enterprise a head enterprise (头部企业): the four 500 lists
# (enterprises.RankingKind values; reports count "500强企业项目" by the same list).
HEAD_RANKINGS = ["fortune500", "china500", "private500", "service500"]


class PipelineConfig(models.Model):
    """The district's settings for the pipeline, one row, edited by the office."""

    lead_lapse_days = models.PositiveIntegerField(
        "线索保护期（天）",
        default=60,
        help_text="线索超过该天数没有推进台账记录，即退回招商办公海，任何单位可认领",
    )
    ledger_due_days = models.PositiveIntegerField(
        "台账更新周期（天）", default=30, help_text="在推项目每个周期至少登记一条推进台账"
    )
    major_threshold = models.DecimalField("重大项目标准（元）", default=100_000_000, **MONEY)
    very_major_threshold = models.DecimalField(
        "特别重大项目标准（元）", default=1_000_000_000, **MONEY
    )
    evaluation_threshold = models.DecimalField(
        "须准入评估的投资额（元）",
        default=100_000_000,
        help_text="协议（或预计）投资额达到该数额的项目，签约前须完成准入评估",
        **MONEY,
    )
    problem_deadline_days = models.PositiveIntegerField("问题办理时限（工作日）", default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "项目管理设置"
        verbose_name_plural = "项目管理设置"

    CURRENT = "pipeline.PipelineConfig.current"

    @classmethod
    def current(cls):
        """The settings row, read once per request (``common.per_request``): the project
        page, its sections and the signing guards each ask for it. Callers read it; the
        one writer, ``services.config_update``, reads it afresh and forgets the memo."""
        return per_request.once(cls.CURRENT, cls._read)

    @classmethod
    def _read(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class ProjectQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"

    def leads(self):
        return self.filter(stage=Stage.LEAD)

    def pooled(self):
        return self.filter(stage=Stage.LEAD, pooled_at__isnull=False)

    def active(self):
        return self.filter(stage__in=ACTIVE_STAGES)

    def projects(self):
        """Past the lead stage."""
        return self.exclude(stage=Stage.LEAD)

    def head_enterprise(self):
        from zhaoshang.enterprises.models import Ranking

        return self.filter(
            Exists(
                Ranking.objects.filter(enterprise=OuterRef("enterprise"), kind__in=HEAD_RANKINGS)
            )
        )


class Project(Versioned):
    """An investment from first contact (stage ``lead``) to operation."""

    name = models.CharField("项目名称", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="投资企业",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    # Where to return to when a project comes off hold.
    stage_before_hold = models.CharField(
        "搁置前阶段", max_length=20, choices=Stage.choices, blank=True, editable=False
    )
    stage_changed_at = models.DateTimeField("阶段变更时间", null=True, blank=True, editable=False)
    description = models.TextField("投资意向 / 项目内容", blank=True)

    # Who holds it. ``registered_department`` found it and keeps the credit for the find;
    # ``department`` is responsible now.
    department = models.ForeignKey(
        "org.Department",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    registered_department = models.ForeignKey(
        "org.Department",
        verbose_name="登记单位",
        on_delete=models.PROTECT,
        related_name="registered_projects",
        editable=False,
    )
    pooled_at = models.DateTimeField("进入公海时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # Source (M19).
    method = models.CharField(
        "招商方式", max_length=20, choices=Method.choices, default=Method.OTHER
    )
    # The referrer (引荐方) is a row of the partner registry: an intermediary, chamber,
    # advisor, agency, or a person registered when the lead names one (partners app).
    referrer = models.ForeignKey(
        "partners.Partner",
        verbose_name="引荐方",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    origin_region = models.ForeignKey(
        "reference.Region",
        verbose_name="来源地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    investor_origin = models.CharField(
        "投资方来源", max_length=10, choices=InvestorOrigin.choices, default=InvestorOrigin.DOMESTIC
    )
    capital_source = models.CharField(
        "资本属性", max_length=10, choices=CapitalSource.choices, default=CapitalSource.PRIVATE
    )

    # Money, in yuan (foreign part in USD).
    estimated_investment = models.DecimalField("预计投资额（元）", null=True, blank=True, **MONEY)
    agreed_investment = models.DecimalField("协议投资额（元）", null=True, blank=True, **MONEY)
    agreed_investment_foreign = models.DecimalField(
        "其中外资（美元）", null=True, blank=True, **MONEY
    )
    registered_capital = models.DecimalField("注册资本（元）", null=True, blank=True, **MONEY)

    # Industry and place.
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
        related_name="projects",
    )
    strategic_emerging = models.BooleanField("战略性新兴产业", default=False)
    zone = models.ForeignKey(
        "reference.Zone",
        verbose_name="功能区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    carrier = models.ForeignKey(
        "reference.Carrier",
        verbose_name="载体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    land_area = models.DecimalField(
        "用地面积（亩）", max_digits=12, decimal_places=2, null=True, blank=True
    )

    # Expected results and the "四高" indicators.
    expected_jobs = models.PositiveIntegerField("预计就业（人）", null=True, blank=True)
    expected_tax = models.DecimalField("预计年税收（元）", null=True, blank=True, **MONEY)
    expected_output = models.DecimalField("预计年产值（元）", null=True, blank=True, **MONEY)
    investment_intensity = models.DecimalField(
        "投资强度（万元/亩）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    output_per_mu = models.DecimalField(
        "亩均产出（万元/亩）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    tax_per_mu = models.DecimalField(
        "亩均税收（万元/亩）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    tech_content = models.PositiveSmallIntegerField("科技含量（0–100）", null=True, blank=True)
    industry_linkage = models.PositiveSmallIntegerField(
        "产业关联度（0–100）", null=True, blank=True
    )

    major_level = models.CharField(
        "项目等级", max_length=12, choices=MajorLevel.choices, blank=True, default=""
    )
    tailored_terms = models.BooleanField("一企一策", default=False)

    # What each stage move asked for (workflow.py says which move needs which).
    signed_on = models.DateField("签约日期", null=True, blank=True)
    agreement_no = models.CharField("协议编号", max_length=60, blank=True)
    agreement_file = models.FileField("协议文件", upload_to="agreements/%Y/%m", blank=True)
    registered_credit_code = models.CharField("注册企业统一社会信用代码", max_length=18, blank=True)
    registered_on = models.DateField("注册日期", null=True, blank=True)
    construction_on = models.DateField("开工日期", null=True, blank=True)
    operating_on = models.DateField("投产运营日期", null=True, blank=True)
    dropped_reason = models.TextField("终止 / 搁置原因", blank=True)
    # The promotion project (招商项目库, M4) the lead came from: reports count leads and
    # signings per opportunity.
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name="来源招商项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )

    # Denormalised for the overdue list and the lead lapse: the latest ledger entry.
    last_ledger_on = models.DateField("最近台账日期", null=True, blank=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-id"]
        indexes = [
            # A unit's kanban: its counts per stage and each column's most recently moved
            # cards, read from the index alone (the counts) or 20 entries of it (a column),
            # where (stage, department) made a unit read every stage's entries of every
            # unit. It serves "department and stage" filters as the old one did.
            models.Index(
                fields=["department", "stage", "-stage_changed_at", "-id"],
                name="project_dept_stage_moved",
            ),
            models.Index(fields=["department", "-id"], name="project_dept_id"),
            models.Index(fields=["enterprise", "stage"], name="project_enterprise_stage"),
            models.Index(fields=["signed_on"], name="project_signed_on"),
            models.Index(fields=["registered_on"], name="project_registered_on"),
            # The kanban's columns: the most recently moved projects of a stage.
            models.Index(fields=["stage", "-stage_changed_at", "-id"], name="project_stage_moved"),
            # Overdue ledgers, oldest first (the office's dashboard, the reminders).
            models.Index(
                fields=["last_ledger_on", "id"],
                condition=Q(stage__in=LEDGER_STAGES),
                include=["created_at"],  # the count reads the index alone
                name="project_ledger_due",
            ),
        ]
        permissions = [
            ("view_pipeline", "查看线索和项目"),
            ("manage_pipeline", "登记和推进线索、项目"),
            ("coordinate_pipeline", "统筹：改派、公海、升级问题"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_lead(self):
        return self.stage == Stage.LEAD

    # What the free-text referrer fields said, now read from the registry row (pages, the
    # API and exports show these; select_related("referrer") where a list shows them).
    @property
    def referrer_name(self):
        return self.referrer.name if self.referrer_id else ""

    @property
    def referrer_kind(self):
        if not self.referrer_id:
            return ""
        person = self.referrer.kind in ("person", "advisor")
        return ReferrerKind.PERSON if person else ReferrerKind.ORGANISATION

    def get_referrer_kind_display(self):
        return self.referrer.get_kind_display() if self.referrer_id else ""


class ChildQuerySet(ScopedQuerySet):
    """Rows that belong to a project are in the scope of the project's unit."""

    scope_unit_field = "project__department"
    scope_owner_field = "project__created_by"


class StageChange(models.Model):
    """One row per stage move: who, when, from, to, why. ``occurred_on`` is the business
    date of the event (the signing date for a signing), which reports count by."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    occurred_on = models.DateField("发生日期")
    reason = models.TextField("原因 / 说明", blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="时任责任单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("操作时间", auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["project", "at", "id"]
        indexes = [models.Index(fields=["to_stage", "occurred_on"], name="stagechange_to_on")]


class OwnerChange(models.Model):
    """One row per change of the responsible unit (registration included)."""

    class Kind(models.TextChoices):
        REGISTER = "register", "登记"
        CLAIM = "claim", "认领"
        REASSIGN = "reassign", "改派"
        PUSH = "push", "推送接收"
        LAPSE = "lapse", "逾期退回公海"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="owner_changes")
    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    from_department = models.ForeignKey(
        "org.Department",
        verbose_name="原单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_department = models.ForeignKey(
        "org.Department",
        verbose_name="新单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("原因", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "归属变更"
        verbose_name_plural = "归属变更"
        ordering = ["project", "at", "id"]
        indexes = [
            # The few projects that ever changed hands (reports attribute their events
            # row by row; every other project belongs to its unit throughout).
            models.Index(
                fields=["project"], condition=~Q(kind="register"), name="owner_change_handed"
            )
        ]


class LedgerEntry(models.Model):
    """推进台账: what happened on a date and the next step."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ledger_entries")
    occurred_on = models.DateField("日期")
    content = models.TextField("推进情况")
    next_step = models.TextField("下一步工作", blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "推进台账"
        verbose_name_plural = "推进台账"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["project", "-occurred_on", "-id"], name="ledger_project_on")
        ]


class FundsEntry(models.Model):
    """到位资金: money that actually arrived. Reports are built on these rows, so each is
    dated and keeps its own currency; foreign amounts convert at the month's rate."""

    class Source(models.TextChoices):
        DOMESTIC = "domestic", "内资"
        FOREIGN = "foreign", "外资"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds_entries")
    received_on = models.DateField("到位日期")
    amount = models.DecimalField("金额", **MONEY)
    currency = models.CharField("币种", max_length=3, default="CNY")
    source = models.CharField(
        "资金来源", max_length=10, choices=Source.choices, default=Source.DOMESTIC
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["received_on"], name="funds_received_on"),
            models.Index(fields=["project", "-received_on"], name="funds_project_on"),
        ]


class ProblemCategory(models.TextChoices):
    APPROVAL = "approval", "审批"
    REGISTRATION = "registration", "注册"
    LAND = "land", "土地"
    PLANNING = "planning", "规划"
    CUSTOMS = "customs", "海关"
    ENVIRONMENT = "environment", "环保"
    FUNDING = "funding", "资金"
    TALENT = "talent", "人才"
    OTHER = "other", "其他"


class Problem(Versioned):
    """问题清单: an obstacle with an owner unit and a deadline in working days. It
    escalates from the owner to the office, then to the joint meeting (联席会议)."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        RESOLVED = "resolved", "已解决"
        CLOSED = "closed", "已关闭"

    class Level(models.TextChoices):
        UNIT = "unit", "责任单位"
        OFFICE = "office", "招商办协调"
        JOINT_MEETING = "joint_meeting", "联席会议"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    category = models.CharField("类别", max_length=20, choices=ProblemCategory.choices)
    title = models.CharField("问题", max_length=200)
    description = models.TextField("具体情况", blank=True)
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="owned_problems",
    )
    deadline_days = models.PositiveIntegerField("办理时限（工作日）")
    # The day the current deadline's clock started (raised, escalated, reopened): the
    # deadline is counted again from it when the office enters that year's holidays
    # (common/deadlines.py, the engine problems share with service tickets).
    deadline_started_on = models.DateField("期限起算日", null=True)
    due_on = models.DateField("办结期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    level = models.CharField("协调层级", max_length=20, choices=Level.choices, default=Level.UNIT)
    resolution = models.TextField("办理结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="problem_status_due")]

    def __str__(self):
        return self.title


class ProblemStep(models.Model):
    """The history of a problem: raised, escalated, answered, resolved, closed, reopened;
    one row per action, with who, when, from, to and why."""

    class Kind(models.TextChoices):
        RAISE = "raise", "提出"
        ESCALATE = "escalate", "升级"
        REPLY = "reply", "办理回复"
        RESOLVE = "resolve", "解决"
        CLOSE = "close", "关闭"
        REOPEN = "reopen", "重新打开"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("动作", max_length=10, choices=Kind.choices)
    from_level = models.CharField(max_length=20, choices=Problem.Level.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=Problem.Level.choices, blank=True)
    # A status move (problem_workflow.TRANSITIONS) records where it came from and went.
    from_status = models.CharField(max_length=10, choices=Problem.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Problem.Status.choices, blank=True)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"
        ordering = ["problem", "at", "id"]


class ProjectMember(models.Model):
    """The project team (M10): a lead official, members and dedicated staff. Major
    projects above the very-major threshold have a command team (指挥部)."""

    class Role(models.TextChoices):
        LEAD_OFFICIAL = "lead_official", "包联领导"
        COMMANDER = "commander", "指挥部总指挥"
        MEMBER = "member", "成员"
        DEDICATED = "dedicated", "专班人员"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("职责", max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统用户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_memberships",
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=100, blank=True)

    class Meta:
        verbose_name = "项目专班成员"
        verbose_name_plural = "项目专班成员"
        ordering = ["project", "role", "id"]


# --- Importing departments' project ledgers (importing.py) -------------------------------
class ProjectImport(ImportJob):
    """An import of a department's existing project ledger (项目台账): the file, the
    column mapping, the dry run's rejected rows and the commit's result, as every import
    job keeps them (common.models.ImportJob), and the unit it was made for. Run by the
    worker; the page shows its state."""

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")

    class Meta(ImportJob.Meta):
        verbose_name = "项目台账导入"
        verbose_name_plural = "项目台账导入"

    def __str__(self):
        return f"项目台账导入：{self.file_name}"

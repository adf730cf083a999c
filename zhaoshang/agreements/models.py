"""Agreements and what follows from them: commitments, operating data, incentive clauses
as typed rules, the calculation, disbursement and clawback (M13, M14).

Every amount is ``Decimal`` yuan with two places. Agreement terms and amounts are
confidential: they are read through ``for_user`` (the responsible department's path) and
only by roles holding ``agreements.view_agreement`` / ``view_disbursement``
(``org/roles.py``); the tax office reads the operating data it supplied and the data of
the disbursements it confirms, never the amounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class AgreementQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = ""  # the responsible unit owns an agreement, not its clerk


class Agreement(Versioned):
    """A signed agreement on a project: 投资协议, 补充协议 (amends clauses of its parent)
    or a 一企一策 agreement whose final terms the executive meeting approved."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", "投资协议"
        SUPPLEMENTARY = "supplementary", "补充协议"
        TAILORED = "tailored", "一企一策协议"

    kind = models.CharField("协议类型", max_length=20, choices=Kind.choices)
    number = models.CharField("协议编号", max_length=60, unique=True)
    title = models.CharField("协议名称", max_length=200)
    project = models.ForeignKey(
        "pipeline.Project", on_delete=models.PROTECT, related_name="agreements"
    )
    # The project's enterprise, kept here: operating data and the calculation key on it.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="agreements"
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name="责任单位",
    )
    parties = models.CharField("签约各方", max_length=300)
    signed_on = models.DateField("签约日期")
    term_start = models.DateField("协议期限起")
    term_end = models.DateField("协议期限止")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplements",
        verbose_name="所补充的协议",
    )
    # 一企一策: the meeting-approved terms, linked rather than retyped.
    terms_approval = models.ForeignKey(
        "pipeline.TermsApproval",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="常务会议审定的一企一策条款",
    )
    # 迁出: the day the enterprise moved its registration or tax out of the district;
    # a stay commitment failing is what a clawback on moving out looks at.
    moved_out_on = models.DateField("迁出日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "协议"
        verbose_name_plural = "协议"
        ordering = ["-signed_on", "-id"]
        # The module's own permissions only (Django's default view_agreement would clash).
        default_permissions = ()
        permissions = [
            ("view_agreement", "查看协议、承诺与奖励条款"),
            ("manage_agreement", "登记协议、承诺与奖励条款"),
            ("compute_incentive", "测算奖励并提交兑现"),
            ("supply_operating_data", "报送经营数据"),
            ("confirm_operating_data", "确认测算所用经营数据"),
            ("view_disbursement", "查看奖励测算与兑现金额"),
            ("record_meeting", "登记常务会议审议结果"),
            ("allocate_incentive", "拨付奖励资金"),
            ("pay_incentive", "向企业兑付奖励"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="agreement_term_order"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class AgreementFileQuerySet(ScopedQuerySet):
    scope_unit_field = "agreement__department"
    scope_owner_field = ""


class AgreementFile(models.Model):
    """The signed text itself (PDF/Word); a new upload is a new version, the old ones stay."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField("版本")
    file = models.FileField("协议文本", upload_to="agreements/%Y/%m/")
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementFileQuerySet.as_manager()

    class Meta:
        verbose_name = "协议文本"
        verbose_name_plural = "协议文本"
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="agreement_file_version")
        ]


class Metric(models.TextChoices):
    """What a commitment promises and what operating data reports, one vocabulary, so a
    condition or a shortfall compares like with like."""

    TAX_TOTAL = "tax_total", "全口径税收"
    TAX_DISTRICT = "tax_district", "区级留成税收"
    REVENUE = "revenue", "营业收入"
    OUTPUT = "output", "产值"
    EMPLOYEES = "employees", "从业人数"
    FIXED_ASSET_INVESTMENT = "fixed_asset_investment", "固定资产投资"
    PAID_IN_CAPITAL = "paid_in_capital", "实缴注册资本"
    EQUIPMENT_INVOICED = "equipment_invoiced", "设备投资（发票金额）"
    FLOOR_AREA = "floor_area", "使用面积"


# Reported per period and added up over a year; the others are a level at a moment, so a
# year's figure is the latest period's.
FLOW_METRICS = {
    Metric.TAX_TOTAL,
    Metric.TAX_DISTRICT,
    Metric.REVENUE,
    Metric.OUTPUT,
    Metric.FIXED_ASSET_INVESTMENT,
    Metric.EQUIPMENT_INVOICED,
}
UNITS = {Metric.EMPLOYEES: "人", Metric.FLOOR_AREA: "平方米"}


class CommitmentQuerySet(ScopedQuerySet):
    scope_unit_field = "agreement__department"
    scope_owner_field = ""


class Commitment(models.Model):
    """What the enterprise promised for one year: an amount (yuan), a count (people) or
    an area. 不迁出 is ``stay_years`` on its own row kind, counted from the signing day."""

    class Kind(models.TextChoices):
        FIXED_ASSET_INVESTMENT = "fixed_asset_investment", "固定资产投资"
        PAID_IN_CAPITAL = "paid_in_capital", "注册资本实缴"
        REVENUE = "revenue", "营业收入"
        OUTPUT = "output", "产值"
        TAX_TOTAL = "tax_total", "全口径税收"
        TAX_DISTRICT = "tax_district", "区级留成税收"
        EMPLOYEES = "employees", "从业人数"
        FLOOR_AREA = "floor_area", "使用面积"
        STAY_YEARS = "stay_years", "不迁出年限"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField("承诺事项", max_length=30, choices=Kind.choices)
    year = models.PositiveIntegerField("年度")
    amount = models.DecimalField("承诺值", **MONEY)
    due_on = models.DateField("完成期限", null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "承诺"
        verbose_name_plural = "承诺"
        ordering = ["agreement", "kind", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "year"], name="commitment_one_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="commitment_not_negative"),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_kind_display()}"


class ClauseQuerySet(ScopedQuerySet):
    scope_unit_field = "agreement__department"
    scope_owner_field = ""

    def in_force(self):
        return self.filter(superseded_by__isnull=True)


class IncentiveClause(models.Model):
    """One incentive as a rule: its kind, parameters (``clauses.py`` validates them per
    kind), the years it runs, a yearly cap, the condition that must hold and the policy
    article it cites. A supplementary agreement amends a clause by superseding it: the
    old row stays, pointing at the row that replaced it."""

    class Kind(models.TextChoices):
        TAX_SHARE = "tax_share", "区级财力贡献奖励"
        LANDING_AWARD = "landing_award", "落户奖励（按实缴注册资本分档）"
        RENT_SUBSIDY = "rent_subsidy", "房租补贴"
        TALENT_SUBSIDY = "talent_subsidy", "人才及住房补贴"
        EQUIPMENT_SUBSIDY = "equipment_subsidy", "设备投资补贴"
        TAILORED = "tailored", "一事一议奖励"

    class Clawback(models.TextChoices):
        NONE = "", "不追回"
        MOVES_OUT = "moves_out", "承诺期内迁出的，追回已兑现奖励"
        TAX_FLOOR = "tax_floor", "区级税收低于承诺的，追回已兑现奖励"

    class ClawbackBasis(models.TextChoices):
        FULL = "full", "全额追回"
        PRO_RATA = "pro_rata", "按未履约比例追回"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    kind = models.CharField("奖励类型", max_length=30, choices=Kind.choices)
    title = models.CharField("条款", max_length=200)
    first_year = models.PositiveIntegerField("起始年度")
    last_year = models.PositiveIntegerField("截止年度")
    params = models.JSONField("参数", default=dict)
    cap = models.DecimalField("每年上限（元）", null=True, blank=True, **MONEY)
    # The condition: the metric of the year must be at least ``condition_min``, or, with
    # no figure, at least the commitment of that kind for the year ("不低于承诺值").
    condition_metric = models.CharField(
        "兑现条件指标", max_length=30, choices=Metric.choices, blank=True
    )
    condition_min = models.DecimalField("条件下限", null=True, blank=True, **MONEY)
    policy_article = models.CharField("所依据的政策条款", max_length=300)
    clawback = models.CharField(
        "追回情形", max_length=20, choices=Clawback.choices, blank=True, default=""
    )
    clawback_basis = models.CharField(
        "追回方式",
        max_length=20,
        choices=ClawbackBasis.choices,
        default=ClawbackBasis.FULL,
    )
    amended_in = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amended_clauses",
        verbose_name="由补充协议修改",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClauseQuerySet.as_manager()

    class Meta:
        verbose_name = "奖励条款"
        verbose_name_plural = "奖励条款"
        ordering = ["agreement", "kind", "first_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="clause_year_order"
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.first_year}—{self.last_year}年）"


# --- Operating data ---------------------------------------------------------------------
class DataSource(models.TextChoices):
    TAX = "tax", "税务部门"
    STATISTICS = "statistics", "统计部门"
    ENTERPRISE = "enterprise", "企业自报"


class OperatingDataImport(models.Model):
    """One uploaded file of operating data (the tax office's .xlsx, the statistics
    office's output, an enterprise's own report): mapping, dry run and commit in the
    worker (``importing.py``), with the rows it was rejected for."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "待确认列对应"
        CHECKING = "checking", "试导入中"
        CHECKED = "checked", "试导入完成"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"

    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.UPLOADED)
    source = models.CharField("数据来源", max_length=20, choices=DataSource.choices)
    file_name = models.CharField("文件名", max_length=200)
    token = models.CharField(max_length=32, unique=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    headers = models.JSONField("表头", default=list)
    mapping = models.JSONField("列对应", default=dict)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    errors = models.JSONField("错误", default=list)
    summary = models.JSONField("结果", default=dict)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="报送单位"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    worker_started_at = models.DateTimeField("后台开始时间", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "经营数据导入"
        verbose_name_plural = "经营数据导入"
        ordering = ["-id"]

    def __str__(self):
        return f"经营数据导入：{self.file_name}"


class OperatingDataQuerySet(ScopedQuerySet):
    # The unit that supplied the figures reads them (the tax office its own files); the
    # office reads all. A department reads figures only inside its agreements' calculations.
    scope_unit_field = "department"
    scope_owner_field = ""

    def current(self):
        return self.filter(current=True)


class OperatingData(models.Model):
    """One enterprise's figures for one period from one source, as one row of a file.
    ``month`` 0 is a whole year. A corrected file supersedes the row (``supersedes``)
    instead of overwriting it, so a calculation can show what it used and what changed.
    Each row names its file, its row and (through the import) who supplied it."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", default=0)
    source = models.CharField("数据来源", max_length=20, choices=DataSource.choices)
    tax_total = models.DecimalField("全口径税收", null=True, blank=True, **MONEY)
    tax_district = models.DecimalField("区级留成税收", null=True, blank=True, **MONEY)
    revenue = models.DecimalField("营业收入", null=True, blank=True, **MONEY)
    output = models.DecimalField("产值", null=True, blank=True, **MONEY)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    fixed_asset_investment = models.DecimalField("固定资产投资", null=True, blank=True, **MONEY)
    paid_in_capital = models.DecimalField("实缴注册资本", null=True, blank=True, **MONEY)
    equipment_invoiced = models.DecimalField("设备投资（发票金额）", null=True, blank=True, **MONEY)
    floor_area = models.DecimalField("使用面积", null=True, blank=True, **MONEY)
    batch = models.ForeignKey(
        OperatingDataImport, null=True, on_delete=models.PROTECT, related_name="rows"
    )
    row_number = models.PositiveIntegerField("文件行号", null=True)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name="报送单位"
    )
    # A corrected file adds a new row that ``supersedes`` the old one and clears the old
    # row's ``current``; nothing is overwritten, so history and past calculations stand.
    current = models.BooleanField("现行数据", default=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OperatingDataQuerySet.as_manager()

    class Meta:
        verbose_name = "经营数据"
        verbose_name_plural = "经营数据"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month", "source"],
                condition=Q(current=True),
                name="operating_data_current",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "enterprise"], name="operating_data_year"),
            models.Index(fields=["department", "year"], name="operating_data_unit"),
        ]

    @property
    def period_label(self):
        return f"{self.year}年" if self.month == 0 else f"{self.year}年{self.month}月"


# --- The calculation --------------------------------------------------------------------
class CalculationQuerySet(ScopedQuerySet):
    scope_unit_field = "agreement__department"
    scope_owner_field = ""


class Calculation(models.Model):
    """The computed incentives of one agreement for one year, as it was computed: the
    lines (clause, base and where it came from, rate, cap, conditions, result) and the
    operating-data rows it used, so a later correction can say what would change."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="calculations")
    year = models.PositiveIntegerField("年度")
    total = models.DecimalField("测算合计（元）", **MONEY)
    lines = models.JSONField("测算明细", default=list)
    inputs = models.JSONField("所用经营数据", default=list)  # [operating data id, …]
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField("测算时间", auto_now_add=True)

    objects = CalculationQuerySet.as_manager()

    class Meta:
        verbose_name = "奖励测算"
        verbose_name_plural = "奖励测算"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["agreement", "year"], name="calculation_year")]


# --- Disbursement -----------------------------------------------------------------------
class DisbursementState(models.TextChoices):
    COMPUTED = "computed", "待税务部门确认数据"
    CONFIRMED = "confirmed", "待常务会议审议"
    APPROVED = "approved", "待财政拨付"
    ALLOCATED = "allocated", "待责任单位兑付"
    PAID = "paid", "已兑付（办结）"
    RETURNED = "returned", "已退回招商办"


class DisbursementQuerySet(ScopedQuerySet):
    # The responsible department, and the unit whose figures the calculation rests on (the
    # tax office confirms them); the tax office's page shows the data, not the amounts.
    scope_unit_field = ("agreement__department", "data_department")
    scope_owner_field = ""


class Disbursement(Versioned):
    """Paying one year's computed incentives of an agreement, step by step (workflow.py)."""

    calculation = models.ForeignKey(
        Calculation, on_delete=models.PROTECT, related_name="disbursements"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="disbursements")
    year = models.PositiveIntegerField("年度")
    state = models.CharField(
        "状态",
        max_length=20,
        choices=DisbursementState.choices,
        default=DisbursementState.COMPUTED,
        db_index=True,
    )
    state_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    data_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="数据确认单位",
    )
    computed_amount = models.DecimalField("测算金额（元）", **MONEY)
    meeting = models.CharField("常务会议", max_length=100, blank=True)
    meeting_on = models.DateField("会议日期", null=True, blank=True)
    minutes = models.TextField("会议纪要要点", blank=True)
    approved_amount = models.DecimalField("审定金额（元）", null=True, blank=True, **MONEY)
    allocated_amount = models.DecimalField("拨付金额（元）", null=True, blank=True, **MONEY)
    allocated_on = models.DateField("拨付日期", null=True, blank=True)
    allocation_voucher = models.CharField("拨付凭证号", max_length=60, blank=True)
    paid_amount = models.DecimalField("兑付金额（元）", null=True, blank=True, **MONEY)
    paid_on = models.DateField("兑付日期", null=True, blank=True)
    payment_voucher = models.CharField("兑付凭证号", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = "奖励兑现"
        verbose_name_plural = "奖励兑现"
        ordering = ["-year", "-id"]
        # agreements.view_disbursement is the module's own (declared on Agreement).
        default_permissions = ()
        constraints = [
            # One live disbursement per agreement and year: a paid one is not paid again.
            models.UniqueConstraint(fields=["agreement", "year"], name="disbursement_one_per_year"),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True)
                | Q(approved_amount__isnull=False, paid_amount__lte=models.F("approved_amount")),
                name="disbursement_paid_within_approved",
            ),
            models.CheckConstraint(
                condition=Q(allocated_amount__isnull=True)
                | Q(
                    approved_amount__isnull=False,
                    allocated_amount__lte=models.F("approved_amount"),
                ),
                name="disbursement_allocated_within_approved",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.number} {self.year}年度奖励兑现"


class DisbursementStep(models.Model):
    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(max_length=20, choices=DisbursementState.choices)
    to_state = models.CharField(max_length=20, choices=DisbursementState.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


# --- Clawback ---------------------------------------------------------------------------
class ClawbackState(models.TextChoices):
    COMPUTED = "computed", "待常务会议审议"
    APPROVED = "approved", "待发出追回通知"
    DEMANDED = "demanded", "待企业退回"
    RECOVERED = "recovered", "已追回（办结）"
    WAIVED = "waived", "经审议不予追回"


class ClawbackQuerySet(ScopedQuerySet):
    scope_unit_field = "agreement__department"
    scope_owner_field = ""


class Clawback(Versioned):
    """Recovering incentives paid under an agreement whose commitment failed: the amount
    computed from the clauses and the amounts paid (``calculation.clawback_lines``)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="clawbacks")
    reason = models.CharField("追回事由", max_length=300)
    lines = models.JSONField("追回测算", default=list)
    amount_due = models.DecimalField("应追回金额（元）", **MONEY)
    state = models.CharField(
        "状态",
        max_length=20,
        choices=ClawbackState.choices,
        default=ClawbackState.COMPUTED,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    meeting = models.CharField("常务会议", max_length=100, blank=True)
    notice_no = models.CharField("追回通知文号", max_length=60, blank=True)
    recovered_amount = models.DecimalField("已追回金额（元）", null=True, blank=True, **MONEY)
    recovered_on = models.DateField("追回日期", null=True, blank=True)
    voucher = models.CharField("缴回凭证号", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClawbackQuerySet.as_manager()

    class Meta:
        verbose_name = "奖励追回"
        verbose_name_plural = "奖励追回"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recovered_amount__isnull=True)
                | Q(recovered_amount__lte=models.F("amount_due")),
                name="clawback_recovered_within_due",
            ),
        ]


class ClawbackStep(models.Model):
    clawback = models.ForeignKey(Clawback, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(max_length=20, choices=ClawbackState.choices)
    to_state = models.CharField(max_length=20, choices=ClawbackState.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

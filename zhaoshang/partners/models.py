"""The partner registry (中介机构, 商会/协会, 招商顾问, 委托招商机构, and persons who refer
a lead), the finder-reward rules the office edits, finder rewards and agency fees.

A lead or project names its referrer as ``Project.referrer``: a row here. A person who
brings one lead is a row of kind ``person``; the same registry then answers "which leads
did this partner bring" and "may this referrer be rewarded" (a public employee, 国家公职人员,
never is: the declaration here, and the flag on a staff user, ``User.is_civil_servant``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import DataScope, ScopedQuerySet, user_scope

MONEY = {"max_digits": 16, "decimal_places": 2}


class PartnerQuerySet(ScopedQuerySet):
    """The registry is shared, as the enterprise library's base facts are: every promotion
    user who may read partners reads all of them (a department must find the chamber
    another department registered before naming it on its lead). What stays scoped is
    what hangs off a partner: its referrals (projects) and rewards."""

    scope_unit_field = "department"
    scope_owner_field = ""

    def for_user(self, user, *, unit_field=None):
        if user_scope(user) == DataScope.NONE:
            return self.none()
        return self


class Partner(Versioned):
    class Kind(models.TextChoices):
        INTERMEDIARY = "intermediary", "中介机构"
        CHAMBER = "chamber", "商会/协会"
        ADVISOR = "advisor", "招商顾问"
        AGENCY = "agency", "委托招商机构"
        PERSON = "person", "个人"

    class Declaration(models.TextChoices):
        UNKNOWN = "", "未声明"
        NOT_PUBLIC = "not_public", "声明非国家公职人员"
        PUBLIC = "public", "国家公职人员"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    name = models.CharField("名称 / 姓名", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    city = models.CharField("所在地", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    fields_of_work = models.CharField("擅长领域", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    # A person who is also an account here: the account's public-employee flag counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对应系统用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_records",
    )
    declaration = models.CharField(
        "公职人员身份声明", max_length=12, choices=Declaration.choices, blank=True, default=""
    )
    declared_on = models.DateField("声明日期", null=True, blank=True)
    # Advisors (招商顾问): appointment term and letter.
    appointed_from = models.DateField("聘任起始日", null=True, blank=True)
    appointed_until = models.DateField("聘任截止日", null=True, blank=True)
    appointment_letter = models.FileField("聘书", upload_to="partners/letters/%Y/%m", blank=True)
    # Commissioned agencies (委托招商机构): contract and fee terms.
    contract_no = models.CharField("委托合同编号", max_length=60, blank=True)
    contract_from = models.DateField("合同起始日", null=True, blank=True)
    contract_until = models.DateField("合同截止日", null=True, blank=True)
    contract_file = models.FileField("委托合同", upload_to="partners/contracts/%Y/%m", blank=True)
    fee_terms = models.TextField("费用条款", blank=True)
    fee_cap = models.DecimalField("合同费用上限（元）", null=True, blank=True, **MONEY)
    is_active = models.BooleanField("在册", default=True)
    # The unit that registered it (the office, or a department naming a new person).
    department = models.ForeignKey(
        "org.Department",
        verbose_name="登记单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "合作机构"
        verbose_name_plural = "合作机构"
        ordering = ["-id"]
        permissions = [
            ("view_partners", "查阅中介与引荐"),
            ("manage_partners", "管理中介名录与奖励规则"),
            ("view_rewards", "查阅中介奖励"),
            ("manage_rewards", "拟定中介奖励"),
            ("approve_rewards", "审批中介奖励"),
            ("pay_rewards", "拨付中介奖励与委托招商费"),
        ]
        indexes = [
            models.Index(fields=["kind", "-id"], name="partner_kind_id"),
            models.Index(fields=["name"], name="partner_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointed_until__isnull=True)
                | Q(appointed_from__isnull=True)
                | Q(appointed_until__gte=models.F("appointed_from")),
                name="partner_appointment_order",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def is_person(self):
        return self.kind in (self.Kind.PERSON, self.Kind.ADVISOR)


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["id"]

    def __str__(self):
        return self.name


class RewardRule(models.Model):
    """One row of the office's reward table (论功行赏): a project whose agreed investment
    and funds in place reach the thresholds earns ``fixed_amount`` plus ``rate`` per cent
    of the funds in place, at most ``cap``. Of the rules a project meets, the one with the
    highest investment threshold applies. Data the office edits, not code."""

    name = models.CharField("档次名称", max_length=60)
    min_investment = models.DecimalField("协议投资额不低于（元）", **MONEY)
    min_funds = models.DecimalField("到位资金不低于（元）", **MONEY)
    fixed_amount = models.DecimalField("固定奖励（元）", default=0, **MONEY)
    rate = models.DecimalField("按到位资金比例（%）", max_digits=6, decimal_places=3, default=0)
    cap = models.DecimalField("奖励上限（元）", null=True, blank=True, **MONEY)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "中介奖励规则"
        verbose_name_plural = "中介奖励规则"
        ordering = ["-min_investment", "-min_funds", "id"]

    def __str__(self):
        return self.name


class RewardQuerySet(ScopedQuerySet):
    # A department reads the rewards on its own projects' referrals; the office, leaders
    # and finance read all.
    scope_unit_field = "project__department"
    scope_owner_field = "created_by"


class FinderReward(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "拟定"
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准待拨付"
        PAID = "paid", "已拨付"
        REJECTED = "rejected", "不予奖励"

    partner = models.ForeignKey(
        Partner, verbose_name="受奖引荐方", on_delete=models.PROTECT, related_name="rewards"
    )
    project = models.ForeignKey(
        "pipeline.Project",
        verbose_name="引进项目",
        on_delete=models.PROTECT,
        related_name="finder_rewards",
    )
    rule = models.ForeignKey(
        RewardRule, verbose_name="适用规则", null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # What the calculation saw, kept: the rule may change later.
    investment = models.DecimalField("协议投资额（元）", **MONEY)
    funds = models.DecimalField("到位资金（元）", **MONEY)
    amount = models.DecimalField("奖励金额（元）", **MONEY)
    basis = models.CharField("计算依据", max_length=300, blank=True)
    # The unit whose 奖励 budget line pays.
    budget_department = models.ForeignKey(
        "org.Department", verbose_name="列支单位", on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_no = models.CharField("拨付凭证号", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("拟定时间", auto_now_add=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = "中介奖励"
        verbose_name_plural = "中介奖励"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="reward_status_id")]
        constraints = [
            # One live reward per referrer and project; a refused one may be proposed again.
            models.UniqueConstraint(
                fields=["partner", "project"],
                condition=~Q(status="rejected"),
                name="reward_one_live_per_project",
            ),
        ]

    def __str__(self):
        return f"{self.partner.name} · {self.project.name}"


class RewardStep(models.Model):
    """One history row per move of a reward: who, when, from, to, why."""

    reward = models.ForeignKey(FinderReward, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=12, choices=FinderReward.Status.choices)
    to_status = models.CharField("新状态", max_length=12, choices=FinderReward.Status.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class FeeQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "created_by"


class AgencyFee(models.Model):
    """A payment to a commissioned agency under its contract, charged to the paying unit's
    委托招商费 budget line."""

    partner = models.ForeignKey(
        Partner, verbose_name="委托招商机构", on_delete=models.PROTECT, related_name="fees"
    )
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("支付日期")
    summary = models.CharField("事由", max_length=200)
    voucher_no = models.CharField("凭证号", max_length=60, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name="列支单位", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeeQuerySet.as_manager()

    class Meta:
        verbose_name = "委托招商费"
        verbose_name_plural = "委托招商费"
        ordering = ["-paid_on", "-id"]

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet


class Ownership(models.TextChoices):
    CENTRAL_SOE = "central_soe", "央企"
    LOCAL_SOE = "local_soe", "地方国企"
    PRIVATE = "private", "民营"
    FOREIGN = "foreign", "外资"
    HMT = "hmt", "港澳台"
    COLLECTIVE = "collective", "集体"
    PUBLIC_INSTITUTION = "institution", "事业单位"
    UNIVERSITY = "university", "高校"
    RESEARCH = "research", "科研院所"


class RankingKind(models.TextChoices):
    FORTUNE_500 = "fortune500", "世界500强"
    CHINA_500 = "china500", "中国500强"
    PRIVATE_500 = "private500", "中国民营500强"
    SERVICE_500 = "service500", "中国服务业500强"
    INDUSTRY_TOP_100 = "industry100", "行业百强"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”"
    HIGH_TECH = "high_tech", "高新技术企业"
    UNICORN = "unicorn", "独角兽"


class Status(models.TextChoices):
    TARGET = "target", "目标企业"
    LOCAL = "local", "已落地（本地企业）"


class Tag(models.Model):
    name = models.CharField("标签", max_length=30, unique=True)
    is_builtin = models.BooleanField("内置", default=False)

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["-is_builtin", "id"]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def live(self):
        """Not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Enterprise(Versioned):
    """An enterprise we know: a target or already here. Base facts are shared with every
    promotion user; contacts and notes belong to the following department (see Contact
    and ``notes_visible_to``)."""

    name = models.CharField("企业名称", max_length=200)
    # parsing.normalize_name: what duplicate checks compare (legal form, region cut).
    dedupe_key = models.CharField(
        "规范名称", max_length=200, db_index=True, editable=False, default=""
    )
    # Current and former names joined by "|": substring search runs over it.
    search_text = models.TextField(editable=False, default="")
    initials = models.CharField(
        "拼音首字母", max_length=200, db_index=True, editable=False, default=""
    )
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, null=True, blank=True, unique=True
    )
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    registered_capital = models.DecimalField(
        "注册资本", max_digits=18, decimal_places=2, null=True, blank=True
    )
    registered_currency = models.CharField("注册资本币种", max_length=3, default="CNY")
    paid_in_capital = models.DecimalField(
        "实缴资本", max_digits=18, decimal_places=2, null=True, blank=True
    )
    paid_in_currency = models.CharField("实缴资本币种", max_length=3, default="CNY")
    founded_on = models.DateField("成立日期", null=True, blank=True)
    # No index of its own: ent_ownership_id (ownership, id) answers every filter on it.
    ownership = models.CharField("企业性质", max_length=20, choices=Ownership.choices, blank=True)
    listing_exchange = models.CharField("上市交易所", max_length=30, blank=True)
    stock_code = models.CharField("股票代码", max_length=20, blank=True)
    hq_region = models.ForeignKey(
        "reference.Region",
        verbose_name="总部所在地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    industries = models.ManyToManyField(
        "reference.Industry", verbose_name="国民经济行业", blank=True, related_name="enterprises"
    )
    key_industries = models.ManyToManyField(
        "reference.KeyIndustry", verbose_name="重点产业", blank=True, related_name="enterprises"
    )
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="enterprises")
    website = models.CharField("网址", max_length=200, blank=True)
    description = models.TextField("企业简介", blank=True)
    notes = models.TextField("跟进备注（仅跟进单位与招商办可见）", blank=True)
    # No index of its own: ent_status_id (status, id) answers every filter on it.
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.TARGET)
    # The foreign keys' lookups (filters, PROTECT checks) use the (column, id) indexes
    # below; merged_into has a partial index of the few merged rows. An import writes
    # every index of a new row, so none is kept twice.
    department = models.ForeignKey(
        "org.Department",
        verbose_name="跟进单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_enterprises",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["-id"]
        permissions = [
            ("view_enterprise_library", "查看企业库"),
            ("manage_enterprise", "维护企业信息"),
            ("merge_enterprise", "合并重复企业"),
            ("import_enterprise", "导入企业"),
        ]
        indexes = [
            models.Index(fields=["ownership", "id"], name="ent_ownership_id"),
            models.Index(fields=["department", "id"], name="ent_department_id"),
            models.Index(fields=["hq_region", "id"], name="ent_region_id"),
            models.Index(fields=["status", "id"], name="ent_status_id"),
            models.Index(
                fields=["merged_into"],
                name="ent_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_listed(self):
        return bool(self.listing_exchange or self.stock_code)


class FormerName(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField("曾用名", max_length=200)
    dedupe_key = models.CharField(max_length=200, db_index=True, editable=False)
    until = models.DateField("使用至", null=True, blank=True)

    class Meta:
        verbose_name = "曾用名"
        verbose_name_plural = "曾用名"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "dedupe_key"], name="former_name_unique")
        ]

    def __str__(self):
        return self.name


class Ranking(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="rankings")
    kind = models.CharField("榜单", max_length=20, choices=RankingKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    rank = models.PositiveIntegerField("名次", null=True, blank=True)

    class Meta:
        verbose_name = "榜单排名"
        verbose_name_plural = "榜单排名"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "year"], name="ranking_unique")
        ]
        indexes = [models.Index(fields=["kind", "year", "enterprise"], name="ranking_kind_year")]

    def __str__(self):
        return self.label(self.kind, self.year, self.rank)

    @staticmethod
    def label(kind, year, rank):
        """ "2026年中国500强第3名", also for list rows read as plain values."""
        return f"{year}年{RankingKind(kind).label}" + (f"第{rank}名" if rank else "")


class ContactQuerySet(ScopedQuerySet):
    # A contact belongs to the unit that follows its enterprise.
    scope_unit_field = "enterprise__department"
    scope_owner_field = "created_by"


class Contact(models.Model):
    """A person at an enterprise: confidential to the following unit and the office."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("邮箱", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"

    def __str__(self):
        return f"{self.name}（{self.enterprise}）"


class SearchGram(models.Model):
    """Two-character postings of every enterprise's current and former names: a substring
    search of two characters or more walks the postings of its rarest bigram in id order
    and checks the full substring, the same on SQLite and PostgreSQL."""

    # The posting is its own key: no id column, sequence or index of its own to write for
    # each of the two million postings an import of 100,000 names adds. The key's index
    # (gram, enterprise) is the one searches walk; the enterprise index serves reindexing.
    pk = models.CompositePrimaryKey("gram", "enterprise")
    gram = models.CharField(max_length=2)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, db_constraint=False, related_name="grams"
    )


class GramFrequency(models.Model):
    """How many enterprises carry each bigram, to pick the rarest one of a query."""

    gram = models.CharField(max_length=2, primary_key=True)
    # Signed: an upsert that lowers a count carries a negative delta in its VALUES row,
    # which a CHECK (count >= 0) would refuse before the conflict is resolved.
    count = models.IntegerField(default=0)


class ImportJob(models.Model):
    """An enterprise or ranking import: the file, the mapping, the dry run, the commit,
    run by the worker with its progress kept here so the page can be left and come back."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", "企业名录"
        RANKING = "ranking", "榜单"

    class State(models.TextChoices):
        UPLOADED = "uploaded", "待确认列对应"
        CHECKING = "checking", "试导入中"
        CHECKED = "checked", "试导入完成"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.UPLOADED)
    file_name = models.CharField("文件名", max_length=200)
    token = models.CharField(max_length=32, unique=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    headers = models.JSONField("表头", default=list)
    mapping = models.JSONField("列对应", default=dict)
    ranking_kind = models.CharField("榜单", max_length=20, choices=RankingKind.choices, blank=True)
    ranking_year = models.PositiveSmallIntegerField("榜单年份", null=True, blank=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理", default=0)
    errors = models.JSONField("错误", default=list)
    summary = models.JSONField("结果", default=dict)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker began the current dry run or commit (None while queued): with the
    # worker's heartbeat, tells a phase whose worker died (common/imports.worker_phase).
    worker_started_at = models.DateTimeField("后台开始时间", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()}导入：{self.file_name}"

    @property
    def percent(self):
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models

from .scoping import SCOPE_ORDER, DataScope, ScopedQuerySet  # noqa: F401 - named here too


class Versioned(models.Model):
    """A record edited on a page carries its version; an edit based on an older version
    is refused instead of silently overwriting a colleague's change."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class DepartmentQuerySet(ScopedQuerySet):
    scope_unit_field = ""  # the department itself is the unit


class Department(Versioned):
    """A unit of the organisation: the office, an industry department, a street, a zone,
    finance, tax, discipline, supervision or the leading group."""

    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", "领导小组"
        OFFICE = "office", "招商办"
        DEPARTMENT = "department", "行业主管部门"
        STREET = "street", "街道"
        ZONE = "zone", "功能区"
        FINANCE = "finance", "财政部门"
        TAX = "tax", "税务部门"
        DISCIPLINE = "discipline", "纪检监察"
        SUPERVISION = "supervision", "督查部门"
        OTHER = "other", "其他单位"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path ("/0000001/0000004/") so "this unit and below" is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    code = models.CharField("单位编码", max_length=30, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        permissions = [("manage_department", "管理单位")]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return max(self.path.count("/") - 2, 0)


class Role(models.Model):
    """A role: a name, a data scope and a set of permissions.

    The built-in roles are declared in ``roles.py`` and synced after every migrate, so a
    later module grants its permission to a role by adding one line there."""

    class Kind(models.TextChoices):
        BUSINESS = "business", "业务角色"
        SYSTEM_ADMIN = "system_admin", "系统管理员"
        SECURITY_ADMIN = "security_admin", "安全管理员"
        AUDIT_ADMIN = "audit_admin", "审计管理员"

    code = models.SlugField("角色编码", max_length=50, unique=True)
    name = models.CharField("角色名称", max_length=50, unique=True)
    kind = models.CharField("角色类别", max_length=20, choices=Kind.choices, default="business")
    data_scope = models.CharField(
        "数据范围", max_length=20, choices=DataScope.choices, default=DataScope.UNIT
    )
    permissions = models.ManyToManyField(Permission, verbose_name="权限", blank=True)
    description = models.CharField("说明", max_length=200, blank=True)
    is_builtin = models.BooleanField("内置", default=False, editable=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["kind", "id"]
        permissions = [("manage_role", "管理角色与授权")]

    def __str__(self):
        return self.name

    @property
    def is_admin(self):
        return self.kind != self.Kind.BUSINESS


class UserQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = "pk"


class ZsUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey(
        Department, verbose_name="所属单位", on_delete=models.PROTECT, related_name="users"
    )
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    is_civil_servant = models.BooleanField("国家公职人员（不得领取中介奖励）", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = ZsUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["department__path", "username"]
        permissions = [
            ("manage_user", "管理用户账号"),
            ("unlock_user", "解除账号锁定"),
            ("manage_policy", "查看与调整安全策略"),
        ]

    def __str__(self):
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username


class Grant(models.Model):
    """A role held by a user; who granted it and when."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.ForeignKey(
        Role, verbose_name="角色", on_delete=models.PROTECT, related_name="grants"
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="grant_unique")]

    def __str__(self):
        return f"{self.user} - {self.role}"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so the last five are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class SecurityPolicy(models.Model):
    """The security policy in force, adjustable by the security administrator within the
    bounds of 等保 2.0 level 3 (``policy.BOUNDS``). One row; defaults come from settings."""

    password_max_age_days = models.PositiveIntegerField("密码有效期（天）")
    password_history = models.PositiveIntegerField("不得重复使用最近几次密码")
    lockout_failures = models.PositiveIntegerField("连续失败几次锁定")
    lockout_minutes = models.PositiveIntegerField("锁定时长（分钟）")
    address_lockout_accounts = models.PositiveIntegerField(
        "同一地址登录失败账号数达到几个即锁定该地址",
        default=10,
        help_text="防范撒网式猜密码；同一单位的多名用户共用一个出口地址，不宜过小",
    )
    idle_minutes = models.PositiveIntegerField("无操作自动退出（分钟）")
    audit_retention_days = models.PositiveIntegerField("审计日志保留（天）")
    webhook_allowed_hosts = models.TextField(
        "群机器人内网网关白名单",
        blank=True,
        default="",
        help_text=(
            "企业微信（qyapi.weixin.qq.com）、钉钉（oapi.dingtalk.com）机器人地址无需填写。"
            "经内网网关转发时，每行填写一个网关地址，如 gateway.hexi.gov.cn 或 10.1.2.3:8080；"
            "未写端口的只允许 80/443 端口"
        ),
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self):
        return "安全策略"

"""API keys: how another government system (the city's platform, the tax office's
system) calls the JSON API without a browser session.

A key acts as its own service account: a user in a unit, with the permissions and data
scope of one business role, so every endpoint reads through ``for_user`` exactly as it
does for a person. On top of the role, the key is limited to the API modules it was
given and, when read-only, to GET. Only a digest of the key is stored."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from zhaoshang.org.scoping import ScopedQuerySet

# A client that needs more than this per minute should say so; the ceiling keeps one
# misbehaving system from taking the server's workers from everyone else.
DEFAULT_RATE_PER_MINUTE = 600
MAX_RATE_PER_MINUTE = 6000


class ApiKeyQuerySet(ScopedQuerySet):
    scope_unit_field = "user__department"
    scope_owner_field = "created_by"


class ApiKey(models.Model):
    class Access(models.TextChoices):
        READ = "read", "只读"
        READ_WRITE = "read_write", "读写"

    name = models.CharField("调用系统名称", max_length=100)
    description = models.CharField("用途说明", max_length=200, blank=True)
    # In clear, so a presented key is found by an indexed lookup; the rest is only
    # ever stored as a digest (``keys.digest``).
    prefix = models.CharField("密钥前缀", max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="服务账号",
        on_delete=models.PROTECT,
        related_name="api_key",
        editable=False,
    )
    role = models.ForeignKey(
        "org.Role",
        verbose_name="角色（权限与数据范围）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    access = models.CharField("读写权限", max_length=12, choices=Access.choices, default="read")
    # Router prefixes of the API (``zhaoshang.api.keys.modules``): "enterprises", ...
    modules = models.JSONField("可调用的模块", default=list)
    rate_per_minute = models.PositiveIntegerField(
        "每分钟调用上限",
        default=DEFAULT_RATE_PER_MINUTE,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_PER_MINUTE)],
    )
    expires_on = models.DateField("有效期至", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近调用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"
        ordering = ["-created_at", "-id"]
        permissions = [("manage_apikey", "管理接口密钥")]

    def __str__(self):
        return f"{self.name}（zsk_{self.prefix}…）"

    def is_expired(self, now=None):
        """Valid through the whole of ``expires_on``, in the district's time zone."""
        if self.expires_on is None:
            return False
        today = timezone.localdate(now or timezone.now())
        return today > self.expires_on

    @property
    def state(self):
        if self.revoked_at is not None:
            return "已吊销"
        if self.is_expired():
            return "已过期"
        return "有效"

    @property
    def read_only(self):
        return self.access == self.Access.READ

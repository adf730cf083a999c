from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改")


class AuditEvent(models.Model):
    """One line of the audit trail. Append-only: the model refuses updates and deletes,
    and database triggers (migration 0002) refuse them too, except deletes of rows past
    the legal minimum retention, which only the scheduled retention job performs."""

    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        UNLOCK = "unlock", "解除锁定"
        PASSWORD_CHANGE = "password_change", "修改密码"
        PASSWORD_RESET = "password_reset", "重置密码"
        OTP_ENROL = "otp_enrol", "绑定动态口令"
        OTP_FAILED = "otp_failed", "动态口令错误"
        GRANT = "grant", "授予角色"
        REVOKE = "revoke", "收回角色"
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        VIEW = "view", "查阅涉密记录"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        POLICY = "policy", "修改安全策略"
        PURGE = "purge", "过期日志清理"
        API_CALL = "api_call", "接口调用"

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    LOGIN_ACTIONS = (
        Action.LOGIN,
        Action.LOGOUT,
        Action.LOGIN_FAILED,
        Action.LOCKOUT,
        Action.UNLOCK,
        Action.OTP_FAILED,
    )

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,  # the trail outlives accounts; it must never block a delete
        related_name="+",
    )
    # username, object_type and object_id have no index of their own: the trail is
    # searched by a substring of the account (no B-tree helps), and objects through the
    # (object_type, object_id, at) index. Every index is written once per line, and an
    # import writes a line per enterprise.
    username = models.CharField("账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    result = models.CharField("结果", max_length=16, choices=Result.choices, default="success")
    detail = models.CharField("说明", max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        permissions = [("view_audit_log", "查阅审计日志与登录日志")]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")

"""Notifications: the in-app inbox, e-mail, and the units' group robots.

One ``Notification`` row per recipient is the inbox; e-mail and robot messages are
side effects sent by the worker after the business transaction commits, so a rolled
back change never tells anyone anything. Every robot message is a ``WebhookDelivery``
row with its status and the robot's answer, so a unit can see why its group heard
nothing."""

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    # An inbox is its owner's own, whatever the reader's data scope.
    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=40)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self):
        return self.title


class WebhookQuerySet(ScopedQuerySet):
    scope_unit_field = "department"
    scope_owner_field = ""


class UnitWebhook(Versioned):
    """A unit's group robot (企业微信群机器人 / 钉钉群机器人)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    department = models.ForeignKey(
        "org.Department",
        verbose_name="单位",
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, help_text="如：招商科工作群")
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField(
        "加签密钥",
        max_length=200,
        blank=True,
        help_text="仅钉钉机器人“加签”安全设置需要，以 SEC 开头",
    )
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        ordering = ["department__path", "id"]
        permissions = [("manage_webhook", "设置本单位群机器人")]

    def __str__(self):
        return f"{self.department}·{self.name}"


class DeliveryQuerySet(ScopedQuerySet):
    scope_unit_field = "webhook__department"
    scope_owner_field = ""


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已送达"
        FAILED = "failed", "发送失败"

    webhook = models.ForeignKey(UnitWebhook, on_delete=models.CASCADE, related_name="deliveries")
    content = models.TextField("消息内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    response = models.TextField("机器人应答", blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("最近尝试时间", null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "群机器人消息"
        verbose_name_plural = "群机器人消息"
        ordering = ["-id"]

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhaoshang.notifications"
    verbose_name = "消息通知"

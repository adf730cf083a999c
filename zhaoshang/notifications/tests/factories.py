"""Inbox messages for tests, through ``notify`` (which also queues the unit's robots
after commit, as every real message does)."""

import factory

from zhaoshang.notifications.models import Notification
from zhaoshang.notifications.services import notify


class NotificationFactory(factory.Factory):
    """``NotificationFactory(recipient=user)``: one message to one person."""

    class Meta:
        model = Notification

    recipient = None
    kind = "lead_push"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "请及时处理。"
    url = ""
    actor = None

    @classmethod
    def _create(cls, model_class, recipient, **data):
        (row,) = notify(recipients=[recipient], **data)
        return row

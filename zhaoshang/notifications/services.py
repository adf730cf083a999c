"""Every write of the notifications app.

``notify`` is what the rest of the system calls: it writes the inbox rows now and
leaves e-mail and robot messages to the worker once the caller's transaction has
committed (a push that rolls back must not have told a group chat anything)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.common import outbound
from zhaoshang.common.queue import send
from zhaoshang.common.records import record_create, record_delete, record_update

from . import tasks
from .models import Notification, UnitWebhook, WebhookDelivery
from .sending import (  # noqa: F401 - the sending side, named here for callers of services
    MAX_ATTEMPTS,
    PLATFORM_HOSTS,
    TIMEOUT_SECONDS,
    email_enabled,
    notification_emails_send,
    robot_hosts,
    robot_text,
    webhook_deliver,
)

if TYPE_CHECKING:
    import datetime as dt

    from zhaoshang.org.models import Department, User


def _active(users):
    seen, out = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | None],  # None (a job, a deleted account) is skipped
    title: str,
    body: str,
    url: str = "",
    kind: str,
    actor: User | None = None,
    units: Iterable[Department] | None = None,
) -> list[Notification]:
    """One inbox message per recipient; e-mail (when configured) and the robots of
    ``units`` (by default the recipients' units) after commit. The actor is not told
    about their own act."""
    actor_pk = getattr(actor, "pk", None)
    people = [u for u in _active(recipients) if u.pk != actor_pk]
    sender = actor if getattr(actor, "is_authenticated", False) else None
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, kind=kind, title=title[:200], body=body, url=url, actor=sender
            )
            for u in people
        ]
    )
    unit_ids = {u.pk for u in units} if units is not None else {u.department_id for u in people}
    hooks = UnitWebhook.objects.filter(department_id__in=unit_ids, enabled=True)
    content = robot_text(title, body, url)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=h, content=content) for h in hooks]
    )
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; read them back otherwise.
    notification_ids = [n.pk for n in rows if n.pk]
    delivery_ids = [d.pk for d in deliveries if d.pk]

    def queue():
        # With the broker down the rows wait, pending, for tasks.requeue_waiting.
        if email_enabled() and notification_ids:
            send(tasks.send_notification_emails, notification_ids)
        for pk in delivery_ids:
            send(tasks.deliver_webhook, pk)

    transaction.on_commit(queue)
    return rows


def notification_mark_read(
    *, actor: User, notification_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the actor's own messages read (all unread ones when no ids are given)."""
    qs = Notification.objects.for_user(actor).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=now or timezone.now())


# --- Robots ---------------------------------------------------------------------------
def _check_webhook(data):
    errors = {}
    if data.get("kind") == UnitWebhook.Kind.WECOM and data.get("secret"):
        errors["secret"] = "企业微信群机器人不使用加签密钥，请留空。"
    if data.get("kind") in PLATFORM_HOSTS and data.get("url"):
        # Checked on saving for the clerk's sake, and again at every send.
        try:
            outbound.check_url(data["url"], robot_hosts(data["kind"]))
        except outbound.Refused as exc:
            host = PLATFORM_HOSTS[data["kind"]]
            errors["url"] = (
                f"{exc}。{UnitWebhook.Kind(data['kind']).label}的地址应以 https://{host}/ 开头；"
                "经内网网关转发的，请安全管理员先在“安全策略”中登记网关地址。"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def webhook_create(*, actor: User, data: dict[str, Any]) -> UnitWebhook:
    _check_webhook(data)
    return record_create(UnitWebhook, actor=actor, data=data)


@transaction.atomic
def webhook_update(
    *, actor: User, webhook: UnitWebhook, data: dict[str, Any], version: int
) -> UnitWebhook:
    _check_webhook(data)
    return record_update(webhook, actor=actor, data=data, version=version)


@transaction.atomic
def webhook_delete(*, actor: User, webhook: UnitWebhook) -> None:
    record_delete(webhook, actor=actor)


def webhook_test_send(*, actor: User, webhook: UnitWebhook) -> WebhookDelivery:
    """A test message, sent now so the clerk sees the robot's answer on the page."""
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        content=robot_text(
            "群机器人测试消息",
            f"{actor.full_name or actor.username}（{actor.department.name}）发送的测试消息，"
            "收到即说明设置正确。",
        ),
    )
    return webhook_deliver(delivery.pk)

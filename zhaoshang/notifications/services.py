"""Every write of the notifications app.

``notify`` is what the rest of the system calls: it writes the inbox rows now and
leaves e-mail and robot messages to the worker once the caller's transaction has
committed (a push that rolls back must not have told a group chat anything)."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhaoshang.common import outbound
from zhaoshang.common.records import record_create, record_delete, record_update
from zhaoshang.org import policy

from .models import Notification, UnitWebhook, WebhookDelivery

# A robot that has not answered in this many seconds is treated as down (retried later).
TIMEOUT_SECONDS = 5
# Attempts per robot message, counting the first; the worker spaces them out.
MAX_ATTEMPTS = 3


def _active(users):
    seen, out = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


@transaction.atomic
def notify(*, recipients, title, body, url="", kind, actor=None, units=None):
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
        from zhaoshang.common.queue import send

        from . import tasks

        # With the broker down the rows wait, pending, for common.queue.requeue_waiting.
        if email_enabled() and notification_ids:
            send(tasks.send_notification_emails, notification_ids)
        for pk in delivery_ids:
            send(tasks.deliver_webhook, pk)

    transaction.on_commit(queue)
    return rows


def email_enabled():
    """E-mail goes out only where an SMTP server was configured (EMAIL_HOST in the
    environment); a district without one still has the inbox and the robots."""
    return bool(getattr(settings, "EMAIL_ENABLED", False))


def site_url(path):
    if not path or path.startswith("http"):
        return path
    return getattr(settings, "ZS_SITE_URL", "").rstrip("/") + path


def robot_text(title, body, url=""):
    parts = [f"【招商平台】{title}"]
    if body:
        parts.append(body)
    if url:
        parts.append(f"详情：{site_url(url)}")
    return "\n".join(parts)


def notification_emails_send(notification_ids, *, now=None):
    """Send each not yet e-mailed notification to its recipient's address; marks it
    sent so a retried task never mails twice."""
    now = now or timezone.now()
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for n in rows.select_related("recipient"):
        if not n.recipient.email:
            continue
        body = n.body
        if n.url:
            body = f"{body}\n\n详情：{site_url(n.url)}"
        send_mail(
            f"【招商平台】{n.title}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [n.recipient.email],
        )
        Notification.objects.filter(pk=n.pk).update(emailed_at=now)
        sent += 1
    return sent


def notification_mark_read(*, actor, notification_ids=None, now=None):
    """Mark the actor's own messages read (all unread ones when no ids are given)."""
    qs = Notification.objects.for_user(actor).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=now or timezone.now())


# --- Robots ---------------------------------------------------------------------------
def signed_url(url, secret, *, timestamp_ms=None):
    """DingTalk's 加签: HMAC-SHA256 over "timestamp\\nsecret", base64, URL-encoded, sent as
    ``timestamp`` and ``sign`` query parameters (open.dingtalk.com, 自定义机器人安全设置)."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp}&sign={sign}"


# The platforms' own robot hosts (developer.work.weixin.qq.com 群机器人配置说明;
# open.dingtalk.com 自定义机器人接入): a robot of that kind may post there, over HTTPS.
PLATFORM_HOSTS = {
    UnitWebhook.Kind.WECOM: "qyapi.weixin.qq.com",
    UnitWebhook.Kind.DINGTALK: "oapi.dingtalk.com",
}


def robot_hosts(kind):
    """Where a robot of ``kind`` may post: its platform's host, and the intranet gateways
    the administrator listed on the security policy page."""
    platform = outbound.Allowed(host=PLATFORM_HOSTS[kind], port=None, public_only=True)
    return [platform, *outbound.parse_host_list(policy.current()["webhook_allowed_hosts"])]


def robot_post(webhook, content):
    """Post a text message; returns (ok, response summary, error). Both robots answer
    ``{"errcode": 0, "errmsg": "ok"}`` on success and a non-zero errcode otherwise.

    Only the status and the error code are kept and shown, never the remote body: a
    robot address that somehow reached another service must not read it back to us."""
    url = webhook.url
    if webhook.kind == UnitWebhook.Kind.DINGTALK and webhook.secret:
        url = signed_url(url, webhook.secret)
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False)
    try:
        status, body = outbound.post_json(
            url, payload.encode(), allowed=robot_hosts(webhook.kind), timeout=TIMEOUT_SECONDS
        )
    except outbound.Refused as exc:
        return False, "", str(exc)
    if status != 200:
        return False, f"HTTP {status}", f"对方返回 HTTP {status}"
    try:
        errcode = int(json.loads(body.decode("utf-8", "replace")).get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        return False, "HTTP 200", "机器人应答格式不正确"
    if errcode != 0:
        return False, f"HTTP 200，错误码 {errcode}", f"机器人返回错误码 {errcode}"
    return True, "HTTP 200", ""


def webhook_deliver(delivery_id, *, now=None):
    """One attempt at a robot message. Returns the delivery; a sent one is never sent
    again (a task retried after a crash must not post twice)."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.SENT:
        return delivery
    ok, response, error = robot_post(delivery.webhook, delivery.content)
    delivery.attempts += 1
    delivery.status = WebhookDelivery.Status.SENT if ok else WebhookDelivery.Status.FAILED
    delivery.response = response[:4000]
    delivery.error = error
    delivery.sent_at = now or timezone.now()
    delivery.save(update_fields=["attempts", "status", "response", "error", "sent_at"])
    return delivery


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
def webhook_create(*, actor, data):
    _check_webhook(data)
    return record_create(UnitWebhook, actor=actor, data=data)


@transaction.atomic
def webhook_update(*, actor, webhook, data, version):
    _check_webhook(data)
    return record_update(webhook, actor=actor, data=data, version=version)


@transaction.atomic
def webhook_delete(*, actor, webhook):
    record_delete(webhook, actor=actor)


def webhook_test_send(*, actor, webhook):
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

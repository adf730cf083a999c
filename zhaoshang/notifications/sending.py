"""Sending what ``notify`` wrote: e-mails and robot messages, done by the worker
(``tasks.py``) and by the robot test on the webhook page.

Kept apart from ``services.py`` so that the layers import one way: ``services`` queues
``tasks``, ``tasks`` call this module, and this module imports neither."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from zhaoshang.common import outbound
from zhaoshang.org import policy

from .models import Notification, UnitWebhook, WebhookDelivery

# A robot that has not answered in this many seconds is treated as down (retried later).
TIMEOUT_SECONDS = 5
# Attempts per robot message, counting the first; the worker spaces them out.
MAX_ATTEMPTS = 3


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

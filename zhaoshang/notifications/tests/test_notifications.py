import base64
import hashlib
import hmac

import pytest
from django.core import mail

from zhaoshang.notifications import services
from zhaoshang.notifications.models import Notification, UnitWebhook, WebhookDelivery

from .robot_server import RobotServer


@pytest.fixture
def mail_on(settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZS_SITE_URL = "https://zs.example.gov.cn"


def _users(demo):
    return demo["department_staff"], demo["office_staff"]


def allow(demo, robot):
    """List the local robot server as an intranet gateway, as the security
    administrator does on the policy page (loopback is refused unless listed)."""
    from zhaoshang.org.services import policy_update

    port = robot.httpd.server_address[1]
    policy_update(actor=demo["security_admin"], data={"webhook_allowed_hosts": f"127.0.0.1:{port}"})


def test_notify_writes_inbox_rows_and_mails_after_commit(
    demo, mail_on, django_capture_on_commit_callbacks
):
    clerk, office = _users(demo)
    clerk.email = "lijing@hexi.gov.cn"
    clerk.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(
            recipients=[clerk, office, clerk],
            title="线索推送：华为技术",
            body="区招商办推送一条线索，请接收或退回。",
            url="/pipeline/leads/1/",
            kind="test_push",
            actor=office,
        )
        # Nothing leaves before the transaction commits.
        assert mail.outbox == []
    assert len(callbacks) == 1
    # One row per recipient; the actor is not told about their own act.
    rows = list(Notification.objects.filter(kind="test_push"))
    assert [n.recipient for n in rows] == [clerk]
    assert rows[0].actor == office and rows[0].read_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lijing@hexi.gov.cn"]
    assert message.subject == "【招商平台】线索推送：华为技术"
    assert "https://zs.example.gov.cn/pipeline/leads/1/" in message.body
    rows[0].refresh_from_db()
    assert rows[0].emailed_at is not None
    # A retried job does not mail twice.
    assert services.notification_emails_send([rows[0].pk]) == 0


def test_no_mail_without_a_configured_server(demo, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_ENABLED = False
    clerk, office = _users(demo)
    clerk.email = "lijing@hexi.gov.cn"
    clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[clerk], title="测试", body="", kind="test", actor=office)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=clerk, kind="test").count() == 1


def test_wecom_robot_receives_the_documented_text_message(
    demo, mail_on, django_capture_on_commit_callbacks
):
    clerk, office = _users(demo)
    with RobotServer() as robot:
        allow(demo, robot)
        hook = UnitWebhook.objects.create(
            department=clerk.department, kind="wecom", name="招商群", url=robot.url + "/send?key=k1"
        )
        # A disabled robot of the same unit hears nothing.
        UnitWebhook.objects.create(
            department=clerk.department,
            kind="wecom",
            name="停用群",
            url=robot.url + "/off",
            enabled=False,
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[clerk],
                title="线索已退回公海",
                body="线索“某某项目”60天无推进记录。",
                url="/pipeline/leads/7/",
                kind="lead_lapse",
            )
    assert len(robot.received) == 1
    path, query, payload = robot.received[0]
    assert path == "/send" and query == {"key": ["k1"]}
    assert payload == {
        "msgtype": "text",
        "text": {
            "content": "【招商平台】线索已退回公海\n线索“某某项目”60天无推进记录。\n"
            "详情：https://zs.example.gov.cn/pipeline/leads/7/"
        },
    }
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "sent" and delivery.attempts == 1
    assert delivery.response == "HTTP 200" and delivery.error == ""


def test_dingtalk_robot_is_signed_with_its_secret(demo):
    clerk, office = _users(demo)
    secret = "SEC0123456789abcdef"
    with RobotServer() as robot:
        allow(demo, robot)
        hook = UnitWebhook.objects.create(
            department=clerk.department,
            kind="dingtalk",
            name="钉钉群",
            url=robot.url + "/robot/send?access_token=t",
            secret=secret,
        )
        delivery = services.webhook_test_send(actor=office, webhook=hook)
    assert delivery.status == "sent"
    _, query, payload = robot.received[0]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected] and query["access_token"] == ["t"]
    assert payload["msgtype"] == "text" and "测试消息" in payload["text"]["content"]


def test_a_refusing_robot_is_retried_and_the_failure_recorded(
    demo, django_capture_on_commit_callbacks
):
    clerk, _ = _users(demo)
    with RobotServer(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as robot:
        allow(demo, robot)
        UnitWebhook.objects.create(
            department=clerk.department, kind="wecom", name="招商群", url=robot.url + "/send"
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(recipients=[clerk], title="测试", body="", kind="test")
    assert len(robot.received) == services.MAX_ATTEMPTS
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.error == "机器人返回错误码 93000"
    # The robot's own words are not kept: only the status and the code.
    assert "invalid webhook url" not in delivery.response + delivery.error


def test_an_unreachable_robot_is_a_recorded_failure(demo):
    clerk, office = _users(demo)
    with RobotServer() as robot:
        allow(demo, robot)
        url = robot.url
    hook = UnitWebhook.objects.create(
        department=clerk.department, kind="wecom", name="招商群", url=url + "/send"
    )
    delivery = services.webhook_test_send(actor=office, webhook=hook)
    assert delivery.status == "failed" and delivery.error == "连接被拒绝"


def test_inbox_unread_first_mark_read_and_all(demo, client_for):
    clerk, office = _users(demo)
    old = services.notify(recipients=[clerk], title="第一条", body="", kind="t", actor=office)[0]
    services.notify(recipients=[clerk], title="第二条", body="", kind="t", actor=office)
    services.notify(recipients=[office], title="别人的消息", body="", kind="t")
    c = client_for("department_staff")
    Notification.objects.filter(pk=old.pk).update(read_at="2026-01-01T00:00:00Z")
    html = c.get("/notifications/").content.decode()
    assert html.index("第二条") < html.index("第一条")
    assert "别人的消息" not in html
    assert 'data-unread="1"' in c.get("/notifications/badge/").content.decode()
    second = Notification.objects.get(title="第二条")
    row = c.post(f"/notifications/{second.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert "已读" in row and "<html" not in row
    assert "data-unread" not in c.get("/notifications/badge/").content.decode()
    # Someone else's message cannot be marked or opened.
    other = Notification.objects.get(title="别人的消息")
    assert c.post(f"/notifications/{other.pk}/read/").status_code == 404
    assert c.get(f"/notifications/{other.pk}/").status_code == 404
    services.notify(recipients=[clerk], title="第三条", body="", kind="t", url="/", actor=office)
    c.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_open_marks_read_and_follows_only_local_links(demo, client_for):
    clerk, office = _users(demo)
    good = services.notify(recipients=[clerk], title="a", body="", kind="t", url="/enterprises/")[0]
    bad = services.notify(
        recipients=[clerk], title="b", body="", kind="t", url="https://evil.example/"
    )[0]
    c = client_for("department_staff")
    assert c.get(f"/notifications/{good.pk}/")["Location"] == "/enterprises/"
    assert c.get(f"/notifications/{bad.pk}/")["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()


def test_unit_head_sets_up_a_robot_and_test_sends_it(demo, client_for):
    head = demo["department_head"]
    c = client_for("department_head")
    with RobotServer() as robot:
        allow(demo, robot)
        response = c.post(
            "/notifications/webhooks/",
            {
                "department": head.department_id,
                "kind": "wecom",
                "name": "商务局招商群",
                "url": robot.url + "/send",
                "enabled": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()
        hook = UnitWebhook.objects.get(name="商务局招商群")
        response = c.post(f"/notifications/webhooks/{hook.pk}/test/", follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert len(robot.received) == 1
    # A unit outside the head's scope is not offered, and a WeCom robot takes no secret.
    kejiju = demo["department_staff"].department_id
    response = c.post(
        "/notifications/webhooks/",
        {"department": kejiju, "kind": "wecom", "name": "x", "url": "http://127.0.0.1:9/"},
    )
    assert "选择一个有效的选项" in response.content.decode()
    response = c.post(
        "/notifications/webhooks/",
        {
            "department": head.department_id,
            "kind": "wecom",
            "name": "x",
            "url": "http://127.0.0.1:9/",
            "secret": "SECabc",
        },
    )
    assert "企业微信群机器人不使用加签密钥" in response.content.decode()
    assert UnitWebhook.objects.filter(department=head.department).count() == 1


def test_clerks_cannot_set_robots(demo, client_for):
    assert client_for("department_staff").get("/notifications/webhooks/").status_code == 403

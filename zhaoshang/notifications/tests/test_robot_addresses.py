"""A group robot's address cannot reach inside the network (SSRF).

No test here sends anything beyond this machine: names are resolved by a stand-in for
the resolver, and the only server contacted is a local one on 127.0.0.1."""

import ipaddress
import socket

import pytest

from zhaoshang.common import outbound
from zhaoshang.notifications import sending, services
from zhaoshang.notifications.models import UnitWebhook, WebhookDelivery
from zhaoshang.org.services import policy_update

from .robot_server import RobotServer

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
PUBLIC = "101.91.22.57"  # what a public name resolves to, in these tests


@pytest.fixture
def dns(monkeypatch):
    """Names resolve as the test says; any other lookup fails the test."""
    table = {}

    def resolve(host, port):
        assert host in table, f"unexpected lookup of {host}"
        return [ipaddress.ip_address(a) for a in table[host]]

    def no_lookup(*args, **kwargs):
        raise AssertionError(f"the connection looked a name up again: {args[:2]}")

    monkeypatch.setattr(outbound, "resolve", resolve)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    return table


def gateways(demo, text):
    policy_update(actor=demo["security_admin"], data={"webhook_allowed_hosts": text})


def head_robots(head):
    return UnitWebhook.objects.filter(department=head.department, name="群").count()


def save(c, head, url, kind="wecom"):
    return c.post(
        "/notifications/webhooks/",
        {"department": head.department_id, "kind": kind, "name": "群", "url": url, "enabled": "on"},
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin/",
        "http://localhost/",
        "http://10.0.0.5/send",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send",
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send",  # the platform, but not HTTPS
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send",
    ],
)
def test_a_department_head_cannot_save_an_address_inside_the_network(demo, client_for, dns, url):
    head = demo["department_head"]
    response = save(client_for("department_head"), head, url)
    assert response.status_code == 200
    assert "地址不被允许" in response.content.decode()
    assert head_robots(head) == 0


@pytest.mark.parametrize("address", ["127.0.0.1", "10.20.30.40", "169.254.169.254", "::1"])
def test_a_platform_name_resolving_inside_is_refused(demo, client_for, dns, address):
    dns["qyapi.weixin.qq.com"] = [PUBLIC, address]  # one bad answer is enough
    head = demo["department_head"]
    response = save(client_for("department_head"), head, WECOM)
    assert "地址不被允许" in response.content.decode()
    assert head_robots(head) == 0


def test_the_platforms_own_hosts_are_accepted(demo, client_for, dns):
    dns["qyapi.weixin.qq.com"] = [PUBLIC]
    dns["oapi.dingtalk.com"] = [PUBLIC]
    head = demo["department_head"]
    c = client_for("department_head")
    assert save(c, head, WECOM).status_code == 302
    ding = "https://oapi.dingtalk.com/robot/send?access_token=t"
    assert save(c, head, ding, kind="dingtalk").status_code == 302
    # Each kind posts to its own platform only.
    response = save(c, head, ding, kind="wecom")
    assert "地址不被允许" in response.content.decode()
    assert head_robots(head) == 2


def test_a_listed_gateway_is_reached_at_the_address_that_was_checked(demo, dns):
    clerk = demo["department_staff"]
    with RobotServer() as robot:
        port = robot.httpd.server_address[1]
        gateways(demo, f"robot-gw.hexi.gov.cn:{port}")
        dns["robot-gw.hexi.gov.cn"] = ["127.0.0.1"]
        hook = UnitWebhook.objects.create(
            department=clerk.department,
            kind="wecom",
            name="网关",
            url=f"http://robot-gw.hexi.gov.cn:{port}/cgi-bin/webhook/send?key=k",
        )
        # socket.getaddrinfo fails the test if called: the connection goes to the
        # address checked, not to whatever a second lookup would say.
        delivery = services.webhook_test_send(actor=demo["office_staff"], webhook=hook)
    assert delivery.status == "sent", delivery.error
    assert robot.received[0][0] == "/cgi-bin/webhook/send"


def test_the_address_is_checked_again_at_send_time(demo, dns):
    """Saved while the gateway's name pointed at the intranet; by the time a message is
    sent it points at the cloud metadata service (DNS rebinding): nothing is sent."""
    clerk = demo["department_staff"]
    with RobotServer() as robot:
        port = robot.httpd.server_address[1]
        gateways(demo, f"robot-gw.hexi.gov.cn:{port}")
        url = f"http://robot-gw.hexi.gov.cn:{port}/send"
        dns["robot-gw.hexi.gov.cn"] = ["10.1.2.3"]
        hook = services.webhook_create(
            actor=demo["department_head"],
            data={
                "department": clerk.department,
                "kind": "wecom",
                "name": "网关",
                "url": url,
                "secret": "",
                "enabled": True,
            },
        )
        dns["robot-gw.hexi.gov.cn"] = ["169.254.169.254"]
        delivery = services.webhook_test_send(actor=demo["office_staff"], webhook=hook)
        # A robot saved before this rule (or by hand) is refused at send time too.
        legacy = UnitWebhook.objects.create(
            department=clerk.department, kind="wecom", name="旧", url="http://10.0.0.9/send"
        )
        legacy_delivery = services.webhook_test_send(actor=demo["office_staff"], webhook=legacy)
    assert delivery.status == "failed" and delivery.error.startswith("地址不被允许")
    assert legacy_delivery.status == "failed" and legacy_delivery.error.startswith("地址不被允许")
    assert robot.received == []


def test_the_page_shows_the_status_never_the_remote_body(demo, client_for):
    clerk = demo["department_head"]
    secret_page = {"errcode": 0, "internal": "数据库口令 root:Passw0rd"}
    with RobotServer(answer=secret_page, status=500) as robot:
        gateways(demo, f"127.0.0.1:{robot.httpd.server_address[1]}")
        hook = UnitWebhook.objects.create(
            department=clerk.department, kind="wecom", name="群", url=robot.url + "/send"
        )
        c = client_for("department_head")
        response = c.post(f"/notifications/webhooks/{hook.pk}/test/", follow=True)
    page = response.content.decode()
    assert "测试消息发送失败：对方返回 HTTP 500。" in page
    assert "Passw0rd" not in page and "internal" not in page
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert "Passw0rd" not in delivery.response + delivery.error


def test_a_robot_that_does_not_answer_is_a_timeout(demo, monkeypatch):
    clerk = demo["department_staff"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    port = listener.getsockname()[1]
    monkeypatch.setattr(sending, "TIMEOUT_SECONDS", 0.2)
    try:
        gateways(demo, f"127.0.0.1:{port}")
        hook = UnitWebhook.objects.create(
            department=clerk.department, kind="wecom", name="群", url=f"http://127.0.0.1:{port}/"
        )
        delivery = services.webhook_test_send(actor=demo["office_staff"], webhook=hook)
    finally:
        listener.close()
    assert delivery.status == "failed" and delivery.error == "连接超时"


def test_the_gateway_list_is_checked_on_the_policy_page(demo, client_for):
    from zhaoshang.org import policy

    sec = client_for("security_admin")
    data = {**policy.defaults(), "webhook_allowed_hosts": "gateway.hexi.gov.cn\nhttp://x/y"}
    response = sec.post("/security/policy/", data)
    assert "第 2 行“http://x/y”不是有效的主机地址" in response.content.decode()
    assert policy.current()["webhook_allowed_hosts"] == ""
    data["webhook_allowed_hosts"] = " gateway.hexi.gov.cn \n\n10.1.2.3:8080"
    assert sec.post("/security/policy/", data).status_code == 302
    assert policy.current()["webhook_allowed_hosts"] == "gateway.hexi.gov.cn\n10.1.2.3:8080"

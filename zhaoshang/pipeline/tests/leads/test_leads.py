"""Leads: attribution, the pool (lapse with a controlled clock, claim), the office's
reassignment, push and cooperation requests, and the notifications they send."""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zhaoshang.audit.models import AuditEvent
from zhaoshang.enterprises.services import DuplicateFound, enterprise_create
from zhaoshang.notifications.models import Notification, UnitWebhook, WebhookDelivery
from zhaoshang.notifications.tests.robot_server import RobotServer
from zhaoshang.org.models import Department, User
from zhaoshang.pipeline.leads import services as lead_services
from zhaoshang.pipeline.models import LeadPush, OwnerChange, PipelineConfig, Project
from zhaoshang.pipeline.projects.services import ledger_entry_add
from zhaoshang.reference.models import KeyIndustry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def unit(name):
    return Department.objects.get(name=name)


def user(username):
    return User.objects.get(username=username)


def new_enterprise(name="天津测试新材料有限公司"):
    return enterprise_create(actor=None, data={"name": name})


def register(actor, enterprise, **data):
    return lead_services.lead_register(
        actor=actor,
        enterprise=enterprise,
        data={"name": data.pop("name", f"{enterprise.name}项目"), **data},
    )


# --- Attribution ------------------------------------------------------------------------
def test_a_second_unit_is_told_who_holds_the_enterprise(demo):
    kejiju, youyilu = demo["department_staff"], demo["street_staff"]
    e = new_enterprise()
    first = register(kejiju, e)
    with pytest.raises(lead_services.LeadHeld) as caught:
        register(youyilu, e)
    message = caught.value.messages[0]
    today = timezone.localdate()
    assert "区科技局" in message and f"{today.year}年{today.month}月{today.day}日" in message
    assert "线索" in message and "合作请求" in message
    assert caught.value.project == first
    assert Project.objects.filter(enterprise=e).count() == 1
    # The clerk's own unit is told to continue on its lead instead.
    with pytest.raises(lead_services.LeadHeld, match="本单位已于"):
        register(demo["department_staff"], e)


def test_the_registration_form_warns_live_and_refuses_the_competing_lead(demo, client_for):
    e = new_enterprise()
    register(demo["department_staff"], e)
    other = demo["department_head"]  # 区商务局
    from django.test import Client

    c = Client()
    c.force_login(other)
    fragment = c.get("/pipeline/leads/attribution/", {"enterprise": e.pk}).content.decode()
    assert "已由区科技局" in fragment and "发起合作请求" in fragment and "<html" not in fragment
    response = c.post(
        "/pipeline/leads/new/", {"enterprise": e.pk, "method": "business", "name": "抢登"}
    )
    assert response.status_code == 200
    assert "已由区科技局" in response.content.decode()
    assert not Project.objects.filter(name="抢登").exists()
    # A free enterprise registers, and the page says it is free before that.
    free = new_enterprise("天津河西示范储能科技有限公司")
    fragment = c.get("/pipeline/leads/attribution/", {"enterprise": free.pk}).content.decode()
    assert "没有单位在跟进" in fragment
    response = c.post(
        "/pipeline/leads/new/",
        {
            "enterprise": free.pk,
            "method": "business",
            "estimated_investment_text": "1.5亿元",
            "description": "建设储能电池研发中心",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    lead = Project.objects.get(enterprise=free)
    assert lead.department == other.department and lead.estimated_investment == Decimal("1.5e8")
    assert lead.name == "天津河西示范储能科技有限公司投资项目"


def test_a_new_enterprise_goes_through_the_librarys_duplicate_control(demo):
    clerk = demo["department_staff"]
    with pytest.raises(DuplicateFound):
        lead_services.lead_register(
            actor=clerk, new_enterprise={"name": "华为技术有限公司"}, data={"name": "x"}
        )
    assert not Project.objects.filter(name="x").exists()
    lead = lead_services.lead_register(
        actor=clerk,
        new_enterprise={"name": "天津全新企业有限公司"},
        data={"method": "online"},
    )
    assert lead.enterprise.name == "天津全新企业有限公司"


def test_the_form_shows_duplicate_candidates_and_registers_once_confirmed(demo, client_for):
    c = client_for("department_staff")
    data = {"new_enterprise_name": "华为技术有限公司（天津）", "method": "online"}
    response = c.post("/pipeline/leads/new/", data)
    html = response.content.decode()
    assert 'data-testid="duplicates"' in html and "华为技术有限公司" in html
    assert re.search(r'<input type="checkbox"[^>]*name="confirm_duplicates"', html)
    assert not Project.objects.filter(enterprise__name="华为技术有限公司（天津）").exists()
    response = c.post("/pipeline/leads/new/", {**data, "confirm_duplicates": "on"})
    assert response.status_code == 302
    assert Project.objects.filter(enterprise__name="华为技术有限公司（天津）").count() == 1


def test_bad_input_says_what_is_wrong(demo, client_for):
    c = client_for("department_staff")
    response = c.post("/pipeline/leads/new/", {"method": "business"})
    assert "请在企业库中检索并选择企业" in response.content.decode()
    e = new_enterprise()
    response = c.post(
        "/pipeline/leads/new/",
        {"enterprise": e.pk, "method": "business", "estimated_investment_text": "很多钱"},
    )
    assert "无法识别的金额“很多钱”" in response.content.decode()
    assert not Project.objects.filter(enterprise=e).exists()


# --- Lapse and the pool -----------------------------------------------------------------
def test_a_lead_lapses_on_day_n_not_on_day_n_minus_1(demo, django_capture_on_commit_callbacks):
    config = PipelineConfig.current()
    config.lead_lapse_days = 30
    config.save()
    kejiju = demo["department_staff"]
    lead = register(kejiju, new_enterprise())
    # A second lead of the unit due the same day: one message lists both.
    register(kejiju, new_enterprise("天津同日逾期测试科技有限公司"))
    registered = timezone.localdate()
    lead_services.leads_lapse(today=registered + dt.timedelta(days=29))
    lead.refresh_from_db()
    assert lead.pooled_at is None and lead.department == kejiju.department

    with django_capture_on_commit_callbacks(execute=True):
        lead_services.leads_lapse(today=registered + dt.timedelta(days=30))
    lead.refresh_from_db()
    office = unit("区招商办")
    assert lead.pooled_at is not None and lead.department == office
    change = OwnerChange.objects.filter(project=lead).latest("id")
    assert change.kind == OwnerChange.Kind.LAPSE
    assert (change.from_department, change.to_department) == (kejiju.department, office)
    assert "超过30天没有推进台账记录" in change.reason
    # The former holder is told; the audit trail has it.
    # One message per former holder, listing its lapsed leads.
    note = Notification.objects.get(
        recipient=kejiju, kind="lead_lapse", body__contains=f"“{lead.name}”"
    )
    assert f"“{lead.name}”" in note.body and "任何招商单位均可认领" in note.body
    assert "线索已退回公海" in note.title and note.url == "/pipeline/leads/pool/"
    assert AuditEvent.objects.filter(
        object_type="pipeline.project", object_id=str(lead.pk), detail__startswith="逾期退回公海"
    ).exists()
    # Running the job again changes nothing.
    rows = OwnerChange.objects.filter(project=lead).count()
    assert lead_services.leads_lapse(today=registered + dt.timedelta(days=30)) == 0
    assert OwnerChange.objects.filter(project=lead).count() == rows


def test_a_ledger_entry_restarts_the_protection_period(demo):
    config = PipelineConfig.current()
    config.lead_lapse_days = 30
    config.save()
    kejiju = demo["department_staff"]
    lead = register(kejiju, new_enterprise())
    today = timezone.localdate()
    ledger_entry_add(
        actor=kejiju, project=lead, occurred_on=today + dt.timedelta(days=20), content="回访企业"
    )
    lead_services.leads_lapse(today=today + dt.timedelta(days=49))
    lead.refresh_from_db()
    assert lead.pooled_at is None
    lead_services.leads_lapse(today=today + dt.timedelta(days=50))
    lead.refresh_from_db()
    assert lead.pooled_at is not None


def _pooled(demo):
    config = PipelineConfig.current()
    lead = register(demo["department_staff"], new_enterprise())
    lead_services.leads_lapse(
        today=timezone.localdate() + dt.timedelta(days=config.lead_lapse_days)
    )
    lead.refresh_from_db()
    assert lead.pooled_at is not None
    return lead


def test_any_promotion_unit_claims_a_pooled_lead_once(demo, client_for):
    lead = _pooled(demo)
    stale_copy = Project.objects.get(pk=lead.pk)
    c = client_for("department_head")  # 区商务局
    assert "认领" in c.get("/pipeline/leads/pool/").content.decode()
    response = c.post(f"/pipeline/leads/{lead.pk}/claim/", {"reason": "已与企业恢复联系"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.department.name == "区商务局" and lead.pooled_at is None
    change = OwnerChange.objects.filter(project=lead).latest("id")
    assert (change.kind, change.reason) == (OwnerChange.Kind.CLAIM, "已与企业恢复联系")
    # A second claimer, holding the page from before, loses: one winner, one row.
    with pytest.raises(ValidationError, match="刚被其他单位认领"):
        lead_services.lead_claim(actor=demo["street_staff"], project=stale_copy)
    assert OwnerChange.objects.filter(project=lead, kind="claim").count() == 1


def test_a_pooled_enterprise_is_claimed_not_registered_again(demo):
    lead = _pooled(demo)
    with pytest.raises(ValidationError, match="在公海中，可直接认领"):
        register(demo["street_staff"], lead.enterprise)


def test_a_claimed_lead_gets_a_fresh_protection_period(demo):
    n = PipelineConfig.current().lead_lapse_days
    lead = register(demo["department_staff"], new_enterprise())
    day_n = timezone.localdate() + dt.timedelta(days=n)
    lead_services.leads_lapse(today=day_n, now=timezone.now() + dt.timedelta(days=n))
    lead.refresh_from_db()
    lead_services.lead_claim(
        actor=demo["street_staff"], project=lead, now=timezone.now() + dt.timedelta(days=n)
    )
    # Counted from the claim on day N: kept on day 2N-1, pooled again on day 2N.
    lead_services.leads_lapse(today=day_n + dt.timedelta(days=n - 1))
    lead.refresh_from_db()
    assert lead.pooled_at is None and lead.department.name == "友谊路街道"
    lead_services.leads_lapse(today=day_n + dt.timedelta(days=n))
    lead.refresh_from_db()
    assert lead.pooled_at is not None


# --- Reassignment -----------------------------------------------------------------------
def test_only_the_office_reassigns_and_always_with_a_reason(demo, client_for):
    lead = register(demo["department_staff"], new_enterprise())
    target = unit("友谊路街道")
    assert (
        client_for("department_staff")
        .post(f"/pipeline/leads/{lead.pk}/reassign/", {"to_department": target.pk, "reason": "x"})
        .status_code
        == 403
    )
    with pytest.raises(ValidationError, match="只有招商办"):
        lead_services.project_reassign(
            actor=demo["department_staff"], project=lead, to_department=target, reason="x"
        )
    office = client_for("office_staff")
    response = office.post(f"/pipeline/leads/{lead.pk}/reassign/", {"to_department": target.pk})
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    lead.refresh_from_db()
    assert lead.department.name == "区科技局"
    response = office.post(
        f"/pipeline/leads/{lead.pk}/reassign/",
        {"to_department": target.pk, "reason": "企业选址在友谊路街道辖区"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.department == target
    change = OwnerChange.objects.filter(project=lead).latest("id")
    assert (change.kind, change.reason) == (OwnerChange.Kind.REASSIGN, "企业选址在友谊路街道辖区")
    told = set(
        Notification.objects.filter(kind="lead_reassign").values_list(
            "recipient__username", flat=True
        )
    )
    assert {demo["department_staff"].username, demo["street_staff"].username} <= told
    page = office.get(f"/pipeline/leads/{lead.pk}/").content.decode()
    assert "改派" in page and "企业选址在友谊路街道辖区" in page


# --- Push -------------------------------------------------------------------------------
@pytest.fixture
def mail_and_robot(settings, demo):
    from zhaoshang.notifications.tests.test_notifications import allow

    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with RobotServer() as robot:
        # Loopback is refused unless the security administrator lists it as a gateway.
        allow(demo, robot)
        yield robot


def test_push_accepted_moves_the_lead_and_tells_everyone(
    demo, client_for, mail_and_robot, django_capture_on_commit_callbacks
):
    kejiju, head = demo["department_staff"], demo["department_head"]
    head.email = "zhaoguoqiang@hexi.gov.cn"
    head.save()
    kejiju.email = "lijing@hexi.gov.cn"
    kejiju.save()
    UnitWebhook.objects.create(
        department=head.department, kind="wecom", name="商务局群", url=mail_and_robot.url + "/send"
    )
    lead = register(kejiju, new_enterprise(), key_industry=KeyIndustry.objects.get(name="商务商贸"))
    staff = client_for("department_staff")
    # The lead page suggests the unit that owns the industry.
    page = staff.get(f"/pipeline/leads/{lead.pk}/").content.decode()
    assert "由<strong>区商务局</strong>主管，建议推送" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/pipeline/leads/{lead.pk}/push/",
            {"to_department": head.department_id, "reason": "商贸类项目，请商务局接收"},
        )
    assert response.status_code == 302
    push = LeadPush.objects.get(project=lead)
    assert push.state == "pending"
    # The receiver: inbox, e-mail, robot.
    assert Notification.objects.filter(recipient=head, kind="lead_push").exists()
    assert [m.to for m in mail.outbox] == [["zhaoguoqiang@hexi.gov.cn"]]
    assert "区科技局向本单位推送线索" in mail_and_robot.received[0][2]["text"]["content"]
    c = client_for("department_head")
    incoming = c.get("/pipeline/leads/pushes/").content.decode()
    assert lead.name in incoming and "接收" in incoming
    # The receiver may open the pushed lead although it is not theirs yet.
    assert c.get(f"/pipeline/leads/{lead.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            f"/pipeline/leads/pushes/{push.pk}/answer/", {"decision": "accept", "reason": ""}
        )
    assert response.status_code == 302
    lead.refresh_from_db()
    push.refresh_from_db()
    assert lead.department == head.department and push.state == "accepted"
    assert push.answered_by == head
    change = OwnerChange.objects.filter(project=lead).latest("id")
    assert change.kind == OwnerChange.Kind.PUSH and "商贸类项目" in change.reason
    assert Notification.objects.filter(recipient=kejiju, kind="lead_push_answer").exists()
    assert mail.outbox[-1].to == ["lijing@hexi.gov.cn"]
    assert WebhookDelivery.objects.filter(status="sent").count() == 1  # kejiju has no robot
    # A second answer (another tab, another colleague) changes nothing.
    with pytest.raises(ValidationError, match="已接收"):
        lead_services.push_answer(actor=head, push=push, accept=False, reason="晚了")
    stale = LeadPush.objects.get(pk=push.pk)
    stale.state = "pending"  # as read before the first answer committed
    with pytest.raises(ValidationError, match="刚被其他人处理"):
        lead_services.push_answer(actor=head, push=stale, accept=False, reason="晚了")
    assert OwnerChange.objects.filter(project=lead, kind="push").count() == 1


def test_a_decline_needs_a_reason_and_leaves_the_lead(demo, client_for):
    kejiju, head = demo["department_staff"], demo["department_head"]
    lead = register(kejiju, new_enterprise())
    push = lead_services.lead_push(
        actor=kejiju, project=lead, to_department=head.department, reason="请接收"
    )
    c = client_for("department_head")
    response = c.post(
        f"/pipeline/leads/pushes/{push.pk}/answer/", {"decision": "decline"}, follow=True
    )
    assert "退回推送须填写理由" in response.content.decode()
    push.refresh_from_db()
    assert push.state == "pending"
    c.post(
        f"/pipeline/leads/pushes/{push.pk}/answer/",
        {"decision": "decline", "reason": "不属于本单位主管产业"},
    )
    push.refresh_from_db()
    lead.refresh_from_db()
    assert push.state == "declined" and push.answer_reason == "不属于本单位主管产业"
    assert lead.department == kejiju.department
    note = Notification.objects.get(recipient=kejiju, kind="lead_push_answer")
    assert "已退回" in note.title and "不属于本单位主管产业" in note.body
    # Another unit cannot answer a push that was not sent to it.
    push2 = lead_services.lead_push(
        actor=kejiju, project=lead, to_department=head.department, reason="再请接收"
    )
    assert (
        client_for("department_staff")
        .post(f"/pipeline/leads/pushes/{push2.pk}/answer/", {"decision": "accept"})
        .status_code
        == 403
    )


def test_one_open_push_at_a_time_and_the_sender_may_withdraw(demo):
    kejiju = demo["department_staff"]
    lead = register(kejiju, new_enterprise())
    push = lead_services.lead_push(
        actor=kejiju, project=lead, to_department=unit("区商务局"), reason="请接收"
    )
    with pytest.raises(ValidationError, match="已有一条待处理"):
        lead_services.lead_push(
            actor=kejiju, project=lead, to_department=unit("友谊路街道"), reason="也请接收"
        )
    lead_services.push_withdraw(actor=kejiju, push=push)
    push.refresh_from_db()
    assert push.state == "withdrawn"
    with pytest.raises(ValidationError, match="不能再"):
        lead_services.push_answer(actor=demo["department_head"], push=push, accept=True)


def test_a_cooperation_request_accepted_hands_the_lead_to_the_requester(demo):
    kejiju, youyilu = demo["department_staff"], demo["street_staff"]
    lead = register(kejiju, new_enterprise())
    request = lead_services.lead_cooperation_request(
        actor=youyilu, project=lead, reason="企业拟落户友谊路街道辖区楼宇"
    )
    assert Notification.objects.filter(recipient=kejiju, kind="lead_request").exists()
    lead_services.push_answer(actor=kejiju, push=request, accept=True, reason="同意")
    lead.refresh_from_db()
    assert lead.department == youyilu.department
    assert lead.registered_department == kejiju.department  # the find keeps its credit


# --- Scope --------------------------------------------------------------------------------
def test_a_unit_sees_only_its_own_leads_by_page_export_and_api(demo, client_for):
    from django.test import Client

    from zhaoshang.pipeline.tests.factories import LeadFactory

    # 区科技局's leads, more than one page of the office's API list.
    LeadFactory(actor=demo["department_staff"], name="中国院华北设计创新中心")
    for _ in range(5):
        LeadFactory(actor=demo["department_staff"])
    mine = register(
        demo["street_staff"], new_enterprise("友谊路自有线索企业有限公司"), name="友谊路线索"
    )
    c = Client()
    c.force_login(demo["street_staff"])
    page = c.get("/pipeline/leads/").content.decode()
    assert "友谊路线索" in page and "中国院华北设计创新中心" not in page
    export = c.get("/pipeline/leads/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "友谊路线索" in names and "中国院华北设计创新中心" not in names
    assert sheet.cell(1, 5).value == "预计投资额（万元）"
    api = c.get("/api/leads/").json()
    assert {i["name"] for i in api["items"]} == set(
        Project.objects.leads().filter(department=mine.department).values_list("name", flat=True)
    )
    kejiju_lead = Project.objects.get(name="中国院华北设计创新中心")
    assert c.get(f"/api/leads/{kejiju_lead.pk}").status_code == 404
    assert c.get(f"/pipeline/leads/{kejiju_lead.pk}/").status_code == 404
    # The office reads them all.
    office = client_for("office_staff").get("/api/leads/", {"limit": 5}).json()
    second = client_for("office_staff").get("/api/leads/", {"after": office["next_after"]}).json()
    seen = [i["id"] for i in office["items"] + second["items"]]
    assert seen == list(Project.objects.leads().order_by("-id").values_list("pk", flat=True))


@pytest.mark.usefixtures("demo_district")  # the demo's leads in every state
def test_filters(demo, client_for):
    c = client_for("office_staff")
    page = c.get("/pipeline/leads/", {"method": "incubation"}).content.decode()
    assert "中科智能机器人中试基地" in page and "京东科技数字城市华北基地" not in page
    page = c.get("/pipeline/leads/", {"state": "pooled"}).content.decode()
    assert "药明康德临床研究服务中心" in page and "京东科技数字城市华北基地" not in page
    page = c.get("/pipeline/leads/", {"state": "pushing"}).content.decode()
    assert "博世华北区域销售总部" in page and "京东科技数字城市华北基地" not in page
    key = KeyIndustry.objects.get(name="科技金融")
    page = c.get("/pipeline/leads/", {"key_industry": key.pk}).content.decode()
    assert "招商银行金融科技华北中心" in page and "京东科技数字城市华北基地" not in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = c.get("/pipeline/leads/", {"registered_from": tomorrow}).content.decode()
    assert "没有符合条件的线索" in page


def test_list_query_counts_do_not_grow_with_rows(demo, client_for):
    c = client_for("office_staff")
    c.get("/pipeline/leads/")  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        c.get("/pipeline/leads/")
    for i in range(15):
        register(
            demo["department_staff"],
            new_enterprise(f"天津查询计数测试{i}号企业有限公司"),
            key_industry=KeyIndustry.objects.first(),
        )
    with CaptureQueriesContext(connection) as many:
        c.get("/pipeline/leads/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as pool:
        c.get("/pipeline/leads/pool/")
    with CaptureQueriesContext(connection) as pushes:
        c.get("/pipeline/leads/pushes/")
    assert len(pool) <= len(few) and len(pushes) <= len(few)


# --- API ----------------------------------------------------------------------------------
@pytest.mark.usefixtures("demo_district")  # a lead of the demo's pool to claim
def test_api_create_claim_push_answer(demo, client_for):
    staff = client_for("department_staff")
    e = new_enterprise()
    created = staff.post(
        "/api/leads/",
        {
            "enterprise_id": e.pk,
            "name": "接口线索",
            "method": "online",
            "estimated_investment": "3000000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    lead_id = created.json()["id"]
    head = client_for("department_head")
    held = head.post(
        "/api/leads/", {"enterprise_id": e.pk, "method": "online"}, content_type="application/json"
    )
    assert held.status_code == 409
    assert held.json()["holder"]["department_name"] == "区科技局"
    assert held.json()["holder"]["stage_name"] == "线索"
    dup = head.post(
        "/api/leads/", {"new_enterprise_name": "华为技术有限公司"}, content_type="application/json"
    )
    assert dup.status_code == 409 and dup.json()["candidates"][0]["name"] == "华为技术有限公司"
    bad = staff.post(
        "/api/leads/", {"enterprise_id": e.pk + 10_000}, content_type="application/json"
    )
    assert bad.status_code == 422
    pushed = staff.post(
        f"/api/leads/{lead_id}/push",
        {"to_department_id": unit("区商务局").pk, "reason": "请接收"},
        content_type="application/json",
    )
    assert pushed.status_code == 201
    push_id = pushed.json()["id"]
    declined = head.post(
        f"/api/leads/pushes/{push_id}/answer", {"accept": False}, content_type="application/json"
    )
    assert declined.status_code == 422 and "退回推送须填写理由" in str(declined.json())
    accepted = head.post(
        f"/api/leads/pushes/{push_id}/answer", {"accept": True}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert Project.objects.get(pk=lead_id).department.name == "区商务局"
    pooled = Project.objects.pooled().first()
    claimed = client_for("department_staff").post(
        f"/api/leads/{pooled.pk}/claim", {"reason": "接口认领"}, content_type="application/json"
    )
    assert claimed.status_code == 200 and claimed.json()["department_name"] == "区科技局"
    assert claimed.json()["pooled"] is False


def test_the_lapse_runs_nightly_as_a_scheduled_job(demo, settings):
    from zhaoshang.celery import app

    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("lapse_leads")
    )
    task = app.tasks[entry["task"]]
    lead = register(demo["department_staff"], new_enterprise())
    days = PipelineConfig.current().lead_lapse_days
    Project.objects.filter(pk=lead.pk).update(last_ledger_on=None)
    OwnerChange.objects.filter(project=lead).update(at=timezone.now() - dt.timedelta(days=days + 1))
    task.delay()
    lead.refresh_from_db()
    assert lead.pooled_at is not None
    # Only this lead of 区科技局 was due: a message about it alone, linking to it.
    note = Notification.objects.get(
        recipient=demo["department_staff"], kind="lead_lapse", title__contains=lead.name
    )
    assert note.title == f"线索“{lead.name}”已退回公海"
    assert note.url == f"/pipeline/leads/{lead.pk}/"


@pytest.mark.usefixtures("demo_district")  # the demo's lead pushed from 区科技局 to 区商务局
def test_the_project_page_shows_where_it_came_from_and_links_the_lead_page(demo, client_for):
    from zhaoshang.pipeline.leads.sections import lead_section

    lead = Project.objects.get(name="博世华北区域销售总部")
    section = lead_section(None, lead)
    assert section["title"] == "来源与归属"
    assert section["context"]["pending"].to_department.name == "区商务局"
    from django.template.loader import render_to_string

    html = render_to_string(section["template"], section["context"])
    assert "德国商会天津代表处" in html and "区科技局 → 区商务局的推送" in html
    assert f"/pipeline/leads/{lead.pk}/" in html


# --- Merging enterprises ------------------------------------------------------------------
def same_enterprise(name):
    # Registered twice by mistake: the duplicate the office later merges.
    return enterprise_create(actor=None, data={"name": name}, confirm_duplicates=True)


def test_merge_is_refused_naming_the_units_when_two_units_hold_leads(demo):
    from zhaoshang.enterprises.services import enterprise_merge

    survivor = new_enterprise("天津合并甲科技有限公司")
    duplicate = same_enterprise("天津合并甲科技（集团）有限公司")
    kept = register(demo["department_staff"], survivor)
    other = register(demo["street_staff"], duplicate)
    with pytest.raises(ValidationError) as caught:
        enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    assert caught.value.messages[0].startswith(
        "无法合并：区科技局 与 友谊路街道 分别持有这两家企业的线索"
    )
    assert "请先协调线索归属" in caught.value.messages[0]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert Project.objects.get(pk=other.pk).enterprise_id == duplicate.pk
    assert Project.objects.get(pk=kept.pk).enterprise_id == survivor.pk
    # Once the office has settled it (the lead is pooled), the merge goes through.
    Project.objects.filter(pk=other.pk).update(pooled_at=timezone.now())
    enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    assert Project.objects.get(pk=other.pk).enterprise_id == survivor.pk


def test_merge_moves_each_project_with_its_own_audit_line(demo):
    from zhaoshang.enterprises.services import enterprise_merge

    survivor = new_enterprise("天津合并乙科技有限公司")
    duplicate = same_enterprise("天津合并乙科技（集团）有限公司")
    kejiju = demo["department_staff"]
    # The same unit holding leads on both records may have them joined.
    register(kejiju, survivor)
    moved = register(kejiju, duplicate)
    version = moved.version
    enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    moved.refresh_from_db()
    assert moved.enterprise_id == survivor.pk
    # An edit form opened before the merge is refused rather than undo it.
    assert moved.version == version + 1
    line = AuditEvent.objects.get(
        object_type="pipeline.project", object_id=str(moved.pk), detail__startswith="企业合并"
    )
    assert line.changes == {"enterprise": [duplicate.name, survivor.name]}
    assert line.username == demo["office_staff"].username


def test_merge_locks_both_enterprise_rows_before_moving_anything(demo):
    from zhaoshang.enterprises.services import enterprise_merge

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite serialises writers itself; row locks are checked on PostgreSQL")
    survivor = new_enterprise("天津合并丙科技有限公司")
    duplicate = same_enterprise("天津合并丙科技（集团）有限公司")
    register(demo["department_staff"], duplicate)
    with CaptureQueriesContext(connection) as queries:
        enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(
        i for i, q in enumerate(sql) if "FOR UPDATE" in q and 'FROM "enterprises_enterprise"' in q
    )
    assert str(survivor.pk) in sql[lock] and str(duplicate.pk) in sql[lock]
    first_write = next(i for i, q in enumerate(sql) if q.startswith("UPDATE"))
    assert lock < first_write


def test_every_record_pointing_at_an_enterprise_has_a_merge_service(db):
    from zhaoshang.enterprises import services as enterprise_services
    from zhaoshang.enterprises.models import Enterprise

    # Registered by each module: a new link to enterprises without one stops merges.
    covered = set(enterprise_services.MERGE_HANDLERS) | set(enterprise_services.MERGE_OWN)
    pointing = {r.related_model for r in Enterprise._meta.related_objects if not r.many_to_many}
    assert pointing <= covered
    assert enterprise_services.MERGE_HANDLERS[Project] is lead_services.projects_enterprise_merge


def test_every_push_move_outside_the_table_is_refused_and_changes_nothing(demo):
    import itertools

    from zhaoshang.common.workflow import MoveRefused
    from zhaoshang.pipeline.leads.workflow import TRANSITIONS, push_move

    office, kejiju = demo["office_staff"], demo["department_staff"]
    lead = register(kejiju, new_enterprise())
    push = lead_services.lead_push(
        actor=kejiju, project=lead, to_department=unit("区商务局"), reason="请接收"
    )
    states = LeadPush.State.values
    outside = [p for p in itertools.product(states, states) if p not in TRANSITIONS]
    assert len(outside) == len(states) ** 2 - 3
    audit = AuditEvent.objects.filter(object_type="pipeline.leadpush", object_id=str(push.pk))
    lines = audit.count()
    for src, dst in outside:
        LeadPush.objects.filter(pk=push.pk).update(state=src)
        push.refresh_from_db()
        with pytest.raises(MoveRefused, match="不能再"):
            push_move(push, dst, actor=office, reason="理由")
        push.refresh_from_db()
        assert (push.state, push.answer_reason, push.answered_by) == (src, "", None)
    assert audit.count() == lines


def test_pushes_are_read_through_for_user_by_the_unit_that_sent_and_the_one_that_received(
    demo,
):
    from zhaoshang.pipeline.leads import queries as lead_queries

    kejiju, head, youyilu = demo["department_staff"], demo["department_head"], demo["street_staff"]
    lead = register(kejiju, new_enterprise())
    push = lead_services.lead_push(
        actor=kejiju, project=lead, to_department=head.department, reason="请接收"
    )
    mine = LeadPush.objects.filter(project=lead)
    # Own unit (the clerk who sent it), own unit and below (the head who received it),
    # every unit (the office); a third unit reads nothing of it.
    assert list(mine.for_user(kejiju)) == [push]
    assert list(mine.for_user(head)) == [push]
    assert list(mine.for_user(demo["office_staff"])) == [push]
    assert not mine.for_user(youyilu).exists()
    # Incoming and outgoing are the same scope on one side of the push.
    assert push in lead_queries.pushes(head, direction="incoming")
    assert push not in lead_queries.pushes(head, direction="outgoing")
    assert push in lead_queries.pushes(kejiju, direction="outgoing")
    assert push not in lead_queries.pushes(kejiju, direction="incoming")
    assert lead_queries.incoming_pending_count(head) >= 1
    assert lead_queries.incoming_pending_count(youyilu) == 0
    # The receiver opens the pushed lead although it is not in its scope; the third unit
    # does not.
    assert lead_queries.readable(head, lead.pk) == lead
    assert lead_queries.readable(youyilu, lead.pk) is None

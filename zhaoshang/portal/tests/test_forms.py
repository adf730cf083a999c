"""The enquiry and complaint forms: an enquiry becomes a lead in the pool (method online)
with the office notified and a reference number shown; bad input is told and changes
nothing; a rate limit per address; markup stays text; the complaint form only once
complaints are installed, and then it reaches the complaints service."""

import sys
import types

import pytest

from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline.models import Method, Project
from zhaoshang.portal.models import Submission

from .conftest import ENQUIRY

pytestmark = pytest.mark.django_db


def test_an_enquiry_becomes_a_pooled_lead_and_the_office_is_told(
    demo, submit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit("/portal/enquiry/", **ENQUIRY)
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.reference in response.content.decode()
    lead = Project.objects.get(enterprise__name="远方智能装备有限公司")
    assert lead.method == Method.ONLINE
    assert lead.pooled_at is not None and lead.department.kind == "office"
    assert submission.reference in lead.description and "华北区域总部" in lead.description
    submission.refresh_from_db()
    assert submission.lead == lead and submission.processed_at is not None
    told = Notification.objects.filter(recipient=demo["office_staff"], kind="portal_enquiry")
    assert told.count() == 1 and submission.reference in told.get().title
    # The pool lists it for any unit to claim.
    pool = demo["department_staff"]
    from zhaoshang.pipeline.leads import queries as lead_queries

    assert lead_queries is not None  # the pool page reads the same rows
    from django.test import Client

    c = Client()
    c.force_login(pool)
    assert "远方智能装备有限公司" in c.get("/pipeline/leads/pool/").content.decode()


def test_an_enquiry_naming_an_opportunity_carries_it_to_the_lead(
    demo, submit, django_capture_on_commit_callbacks
):
    from zhaoshang.opportunities.models import Opportunity

    item = Opportunity.objects.public().order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        submit(f"/portal/enquiry/?opportunity={item.pk}", **ENQUIRY, opportunity=item.pk)
    assert Project.objects.get(enterprise__name="远方智能装备有限公司").opportunity == item


def test_an_enquiry_for_an_enterprise_a_unit_holds_tells_the_holder(
    demo, submit, django_capture_on_commit_callbacks
):
    held = (
        Project.objects.filter(pooled_at__isnull=True, stage="lead")
        .select_related("enterprise", "department")
        .first()
    )
    before = Project.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        submit("/portal/enquiry/", **{**ENQUIRY, "enterprise_name": held.enterprise.name})
    assert Project.objects.count() == before  # no second lead for a held enterprise
    holders = Notification.objects.filter(
        kind="portal_enquiry", recipient__department=held.department
    )
    assert holders.exists()
    assert "已有线索" in Submission.objects.get().result


def test_bad_input_is_told_and_nothing_is_kept(demo, submit):
    wrong = submit("/portal/enquiry/", wrong_captcha=True, **ENQUIRY)
    assert "验证码不正确" in wrong.content.decode()
    too_long = submit("/portal/enquiry/", **{**ENQUIRY, "content": "字" * 2001})
    assert "2000" in too_long.content.decode()
    no_contact = submit("/portal/enquiry/", **{**ENQUIRY, "contact": "找我"})
    assert "电话号码或电子邮箱" in no_contact.content.decode()
    missing = submit("/portal/enquiry/", **{**ENQUIRY, "enterprise_name": ""})
    assert "这个字段是必" in missing.content.decode()
    assert not Submission.objects.exists()


def test_the_rate_limit_per_address(demo, submit, settings):
    for _ in range(5):
        assert submit("/portal/enquiry/", **ENQUIRY).status_code == 200
    sixth = submit("/portal/enquiry/", **ENQUIRY)
    assert sixth.status_code == 429
    assert "提交过于频繁" in sixth.content.decode()
    assert Submission.objects.count() == 5


def test_markup_stays_text_on_the_staff_pages(
    demo, submit, client_for, django_capture_on_commit_callbacks
):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            "/portal/enquiry/",
            **{
                **ENQUIRY,
                "content": script,
                "name": "<b>张</b>",
                "enterprise_name": "<i>标记</i>测试有限公司",
            },
        )
    lead = Project.objects.get(enterprise__name="<i>标记</i>测试有限公司")
    office = client_for("office_staff")
    for url in (f"/pipeline/leads/{lead.pk}/", "/portal-admin/submissions/", "/notifications/"):
        page = office.get(url).content.decode()
        assert (
            "<script>alert" not in page and "<i>标记</i>" not in page and "<b>张</b>" not in page
        ), url
    assert "&lt;i&gt;标记&lt;/i&gt;" in office.get("/portal-admin/submissions/").content.decode()


def test_the_complaint_form_is_hidden_until_complaints_are_installed(demo, client):
    from django.apps import apps

    if apps.is_installed("zhaoshang.complaints"):
        pytest.skip("complaints are installed here; the other test covers this case")
    assert client.get("/portal/complaint/").status_code == 404
    assert client.get("/portal/cases/").status_code == 404
    home = client.get("/portal/").content.decode()
    assert "/portal/complaint/" not in home and "/portal/cases/" not in home


@pytest.fixture
def complaints_installed(monkeypatch):
    """The contract of the complaints app, as its engineer exposes it: a public submit
    and the published cases. Recorded here, so this test holds whether or not the real
    app is in this checkout."""
    from django.apps import apps

    calls, cases = (
        [],
        [types.SimpleNamespace(title="某企业反映审批超时问题已督办", summary="已办结")],
    )
    services = types.ModuleType("zhaoshang.complaints.services")
    services.complaint_submit_public = lambda **kw: calls.append(kw)
    queries = types.ModuleType("zhaoshang.complaints.queries")
    queries.published_cases = lambda: cases
    package = types.ModuleType("zhaoshang.complaints")
    package.services, package.queries = services, queries
    monkeypatch.setitem(sys.modules, "zhaoshang.complaints", package)
    monkeypatch.setitem(sys.modules, "zhaoshang.complaints.services", services)
    monkeypatch.setitem(sys.modules, "zhaoshang.complaints.queries", queries)
    real = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name == "zhaoshang.complaints" or real(name)
    )
    return calls


def test_a_complaint_reaches_the_discipline_office_once_installed(
    demo, submit, client, complaints_installed, django_capture_on_commit_callbacks
):
    home = client.get("/portal/").content.decode()
    assert "/portal/complaint/" in home and "/portal/cases/" in home
    assert "某企业反映审批超时问题已督办" in client.get("/portal/cases/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            "/portal/complaint/",
            name="李女士",
            contact="13900001111",
            enterprise_name="投诉测试有限公司",
            content="办理施工许可超过承诺时限。",
        )
    reference = Submission.objects.get(kind="complaint").reference
    assert reference.startswith("TS") and reference in response.content.decode()
    assert complaints_installed == [
        {
            "complainant_name": "李女士",
            "contact": "13900001111",
            "enterprise_name": "投诉测试有限公司",
            "content": "办理施工许可超过承诺时限。",
            "source": "portal",
        }
    ]


def test_an_enquiry_the_library_refuses_goes_to_the_office_by_hand(demo, monkeypatch):
    from django.core.exceptions import ValidationError

    from zhaoshang.pipeline.leads import services as lead_services
    from zhaoshang.portal.services import submission_process, submission_submit

    submission = submission_submit(kind="enquiry", data=ENQUIRY, address="10.0.0.9")

    def refuse(**kwargs):
        raise ValidationError("企业名称不符合要求")

    monkeypatch.setattr(lead_services, "lead_from_enquiry", refuse)
    submission_process(submission.pk)
    submission.refresh_from_db()
    assert submission.processed_at is not None and "企业名称不符合要求" in submission.result
    assert Notification.objects.filter(
        recipient=demo["office_staff"], title__contains="需人工处理"
    ).exists()


def test_a_merged_enterprise_keeps_its_consent_to_be_shown(demo):
    import datetime as dt

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.enterprises.services import enterprise_merge
    from zhaoshang.portal.models import Showcase

    survivor = Enterprise.objects.create(name="合并存续有限公司", dedupe_key="合并存续")
    duplicate = Enterprise.objects.create(
        name="合并存续（天津）有限公司", dedupe_key="合并存续天津"
    )
    Showcase.objects.create(
        enterprise=duplicate,
        display_name="合并存续",
        summary="已落户",
        consent_on=dt.date(2026, 1, 5),
    )
    enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    assert Showcase.objects.get(display_name="合并存续").enterprise == survivor

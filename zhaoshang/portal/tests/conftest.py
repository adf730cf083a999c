import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def captcha_answer(html):
    """The hidden CAPTCHA key in a form page and the answer the store holds for it (a
    test reads the store; a visitor reads the image)."""
    from captcha.models import CaptchaStore

    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


@pytest.fixture
def submit(client):
    """submit(url, **fields): GET the form, solve its CAPTCHA, POST it."""

    def go(url, *, wrong_captcha=False, **fields):
        key, answer = captcha_answer(client.get(url).content.decode())
        data = {"captcha_0": key, "captcha_1": "WRONG" if wrong_captcha else answer, **fields}
        return client.post(url, data)

    return go


ENQUIRY = {
    "enterprise_name": "远方智能装备有限公司",
    "name": "张先生",
    "contact": "13800001234",
    "industry": "智能制造",
    "investment": "2亿元",
    "content": "拟在河西区设立华北区域总部，想了解楼宇和扶持政策。",
}


SECRETS = [
    "机密储备项目甲",
    "机密撤回项目乙",
    "内部测算表丙",
    "机密政策草稿丁",
    "津河西科〔2026〕99号",
    "机密线索戊",
    "机密企业己有限公司",
    "机密草稿导语庚",
    "机密咨询内容辛",
    "13912345678",
    "机密台账记录壬",
]


@pytest.fixture
def confidential(demo):
    """One of every kind of record the portal must never show, beside the demo's
    published ones."""
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.opportunities import services as opportunities
    from zhaoshang.opportunities.models import Opportunity
    from zhaoshang.opportunities.models import Status as OS
    from zhaoshang.pipeline.models import LedgerEntry, Project, Stage
    from zhaoshang.policies import services as policies
    from zhaoshang.portal.models import Submission
    from zhaoshang.reports import services as reports

    office, clerk = demo["office_staff"], demo["department_staff"]
    data = {"summary": "内部", "investment": Decimal(1), "cooperation": ["sole"]}
    internal = opportunities.opportunity_create(actor=clerk, data={"name": SECRETS[0], **data})
    withdrawn = opportunities.opportunity_create(actor=office, data={"name": SECRETS[1], **data})
    opportunities.opportunity_move(actor=office, opportunity=withdrawn, to_status=OS.PUBLISHED)
    withdrawn.refresh_from_db()
    opportunities.opportunity_move(
        actor=office, opportunity=withdrawn, to_status=OS.WITHDRAWN, note="暂缓"
    )
    published = Opportunity.objects.public().order_by("pk").first()
    opportunities.opportunity_document_add(
        actor=office,
        opportunity=published,
        title=SECRETS[2],
        file=SimpleUploadedFile("测算.pdf", b"%PDF-1.4 x"),
        public=False,
    )
    draft = policies.policy_create(
        actor=clerk,
        data={
            "title": SECRETS[3],
            "doc_number": SECRETS[4],
            "measures": "草稿",
            "valid_from": dt.date(2026, 1, 1),
        },
    )
    enterprise = Enterprise.objects.create(name=SECRETS[6], dedupe_key=SECRETS[6])
    project = Project.objects.filter(stage=Stage.SIGNED).order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(name=SECRETS[5], enterprise=enterprise)
    LedgerEntry.objects.create(
        project=project,
        occurred_on=dt.date(2026, 11, 2),
        content=SECRETS[10],
        department=clerk.department,
    )
    # A monthly report and a bulletin issued with the project in them (named inside),
    # and a draft bulletin.
    signed_on = Project.objects.get(pk=project.pk).signed_on
    reports.report_issue(actor=office, year=signed_on.year, month=signed_on.month)
    from zhaoshang.reports.models import Bulletin

    Bulletin.objects.filter(year=signed_on.year, period=signed_on.month, kind="month").delete()
    issued = reports.bulletin_generate(
        actor=office, kind="month", year=signed_on.year, period=signed_on.month
    )
    assert SECRETS[5] in str(issued.data)
    reports.bulletin_issue(actor=office, bulletin=issued, version=issued.version)
    quarter = reports.bulletin_generate(
        actor=office, kind="quarter", year=signed_on.year, period=(signed_on.month - 1) // 3 + 1
    )
    reports.bulletin_lead_update(
        actor=office, bulletin=quarter, lead=SECRETS[7], version=quarter.version
    )
    Submission.objects.create(
        kind="enquiry",
        reference="ZX20261101-SECRET",
        name="某人",
        contact=SECRETS[9],
        enterprise_name="某公司",
        content=SECRETS[8],
    )
    return {"internal": internal, "withdrawn": withdrawn, "draft": draft, "quarter": quarter}


@pytest.fixture
def demo(demo_district):
    """The portal's tests read the demo district's published records, so they stand on
    the whole demo district, not on the personas alone."""
    return demo_district

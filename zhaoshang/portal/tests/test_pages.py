"""The portal as an anonymous visitor sees it: a crawl over a database full of
confidential records finds none of them; English pages; pages cached; fixed query counts."""

import datetime as dt
import re
from collections import deque
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

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


def crawl(client, starts, limit=400):
    """Every page reachable from ``starts`` by the portal's own links (and its forms'
    GET filters), as an anonymous visitor."""
    seen, bodies, queue = set(), {}, deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            bodies[url] = response.status_code
            continue
        html = response.content.decode()
        bodies[url] = html
        for href in re.findall(r'href="([^"#]+)"', html):
            href = href.replace("&amp;", "&")
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith("/portal/") and "/captcha/" not in href:
                queue.append(href)
    return bodies


def test_a_crawl_of_the_whole_portal_finds_no_confidential_record(confidential, client):
    from zhaoshang.reference.models import KeyIndustry

    starts = ["/portal/", "/portal/en/"]
    for k in KeyIndustry.objects.values_list("pk", flat=True):
        starts += [f"/portal/policies/?industry={k}", f"/portal/opportunities/?industry={k}"]
    starts += [
        "/portal/policies/?q=机密",
        "/portal/opportunities/?q=机密",
        "/portal/carriers/?kind=land",
    ]
    bodies = crawl(client, starts)
    pages = {u: b for u, b in bodies.items() if isinstance(b, str)}
    assert len(pages) > 30, sorted(bodies)
    for url, html in pages.items():
        for secret in SECRETS:
            assert secret not in html, f"{url} 泄露了“{secret}”"
    # Asked for directly, the records are not there either.
    c = confidential
    for url in (
        f"/portal/opportunities/{c['internal'].pk}/",
        f"/portal/opportunities/{c['withdrawn'].pk}/",
        f"/portal/policies/{c['draft'].pk}/",
        f"/portal/bulletins/{c['quarter'].pk}/",
        f"/portal/en/policies/{c['draft'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
    from zhaoshang.opportunities.models import OpportunityDocument

    hidden = OpportunityDocument.objects.get(title=SECRETS[2])
    url = f"/portal/opportunities/{hidden.opportunity_id}/files/{hidden.pk}/"
    assert client.get(url).status_code == 404


def test_results_come_from_the_issued_report_only(demo, client):
    from zhaoshang.reports import services

    assert "尚未发布统计数据" in client.get("/portal/results/").content.decode()
    issued = services.report_issue(
        actor=demo["office_staff"], year=2026, month=10, today=dt.date(2026, 11, 3)
    )
    page = client.get("/portal/en/results/").content.decode()  # another URL: not cached
    signed = next(i for i in issued.data["indicators"] if i["code"] == "signed_projects")
    assert f"{int(signed['ytd'])}</td>" in page and "10/2026" in page


def test_english_pages_render_in_english(demo, client):
    from zhaoshang.policies.models import Policy

    policy = Policy.objects.public().order_by("pk").first()
    for url in (
        "/portal/en/",
        "/portal/en/policies/",
        f"/portal/en/policies/{policy.pk}/",
        "/portal/en/enquiry/",
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and response["Content-Language"] == "en"
        assert '<html lang="en">' in html and "Investment Promotion Portal" in html, url
        assert "扶持政策" not in html.split("<main")[0], url  # the navigation is English
    assert "Support measures" in client.get(f"/portal/en/policies/{policy.pk}/").content.decode()
    # The Chinese pages stay Chinese, and the staff system is not switched.
    assert "扶持政策" in client.get("/portal/policies/").content.decode()


def test_staff_pages_stay_chinese_after_an_english_portal_page(demo, client_for):
    c = client_for("office_staff")
    c.get("/portal/en/")
    page = c.get("/policies/new/").content.decode()
    assert "这个字段" not in page and "起草政策" in page


def test_pages_are_cached_and_forms_are_not(demo, client, django_assert_num_queries):
    client.get("/portal/policies/")
    with django_assert_num_queries(0):
        assert client.get("/portal/policies/").status_code == 200
    client.get("/portal/enquiry/")
    first = client.get("/portal/enquiry/").content.decode()
    second = client.get("/portal/enquiry/").content.decode()
    key = re.compile(r'name="captcha_0" value="([0-9a-f]+)"')
    assert key.search(first).group(1) != key.search(second).group(1)


@pytest.mark.parametrize(
    "url, most",
    [
        ("/portal/", 9),
        ("/portal/opportunities/", 6),
        ("/portal/policies/", 6),
        ("/portal/carriers/", 6),
        ("/portal/bulletins/", 5),
        ("/portal/enterprises/", 5),
    ],
)
def test_list_pages_read_a_fixed_number_of_queries(
    demo, client, url, most, django_assert_max_num_queries
):
    from zhaoshang.opportunities import services
    from zhaoshang.opportunities.models import Status

    office = demo["office_staff"]
    for i in range(25):
        item = services.opportunity_create(
            actor=office,
            data={
                "name": f"批量{i}",
                "summary": "x",
                "investment": Decimal(1),
                "cooperation": ["sole"],
            },
        )
        services.opportunity_move(actor=office, opportunity=item, to_status=Status.PUBLISHED)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_pages_work_on_a_phone(demo, client):
    html = client.get("/portal/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert (
        "<script" not in html
    )  # no script: nothing to load on a slow line, nothing to go stale in the cache

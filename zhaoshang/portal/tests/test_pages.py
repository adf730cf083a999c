"""The portal as an anonymous visitor sees it: a crawl over a database full of
confidential records finds none of them; English pages; pages cached; fixed query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from .conftest import SECRETS
from .crawl import crawl

pytestmark = pytest.mark.django_db


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


def test_the_english_catalogue_is_compiled_and_complete():
    """Every string the portal marks has its English, and the committed .mo matches the
    table (a fresh checkout needs no gettext tools)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    run = subprocess.run(
        [sys.executable, "scripts/portal_messages.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_english_statuses(demo, client):
    assert "In force" in client.get("/portal/en/policies/").content.decode()


@pytest.mark.parametrize(
    "path", ["/portal/policies/", "/portal/opportunities/", "/portal/en/policies/"]
)
def test_a_search_with_a_nul_character_is_refused(demo, client, path):
    response = client.get(path, {"q": "金融\x00"})
    assert response.status_code == 400 and "参数“q”" in response.content.decode()

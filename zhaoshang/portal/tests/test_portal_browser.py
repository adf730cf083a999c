"""In a real browser: an anonymous investor finds a policy, reads it in full, sends an
enquiry and gets a reference number; the enquiry is a lead in the office's pool and the
office's clerk has a message about it. The English pages render, and every portal page
is looked at on a desktop and on a phone (screenshots kept when ZS_SCREENSHOT_DIR is
set, for a person to look at)."""

import os
from pathlib import Path

import pytest

from zhaoshang.conftest import HOME, login, submit
from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline.models import Method, Project
from zhaoshang.policies.models import Policy
from zhaoshang.portal.models import Submission

pytestmark = pytest.mark.browser


def _captcha(page):
    from captcha.models import CaptchaStore

    key = page.get_attribute("input[name=captcha_0]", "value")
    return CaptchaStore.objects.get(hashkey=key).response


def test_an_investor_reads_a_policy_and_sends_an_enquiry(demo, page):
    policy = Policy.objects.public().filter(status="current").order_by("pk").first()
    page.goto("/portal/")
    page.click("nav >> text=扶持政策")
    page.wait_for_url("**/portal/policies/")
    page.fill("input[name=q]", policy.title[:6])
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.click(f"text={policy.title}")
    page.wait_for_url(f"**/portal/policies/{policy.pk}/")
    body = page.inner_text("main")
    assert "扶持办法" in body and policy.measures[:10] in body and policy.doc_number in body
    page.click("text=咨询政策")
    page.wait_for_url("**/portal/enquiry/")
    # The CAPTCHA is an image drawn by the server.
    assert page.evaluate("document.querySelector('img.captcha').naturalWidth") > 0
    page.fill("input[name=enterprise_name]", "浏览器投资咨询有限公司")
    page.fill("input[name=name]", "赵先生")
    page.fill("input[name=contact]", "13600002222")
    page.fill("textarea[name=content]", f"想了解{policy.title}的申报条件。")
    page.fill("input[name=captcha_1]", _captcha(page))
    submit(page)
    reference = page.inner_text("#reference")
    assert reference.startswith("ZX")
    submission = Submission.objects.get(reference=reference)
    lead = Project.objects.get(enterprise__name="浏览器投资咨询有限公司")
    assert submission.lead == lead and lead.pooled_at and lead.method == Method.ONLINE
    assert Notification.objects.filter(
        recipient=demo["office_staff"], kind="portal_enquiry", title__contains=reference
    ).exists()
    # The office's clerk sees it in the pool.
    login(page, "zhaoshangban")
    page.wait_for_url(HOME)
    page.goto("/pipeline/leads/pool/")
    assert "浏览器投资咨询有限公司" in page.inner_text("main")


PAGES = [
    "/portal/",
    "/portal/zones/",
    "/portal/carriers/",
    "/portal/opportunities/",
    "/portal/opportunities/{opportunity}/",
    "/portal/policies/",
    "/portal/policies/{policy}/",
    "/portal/enterprises/",
    "/portal/results/",
    "/portal/bulletins/",
    "/portal/bulletins/{bulletin}/",
    "/portal/enquiry/",
]


def test_every_page_in_both_languages_on_a_desktop_and_a_phone(demo, page, browser, live_server):
    from zhaoshang.opportunities.models import Opportunity
    from zhaoshang.reports.models import Bulletin

    ids = {
        "opportunity": Opportunity.objects.public().order_by("pk").first().pk,
        "policy": Policy.objects.public().filter(supersedes__isnull=False).first().pk,
        "bulletin": Bulletin.objects.filter(status="issued").first().pk,
    }
    shots = os.environ.get("ZS_SCREENSHOT_DIR")
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    for template in PAGES:
        for prefix in ("/portal/", "/portal/en/"):
            url = template.format(**ids).replace("/portal/", prefix, 1)
            for name, tab in (("desktop", page), ("phone", phone)):
                response = tab.goto(url)
                assert response.status == 200, url
                # Nothing runs off the side of a phone's screen.
                width = tab.evaluate("document.documentElement.scrollWidth")
                assert width <= tab.viewport_size["width"] + 1, (url, name, width)
                if prefix == "/portal/en/":
                    assert tab.get_attribute("html", "lang") == "en"
                    assert "Policies" in tab.inner_text("nav")
                if shots:
                    slug = url.strip("/").replace("/", "_") or "portal"
                    tab.screenshot(path=str(Path(shots) / f"{slug}-{name}.png"), full_page=True)
    phone.context.close()

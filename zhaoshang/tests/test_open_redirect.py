"""No page forwards a user to another site.

A link such as ``/login/?next=https://evil.example/`` sent to a colleague would, after
they sign in on our real page, land them on a look-alike site. Every view that reads
``next`` (or another address a user supplied) is walked here with outside addresses."""

import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoshang.conftest import PASSWORD
from zhaoshang.notifications import services as notifications
from zhaoshang.pipeline.models import Stage
from zhaoshang.pipeline.tests.factories import ProjectFactory

OUTSIDE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "https:evil.example",
    "http://testserver.evil.example/",
]


def stays_here(location):
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and "evil" not in location
    )


def _login(username, next_url=None):
    c = Client()
    url = "/login/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = c.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return c, response


@pytest.mark.parametrize("outside", OUTSIDE)
def test_no_view_forwards_to_an_outside_address(demo, outside):
    # The login page.
    c, response = _login(demo["department_staff"].username, outside)
    assert stays_here(response["Location"]) and response["Location"] == "/"

    # The TOTP verification page (it used to follow ``next`` unchecked).
    device = TOTPDevice.objects.create(user=demo["security_admin"], name="手机", confirmed=True)
    admin, _ = _login(demo["security_admin"].username)
    response = admin.post(
        "/account/otp/verify/?" + urlencode({"next": outside}),
        {"token": f"{totp(device.bin_key):06d}"},
    )
    assert response.status_code == 302 and stays_here(response["Location"])
    assert response["Location"] == "/"

    # A stage move (its ``next`` names the kanban, nothing else).
    project = ProjectFactory(actor=demo["department_staff"], stage=Stage.NEGOTIATING)
    response = c.post(
        f"/pipeline/projects/{project.pk}/move/",
        {"to_stage": "on_hold", "expected_stage": "negotiating", "reason": "暂缓", "next": outside},
    )
    assert response.status_code == 302 and stays_here(response["Location"])

    # A message's link.
    n = notifications.notify(
        recipients=[demo["department_staff"]], title="t", body="", kind="t", url=outside
    )[0]
    response = c.get(f"/notifications/{n.pk}/")
    assert response["Location"] == "/notifications/"

    # The idle logout of a background request names the page to come back to.
    session = c.session
    session["zs_last_seen"] = 0
    session.save()
    response = c.get("/notifications/badge/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=outside)
    assert response["HX-Redirect"] == "/login/"


def test_a_local_next_is_still_followed(demo):
    c, response = _login(demo["department_staff"].username, "/enterprises/?q=华为")
    assert response["Location"] == "/enterprises/?q=%E5%8D%8E%E4%B8%BA"
    device = TOTPDevice.objects.create(user=demo["security_admin"], name="手机", confirmed=True)
    admin, _ = _login(demo["security_admin"].username)
    response = admin.post(
        "/account/otp/verify/?next=/security/policy/", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response["Location"] == "/security/policy/"
    # An htmx poll that finds the session idle sends the window back to its own page.
    session = c.session
    session["zs_last_seen"] = 0
    session.save()
    response = c.get(
        "/notifications/badge/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/pipeline/projects/?stage=signed",
    )
    assert response["HX-Redirect"] == "/login/?next=%2Fpipeline%2Fprojects%2F%3Fstage%3Dsigned"


# Modules that read ``next`` themselves, each walked above. Any other view must use
# zhaoshang.common.redirects (safe_next / is_local_url / local_path).
READS_NEXT_ITSELF = {
    # compares ``next`` with the word "kanban" and never redirects to it
    "zhaoshang/pipeline/projects/views.py",
}


def test_every_view_reading_next_goes_through_the_helper():
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""(GET|POST|REQUEST)(\.get\(|\[)\s*["']next["']""")
    readers = {
        str(path.relative_to(root))
        for path in (root / "zhaoshang").rglob("*.py")
        if "tests" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    }
    assert readers - {"zhaoshang/common/redirects.py"} == READS_NEXT_ITSELF

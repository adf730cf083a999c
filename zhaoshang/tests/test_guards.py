"""Guards: the schema matches the models, and the embedded configuration works."""

import io

from django.core.management import call_command


def test_no_pending_migrations(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


def test_htmx_requests_get_the_partial_only(demo, client_for):
    admin = client_for("system_admin")
    q = {"q": demo["department_staff"].full_name}
    full = admin.get("/org/users/", q).content.decode()
    partial = admin.get("/org/users/", q, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full and "<html" not in partial
    assert 'id="results"' in partial and demo["department_staff"].username in partial


def test_static_assets_are_vendored_not_from_a_cdn(client_for):
    page = client_for("office_staff").get("/").content.decode()
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "/static/vendor/htmx/htmx.min.js" in page


def test_content_security_policy_header(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy

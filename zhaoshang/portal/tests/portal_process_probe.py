"""Run inside the portal's own process set-up (DJANGO_SETTINGS_MODULE=
zhaoshang.portal_settings, connected as the portal's PostgreSQL role) by
test_portal_role.py: crawl every page, send an enquiry, and try what the role must not
do. Prints one JSON object."""

import json
import re
import sys

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402


def refused(sql):
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()
    except Exception as exc:  # noqa: BLE001 - any refusal is what we look for
        return "permission denied" in str(exc)
    return False


def main():
    from captcha.models import CaptchaStore

    from zhaoshang.portal.tests.crawl import crawl

    client = Client()
    bodies = crawl(client, ["/portal/", "/portal/en/"])
    pages = {u: b for u, b in bodies.items() if isinstance(b, str)}
    errors = {u: b for u, b in bodies.items() if not isinstance(b, str) and b >= 500}
    secrets = json.loads(sys.argv[1])
    leaks = [(u, s) for u, html in pages.items() for s in secrets if s in html]
    html = client.get("/portal/enquiry/").content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    sent = client.post(
        "/portal/enquiry/",
        {
            "captcha_0": key,
            "captcha_1": answer,
            "enterprise_name": "独立门户测试有限公司",
            "name": "王先生",
            "contact": "13700001111",
            "content": "独立门户进程提交的咨询",
        },
    )
    reference = re.search(r'id="reference">([^<]+)<', sent.content.decode())
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM policies_policy")
        policies = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM opportunities_opportunity")
        opportunities = cur.fetchone()[0]
    print(
        json.dumps(
            {
                "pages": len(pages),
                "errors": errors,
                "leaks": leaks,
                "enquiry_status": sent.status_code,
                "reference": reference.group(1) if reference else None,
                "policies_seen": policies,
                "opportunities_seen": opportunities,
                "refused": {
                    "projects": refused("SELECT name FROM pipeline_project"),
                    "enterprises": refused("SELECT name FROM enterprises_enterprise"),
                    "users": refused("SELECT username FROM org_user"),
                    "audit": refused("SELECT * FROM audit_auditevent"),
                    "reports": refused("SELECT data FROM reports_issuedreport"),
                    "submission_content": refused("SELECT content FROM portal_submission"),
                    "update_policy": refused("UPDATE policies_policy SET title = 'x'"),
                    "delete_submission": refused("DELETE FROM portal_submission"),
                },
            }
        )
    )


main()

"""schemathesis over the whole OpenAPI schema, as a signed-in user and with an API key:
no answer is a server error, and every answer matches what the schema says about it
(its status is documented, its body fits the documented schema, its content type too).

Both valid and invalid input is generated for every operation (schemathesis's positive
and negative modes), a bounded number of examples each, derandomized so that CI runs
the same examples every time (``ZS_FUZZ_EXAMPLES`` raises the bound for a deeper run;
``ZS_FUZZ_SEED`` explores other examples). Requests go through the whole WSGI stack
(middleware, CSRF, session, the key's authentication and audit) in-process, inside the
test's transaction."""

import contextlib
import os
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ZS_FUZZ_EXAMPLES", "8"))
SEED = int(os.environ.get("ZS_FUZZ_SEED", "0"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A CSRF secret of the accepted form, sent as the cookie and the header a browser sends.
CSRF = "zs" * 16


@pytest.fixture
def wsgi_app():
    """Django's real WSGI handler, minus the signal that closes the database connection
    at each request's start and end (it would close the test's transaction; Django's
    own test client leaves it out the same way)."""
    handler = WSGIHandler()

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return handler(environ, start_response)

    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def known_ids(demo):
    """Ids of real records for the path parameters, so that examples reach past the 404
    into reading, changing and refusing real records (区科技局's, mostly)."""
    from zhaoshang.aftercare.models import Ticket
    from zhaoshang.agreements.models import Agreement
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.pipeline.models import Evaluation, LeadPush, Problem, Project, TermsApproval
    from zhaoshang.reference.models import Carrier
    from zhaoshang.reports.rules import previous_month
    from zhaoshang.reports.services import report_issue

    kejiju = demo["department_staff"].department
    first = lambda qs: qs.order_by("pk").values_list("pk", flat=True).first()  # noqa: E731
    year, month = previous_month(2026, 12)
    return {
        "department_id": kejiju.pk,
        "enterprise_id": first(Enterprise.objects.filter(department=kejiju)),
        "carrier_id": first(Carrier.objects),
        "project_id": first(Project.objects.filter(department=kejiju).exclude(stage="lead")),
        "problem_id": first(Problem.objects),
        "lead_id": first(Project.objects.filter(department=kejiju, stage="lead")),
        "push_id": first(LeadPush.objects.pending()),
        "evaluation_id": first(Evaluation.objects),
        "approval_id": first(TermsApproval.objects),
        "issued_id": report_issue(actor=demo["office_staff"], year=year, month=month).pk,
        "agreement_id": first(Agreement.objects.filter(department=kejiju)),
        "ticket_id": first(Ticket.objects.filter(department=kejiju)),
    }


def fuzz(app, schema_json, ids, *, headers=None, cookies=None):
    """Every operation, both modes; returns one line per distinct failure."""
    schema = schemathesis.openapi.from_dict(schema_json)
    schema.app = app
    failures = {}

    def explore(operation, mode):
        strategy = operation.as_strategy(generation_mode=mode)
        names = re.findall(r"{(\w+)}", operation.path)
        if names:
            # Half the examples on real records, half on whatever schemathesis draws.
            real = {name: ids[name] for name in names}
            strategy = strategy | operation.as_strategy(generation_mode=mode, path_parameters=real)

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=SEED == 0,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            if mode is GenerationMode.POSITIVE:
                # Valid input comes with our credentials, not with values drawn for the
                # schema's security schemes (those are tried by the negative mode).
                (case.headers or {}).pop("X-API-Key", None)
                (case.cookies or {}).pop("sessionid", None)
            response = case.call(headers=headers, cookies=cookies)
            for check in CHECKS:
                try:
                    case.validate_response(response, checks=[check])
                except BaseException as exc:  # schemathesis raises an ExceptionGroup
                    where = (operation.label, check.__name__, response.status_code)
                    failures.setdefault(
                        where,
                        f"{operation.label} [{mode.value}] {check.__name__}"
                        f" → {response.status_code}: {str(exc)[:400]}",
                    )

        # Unsatisfiable: nothing in this operation can be made invalid (no parameters).
        with contextlib.suppress(Unsatisfiable):
            run()

    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            explore(result.ok(), mode)
    return list(failures.values())


def test_fuzz_as_a_signed_in_user(demo, client_for, wsgi_app):
    # The office's clerk: every module, reads and writes, the widest data scope.
    browser = client_for("office_staff")
    schema_json = browser.get("/api/openapi.json").json()
    failures = fuzz(
        wsgi_app,
        schema_json,
        known_ids(demo),
        headers={"X-CSRFToken": CSRF},
        cookies={"sessionid": browser.cookies["sessionid"].value, "csrftoken": CSRF},
    )
    assert not failures, "\n\n".join(failures)


def test_fuzz_with_an_api_key(demo, client_for, make_key, wsgi_app):
    # A read-write key of 区科技局 with every module: writes go through, and reads and
    # refusals are those of a unit-scoped account.
    _, raw = make_key(access="read_write", rate_per_minute=6000)
    schema_json = client_for("office_staff").get("/api/openapi.json").json()
    failures = fuzz(wsgi_app, schema_json, known_ids(demo), headers={"X-API-Key": raw})
    assert not failures, "\n\n".join(failures)

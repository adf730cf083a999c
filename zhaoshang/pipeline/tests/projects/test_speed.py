"""What the load work (issue 18) changed must not change what a user sees or a rule: the
settings read once per request still count from the next request, the kanban's cards
built in Python escape what a user typed, and the pages keep their query counts."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common import per_request
from zhaoshang.pipeline.models import PipelineConfig, Project
from zhaoshang.pipeline.projects import services

KEJIJU = "区科技局"


def test_settings_are_read_once_per_request_and_afresh_in_the_next(db):
    PipelineConfig.current()  # the row exists
    reads = []

    def view(request):
        with CaptureQueriesContext(connection) as seen:
            first = PipelineConfig.current()
            again = PipelineConfig.current()
        reads.append(len(seen))
        return first.ledger_due_days, again is first

    middleware = per_request.PerRequestMiddleware(view)
    assert middleware(RequestFactory().get("/")) == (30, True)
    assert reads == [1]
    PipelineConfig.objects.update(ledger_due_days=20)
    assert middleware(RequestFactory().get("/")) == (20, True)
    # Outside a request (the worker, a shell) every call reads.
    with CaptureQueriesContext(connection) as seen:
        PipelineConfig.current()
        PipelineConfig.current()
    assert len(seen) == 2


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_a_settings_change_is_seen_by_the_rest_of_its_request(demo):
    office = demo["office_staff"]

    def view(request):
        before = PipelineConfig.current().ledger_due_days
        # A bound form writes its values into the instance the memo holds.
        PipelineConfig.current().ledger_due_days = 99
        services.config_update(actor=office, data={"ledger_due_days": 20})
        return before, PipelineConfig.current().ledger_due_days

    assert per_request.PerRequestMiddleware(view)(RequestFactory().get("/")) == (30, 20)
    line = AuditEvent.objects.filter(object_type="pipeline.pipelineconfig").latest("id")
    # The trail compares the stored value, not the one a form wrote into the memo.
    assert "30" in str(line.changes) and "20" in str(line.changes)


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_the_project_page_reads_the_settings_once(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU).order_by("pk").first()
    c = client_for("department_staff")
    url = f"/pipeline/projects/{project.pk}/"
    c.get(url)
    with CaptureQueriesContext(connection) as read:
        assert c.get(url).status_code == 200
    settings_reads = [q for q in read.captured_queries if "pipeline_pipelineconfig" in q["sql"]]
    assert len(settings_reads) == 1


@pytest.mark.usefixtures("demo_district")  # the demo's projects
@pytest.mark.parametrize("role", ["department_staff", "leader"])
def test_kanban_cards_escape_what_users_typed(demo, client_for, role):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    Project.objects.filter(pk=project.pk).update(
        name='<img src=x onerror="alert(1)">&项目', stage_changed_at=timezone.now()
    )
    body = client_for(role).get("/pipeline/").content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;项目</a>" in body
    card = body[body.index(f'href="/pipeline/projects/{project.pk}/"') :]
    card = card[: card.index('class="zs-kcard"')]  # up to the next card
    assert ("推进</button>" in card) == (role == "department_staff")


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_the_kanban_pins_its_query_count(demo, client_for, django_assert_max_num_queries):
    """Session, user, roles, the settings; one count and one card query per stage."""
    c = client_for("department_staff")
    c.get("/pipeline/")
    with django_assert_max_num_queries(13):
        assert c.get("/pipeline/").status_code == 200


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_the_project_page_pins_its_query_count(demo, client_for, django_assert_max_num_queries):
    """Session, user, roles; the project with its relations, its problems, funds, members,
    the timeline's sources, the sections of leads, approvals and events, the settings
    once, and the referrer when one is registered (fetched apart, like the other
    relations that are often empty)."""
    project = Project.objects.filter(department__name=KEJIJU).order_by("pk").first()
    c = client_for("department_staff")
    url = f"/pipeline/projects/{project.pk}/"
    c.get(url)
    with django_assert_max_num_queries(21):  # 23 before the settings were read once
        assert c.get(url).status_code == 200

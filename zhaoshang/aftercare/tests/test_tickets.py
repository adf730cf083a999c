"""Service tickets from raising to rating, who sees them (the responsible unit, the
street's service centre, the office), visits and their coverage, a finding becoming a
ticket, an expansion becoming a pipeline project, the dashboard's figures and the home
page's overdue list. Fixed dates only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.aftercare import queries, services
from zhaoshang.aftercare.models import Expansion, KeyEnterprise, Ticket, TicketType, Visit
from zhaoshang.aftercare.tests.factories import no_tickets
from zhaoshang.common.workflow import MoveRefused
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.org.models import Department
from zhaoshang.pipeline.models import Project, Stage

# These tests stand on the demo district: its ticket types, units, key enterprises and
# the landed enterprises its aftercare loader adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]

SHUZHI = "天津河西数智科技有限公司"


def _raise(demo, today=dt.date(2026, 11, 2), **extra):
    data = {
        "actor": demo["office_staff"],
        "enterprise": Enterprise.objects.get(name=SHUZHI),
        "ticket_type": TicketType.objects.get(name="税务"),
        "title": "出口退税办理",
        "today": today,
    } | extra
    return services.ticket_raise(**data)


def test_a_ticket_from_raising_to_rating(demo):
    ticket = _raise(demo)
    tax_unit = Department.objects.get(name="区税务局")
    assert (ticket.department, ticket.due_on) == (tax_unit, dt.date(2026, 11, 9))
    # Only the responsible unit or the office answers.
    with pytest.raises(MoveRefused, match="只有责任单位或区招商办可以答复该诉求"):
        services.ticket_answer(actor=demo["department_staff"], ticket=ticket, answer="已办")
    with pytest.raises(MoveRefused, match="请填写答复内容"):
        services.ticket_answer(actor=demo["tax"], ticket=ticket, answer=" ")
    services.ticket_progress(actor=demo["tax"], ticket=ticket, note="已联系企业财务")
    services.ticket_answer(
        actor=demo["tax"], ticket=ticket, answer="已办结退税", today=dt.date(2026, 11, 6)
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.on_time, ticket.handling_days) == ("answered", True, 4)
    # Not satisfied: back to work with a new deadline from that day.
    services.ticket_reopen(
        actor=demo["office_staff"], ticket=ticket, note="退税金额不对", today=dt.date(2026, 11, 10)
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answer, ticket.due_on) == ("open", "", dt.date(2026, 11, 17))
    services.ticket_answer(
        actor=demo["tax"], ticket=ticket, answer="已更正", today=dt.date(2026, 11, 18)
    )
    ticket.refresh_from_db()
    assert ticket.on_time is False
    with pytest.raises(MoveRefused, match="请选择企业评价"):
        services.ticket_rate(actor=demo["office_staff"], ticket=ticket, rating=None)
    services.ticket_rate(
        actor=demo["office_staff"], ticket=ticket, rating=Ticket.Rating.FAIR, note="稍慢"
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("closed", 2)
    kinds = list(ticket.steps.values_list("kind", flat=True))
    assert kinds == ["raise", "progress", "answer", "reopen", "answer", "rate"]
    # The tax office was told of the new ticket.
    from zhaoshang.notifications.models import Notification

    assert Notification.objects.filter(
        recipient=demo["tax"], title__contains=ticket.number
    ).exists()


def test_the_street_service_centre_sees_the_tickets_of_its_area(demo, client_for):
    street = Department.objects.get(name="友谊路街道")
    ticket = _raise(demo, street=street)
    other = _raise(demo)
    kejiju = client_for("department_staff")  # 区科技局: neither ticket is its unit's
    assert kejiju.get(f"/aftercare/tickets/{ticket.pk}/").status_code == 404
    from django.test import Client

    from zhaoshang.org.models import User

    c = Client()
    c.force_login(User.objects.get(username="youyilu"))
    assert c.get(f"/aftercare/tickets/{ticket.pk}/").status_code == 200
    assert c.get(f"/aftercare/tickets/{other.pk}/").status_code == 404
    ids = {r["id"] for r in c.get("/api/aftercare/tickets").json()["items"]}
    assert ticket.pk in ids and other.pk not in ids
    with pytest.raises(ValidationError, match="所在街道应选择一个街道"):
        _raise(demo, street=Department.objects.get(name="区科技局"))


def test_the_ticket_list_pins_its_queries(demo, client_for, django_assert_max_num_queries):
    c = client_for("office_staff")
    for i in range(30):
        _raise(demo, title=f"诉求{i}")
    c.get("/aftercare/tickets/")  # the filter lists go to the cache for a minute
    # session, user, OTP device, permissions with scope, the count, the page, and the
    # session's activity stamp (savepoint, update, release): none per row.
    with django_assert_max_num_queries(9):
        response = c.get("/aftercare/tickets/?status=open")
    assert response.status_code == 200 and "诉求29" in response.content.decode()
    with django_assert_max_num_queries(9):
        assert c.get("/aftercare/tickets/?overdue=1").status_code == 200


def test_a_visit_finding_becomes_a_ticket_in_one_step_and_coverage_counts_the_quarter(
    demo, client_for
):
    clerk = demo["department_staff"]
    enterprise = Enterprise.objects.get(name="天津越秀医疗器械有限公司")
    visit = services.visit_plan(
        actor=clerk, enterprise=enterprise, planned_on=dt.date(2026, 11, 20), visitors="李静"
    )
    with pytest.raises(ValidationError, match="请先登记走访情况"):
        services.visit_finding_to_ticket(
            actor=clerk, visit=visit, ticket_type=TicketType.objects.get(name="用工"), title="招工"
        )
    with pytest.raises(ValidationError, match="请填写企业接待人员"):
        services.visit_record(
            actor=clerk, visit=visit, visited_on=dt.date(2026, 11, 20), met_with="", findings=""
        )
    services.visit_record(
        actor=clerk,
        visit=visit,
        visited_on=dt.date(2026, 11, 20),
        met_with="王经理",
        findings="一线操作工缺口30人",
    )
    visit.refresh_from_db()
    c = client_for("department_staff")
    response = c.post(
        f"/aftercare/visits/{visit.pk}/action/",
        {
            "action": "ticket",
            "ticket_type": TicketType.objects.get(name="用工").pk,
            "title": "招聘一线操作工",
            "description": "",
        },
    )
    ticket = Ticket.objects.get(visit=visit)
    assert response.status_code == 302 and response.url == f"/aftercare/tickets/{ticket.pk}/"
    assert (ticket.source, ticket.description) == ("visit", "一线操作工缺口30人")
    # The key enterprise's street came with it.
    assert ticket.street.name == "越秀路街道"
    rows, (first, last, months), counts = queries.coverage(
        demo["office_staff"], dt.date(2026, 11, 25)
    )
    assert (first, last, months) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), 3)
    visited = {k.enterprise.name: k.visited for k in rows}
    assert visited["天津越秀医疗器械有限公司"] is True
    not_visited, _, _ = queries.coverage(
        demo["office_staff"], dt.date(2026, 11, 25), {"not_visited": "1"}
    )
    assert "天津越秀医疗器械有限公司" not in {k.enterprise.name for k in not_visited}
    assert KeyEnterprise.objects.count() == counts["total"]
    assert counts["visited"] == sum(visited.values()) >= 1
    assert counts["not_visited"] == counts["total"] - counts["visited"]


def test_an_expansion_becomes_a_pipeline_project_of_the_local_enterprise(demo, client_for):
    ticket = _raise(demo)
    c = client_for("department_staff")
    response = c.post(
        f"/aftercare/tickets/{ticket.pk}/expansion/",
        {"kind": "strategic", "amount": "5000万元", "description": "设立区域总部"},
    )
    assert response.status_code == 404  # 区科技局 does not read the tax office's ticket
    c = client_for("office_staff")
    response = c.post(
        f"/aftercare/tickets/{ticket.pk}/expansion/",
        {"kind": "strategic", "amount": "5000万元", "description": "设立区域总部"},
    )
    expansion = Expansion.objects.get(ticket=ticket)
    assert response.url == f"/pipeline/projects/{expansion.project_id}/"
    project = expansion.project
    assert (project.enterprise.name, project.stage) == (SHUZHI, Stage.NEGOTIATING)
    assert project.estimated_investment == Decimal("50000000")
    assert expansion.project_id in set(queries.expansion_project_ids(demo["office_staff"]))
    with pytest.raises(ValidationError, match="不是已落地的本地企业"):
        services.expansion_record(
            actor=demo["office_staff"],
            enterprise=Enterprise.objects.get(name="华为技术有限公司"),
            kind="strategic",
            estimated_investment=Decimal("1"),
            description="x",
        )
    before = Project.objects.count()
    response = c.post(
        f"/aftercare/tickets/{ticket.pk}/expansion/",
        {"kind": "strategic", "amount": "", "description": "再来"},
    )
    assert Project.objects.count() == before


def test_the_dashboard_counts_on_time_days_and_satisfaction_by_unit_and_type(demo, client_for):
    office, tax = demo["office_staff"], demo["tax"]
    no_tickets()
    services.ticket_month_rebuild()  # the demo's tickets deleted directly: recount
    a = _raise(demo, today=dt.date(2025, 3, 2))
    b = _raise(demo, today=dt.date(2025, 3, 2))
    services.ticket_answer(actor=tax, ticket=a, answer="好", today=dt.date(2025, 3, 5))
    services.ticket_answer(actor=tax, ticket=b, answer="好", today=dt.date(2025, 3, 13))
    a.refresh_from_db()
    services.ticket_rate(actor=office, ticket=a, rating=Ticket.Rating.SATISFIED)
    b.refresh_from_db()
    services.ticket_rate(actor=office, ticket=b, rating=Ticket.Rating.UNSATISFIED)
    data = queries.dashboard(office, {"year": "2025"}, dt.date(2025, 12, 31))
    [unit] = data["by_unit"]
    assert unit["department__name"] == "区税务局"
    assert (unit["answered"], unit["on_time"], unit["on_time_rate"]) == (2, 1, 50.0)
    assert unit["days"] == 6.0  # 3 and 9 working days
    assert (unit["satisfied"], unit["unsatisfied"], unit["satisfaction_rate"]) == (1, 1, 50.0)
    assert data["by_type"][0]["ticket_type__name"] == "税务"
    page = client_for("office_staff").get("/aftercare/dashboard/?year=2025").content.decode()
    assert "区税务局" in page and "50.0%" in page


def test_each_units_home_page_lists_its_overdue_tickets(demo, client_for):
    old = _raise(
        demo,
        today=dt.date(2025, 1, 6),
        department=demo["department_staff"].department,
        title="长期未办结的诉求",
    )
    page = client_for("department_staff").get("/").content.decode()
    assert "本单位超期企业诉求" in page and old.number in page
    # Another unit's home page does not list it.
    assert old.number not in client_for("tax").get("/").content.decode()


def test_ticket_types_are_the_offices_to_configure(demo, client_for):
    c = client_for("office_staff")
    kind = TicketType.objects.get(name="子女入学")
    response = c.post(
        f"/aftercare/types/{kind.pk}/",
        {
            "name": "子女入学",
            "group": "talent",
            "default_department": kind.default_department_id,
            "deadline_days": 400,
            "sort_order": 10,
            "is_active": "on",
        },
    )
    assert "办理时限应为 1 至 250 个工作日" in response.content.decode()
    kind.refresh_from_db()
    assert kind.deadline_days == 15
    assert client_for("department_staff").get(f"/aftercare/types/{kind.pk}/").status_code == 403


def test_a_cancelled_visit_takes_no_record(demo):
    visit = Visit.objects.filter(status="planned").first()
    services.visit_cancel(actor=demo["office_staff"], visit=visit)
    visit.refresh_from_db()
    with pytest.raises(ValidationError, match="已取消"):
        services.visit_record(
            actor=demo["office_staff"],
            visit=visit,
            visited_on=dt.date(2026, 1, 5),
            met_with="某",
            findings="",
        )

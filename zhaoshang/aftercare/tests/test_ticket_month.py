"""The dashboard's monthly sums (``TicketMonth``) stay equal to a full recount of the
tickets through random answers, ratings, reopens, transfers and closings done the way
users do them, across a month end and a year end; the dashboard read from them gives
what the tickets themselves give, for the office, a unit and a street; the check command
names a wrong month and the rebuild repairs it. Fixed dates only."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from zhaoshang.aftercare import queries, services
from zhaoshang.aftercare.models import Ticket, TicketMonth, TicketType
from zhaoshang.aftercare.tests.factories import no_tickets
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.org.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]
S = Ticket.Status


def _from_tickets(user, year):
    """The dashboard's answered figures computed from the tickets (the full recount)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    answered = queries.tickets(user).filter(answered_on__gte=first, answered_on__lte=last)
    return (
        queries._stats(answered, "department__name"),
        queries._stats(answered, "ticket_type__name"),
        queries._rates(answered.aggregate(**queries.FIGURES)),
    )


def _dashboard(user, year):
    d = queries.dashboard(user, {"year": str(year)}, dt.date(year, 12, 31))
    return d["by_unit"], d["by_type"], d["total"]


def _random_moves(demo, seed, n_tickets=12, n_moves=60):
    rng = random.Random(seed)
    office = demo["office_staff"]
    enterprises = list(Enterprise.objects.filter(status="local").order_by("pk")[:5])
    types = list(TicketType.objects.filter(is_active=True).order_by("pk"))
    streets = list(Department.objects.filter(kind="street").order_by("pk"))
    units = [demo["tax"].department, demo["department_staff"].department]
    # From early December into the next year: answers fall in two months and two years.
    day = dt.date(2025, 12, 1)
    tickets = [
        services.ticket_raise(
            actor=office,
            enterprise=rng.choice(enterprises),
            ticket_type=rng.choice(types),
            title=f"随机诉求{i}",
            department=rng.choice(units),
            street=rng.choice([None, *streets[:2]]),
            today=day,
        )
        for i in range(n_tickets)
    ]
    for _ in range(n_moves):
        day += dt.timedelta(days=rng.randrange(0, 4))
        ticket = rng.choice(tickets)
        ticket.refresh_from_db()
        if ticket.status == S.OPEN:
            move = rng.choice(["answer", "answer", "transfer", "close"])
            if move == "answer":
                services.ticket_answer(actor=office, ticket=ticket, answer="已办理", today=day)
            elif move == "transfer":
                other = next(u for u in units if u.pk != ticket.department_id)
                services.ticket_transfer(
                    actor=office, ticket=ticket, department=other, note="改派", today=day
                )
            else:
                services.ticket_close(actor=office, ticket=ticket, note="企业撤回", today=day)
        elif ticket.status == S.ANSWERED:
            if rng.random() < 0.3:
                services.ticket_reopen(actor=office, ticket=ticket, note="不满意", today=day)
            else:
                rating = rng.choice(Ticket.Rating.values)
                services.ticket_rate(actor=office, ticket=ticket, rating=rating, today=day)
    return tickets


@pytest.mark.parametrize("seed", [1, 2])
def test_the_sums_equal_a_full_recount_after_random_moves(demo, seed):
    no_tickets()
    TicketMonth.objects.all().delete()
    _random_moves(demo, seed)
    assert Ticket.objects.filter(answered_on__isnull=False).exists()
    assert services.ticket_month_drift() == []
    street = demo["street_staff"]
    for user in (demo["office_staff"], demo["tax"], demo["department_staff"], street):
        for year in (2025, 2026):
            assert _dashboard(user, year) == _from_tickets(user, year), (user.username, year)


def test_a_unit_and_a_street_read_only_their_own_months(demo):
    no_tickets()
    TicketMonth.objects.all().delete()
    _random_moves(demo, 4)
    for user in (demo["tax"], demo["street_staff"]):
        unit = user.department_id
        rows = TicketMonth.objects.for_user(user)
        assert (
            rows.exists()
            or not Ticket.objects.filter(
                Q(department_id=unit) | Q(street_id=unit), answered_on__isnull=False
            ).exists()
        )
        assert not rows.exclude(Q(department_id=unit) | Q(street_id=unit)).exists()


def test_a_refused_move_changes_no_sum(demo):
    no_tickets()
    TicketMonth.objects.all().delete()
    ticket = services.ticket_raise(
        actor=demo["office_staff"],
        enterprise=Enterprise.objects.filter(status="local").first(),
        ticket_type=TicketType.objects.get(name="税务"),
        title="退税",
        today=dt.date(2026, 3, 2),
    )
    services.ticket_answer(
        actor=demo["tax"], ticket=ticket, answer="已办", today=dt.date(2026, 3, 4)
    )
    before = list(TicketMonth.objects.values_list(*TicketMonth.FIGURES))
    assert before == [(1, 1, 2, 1, 0, 0, 0, 0)]
    ticket.refresh_from_db()
    with pytest.raises(Exception, match="请选择企业评价"):
        services.ticket_rate(actor=demo["office_staff"], ticket=ticket, rating=None)
    assert list(TicketMonth.objects.values_list(*TicketMonth.FIGURES)) == before
    services.ticket_rate(actor=demo["office_staff"], ticket=ticket, rating=Ticket.Rating.SATISFIED)
    assert list(TicketMonth.objects.values_list(*TicketMonth.FIGURES)) == [(1, 1, 2, 1, 1, 1, 0, 0)]


def test_the_check_command_names_a_wrong_month_and_the_rebuild_repairs_it(demo):
    no_tickets()
    TicketMonth.objects.all().delete()
    _random_moves(demo, 5)
    row = TicketMonth.objects.order_by("pk").first()
    TicketMonth.objects.filter(pk=row.pk).update(answered=row.answered + 1)
    out = StringIO()
    with pytest.raises(CommandError, match="不一致：1 处"):
        call_command("recount_tickets", "--check", stdout=out)
    assert f"{row.year}年{row.month}月" in out.getvalue()
    TicketMonth.objects.all().delete()
    call_command("recount_tickets", stdout=out)
    call_command("recount_tickets", "--check", stdout=out)
    assert "一致。" in out.getvalue()
    assert services.ticket_month_drift() == []


def test_the_dashboard_reads_the_sums_not_the_years_tickets(demo, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    no_tickets()
    TicketMonth.objects.all().delete()
    _random_moves(demo, 6)
    c = client_for("office_staff")
    c.get("/aftercare/dashboard/?year=2025")  # caches warmed
    with CaptureQueriesContext(connection) as few:
        page = c.get("/aftercare/dashboard/?year=2025")
    assert page.status_code == 200
    _random_moves(demo, 7, n_tickets=20, n_moves=80)
    with CaptureQueriesContext(connection) as more:
        c.get("/aftercare/dashboard/?year=2025")

    # As many reads of aftercare's tables with more tickets (two of the sums, one of the
    # open tickets, one of the expansions), none counting answered tickets row by row.
    # (The page's other queries, such as a new notification's badge, may vary.)
    def aftercare_reads(ctx):
        return [q for q in ctx.captured_queries if "aftercare_" in q["sql"]]

    assert len(aftercare_reads(more)) == len(aftercare_reads(few)) == 4
    assert len(more.captured_queries) <= 12
    ticket_table = Ticket._meta.db_table
    assert not [
        q["sql"]
        for q in more.captured_queries
        if f'FROM "{ticket_table}"' in q["sql"] and "answered_on" in q["sql"]
    ]

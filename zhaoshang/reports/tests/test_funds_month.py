"""The monthly funds sums (``FundsMonth``) stay equal to counting rule 5 over the
entries through every write that can move them, done the way users do them."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.org.models import Department
from zhaoshang.pipeline.leads import services as lead_services
from zhaoshang.pipeline.models import FundsEntry, PipelineConfig, Project, Stage
from zhaoshang.pipeline.projects import services, workflow
from zhaoshang.pipeline.tests.factories import add_funds, past_project
from zhaoshang.reports.models import FundsMonth
from zhaoshang.reports.services import funds_month_drift, funds_month_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def funds(demo):
    """Funds in place of two units over two months, in yuan and in dollars."""
    for i, unit in enumerate(
        [demo["department_staff"].department, demo["street_staff"].department]
    ):
        project = past_project(unit, signed_on=dt.date(2026, 2, 3))
        add_funds(project=project, received_on=dt.date(2026, 2, 10 + i), amount=Decimal("1500000"))
        add_funds(
            project=project,
            received_on=dt.date(2026, 3, 5),
            amount=Decimal("20000"),
            currency="USD",
            source="foreign",
        )


def sums(project_unit, day):
    return list(
        FundsMonth.objects.filter(unit=project_unit, year=day.year, month=day.month)
        .order_by("currency")
        .values_list("currency", "cents", "entries")
    )


def test_the_sums_follow_entries_hand_overs_lapse_claim_and_drop(demo):
    config = PipelineConfig.current()
    config.lead_lapse_days = 30
    config.save()
    kejiju, office, youyilu = demo["department_staff"], demo["office_staff"], demo["street_staff"]
    keji = kejiju.department
    today = timezone.localdate()
    lead = lead_services.lead_register(
        actor=kejiju,
        enterprise=enterprise_create(actor=None, data={"name": "天津汇总测试科技有限公司"}),
        data={"name": "汇总测试项目"},
    )
    early, late = today - dt.timedelta(days=70), today - dt.timedelta(days=10)
    street = Department.objects.get(name="越秀路街道")
    keji_early, street_late = sums(keji, early), sums(street, late)
    services.funds_entry_add(actor=kejiju, project=lead, received_on=early, amount=100)
    services.funds_entry_add(
        actor=kejiju, project=lead, received_on=late, amount=Decimal("2.5"), currency="USD"
    )
    assert funds_month_drift() == []
    assert sums(keji, early) != keji_early

    # Handed to a street 40 days ago: the later entry now counts for the street.
    lead_services.project_reassign(
        actor=office,
        project=lead,
        to_department=street,
        reason="属地推进",
        now=timezone.now() - dt.timedelta(days=40),
    )
    assert funds_month_drift() == []
    assert sums(street, late) != street_late

    lead.refresh_from_db()
    lead_services.leads_lapse(today=today + dt.timedelta(days=31))
    lead.refresh_from_db()
    assert lead.pooled_at is not None
    assert funds_month_drift() == []
    lead_services.lead_claim(actor=youyilu, project=lead)
    assert funds_month_drift() == []

    services.funds_entry_delete(
        actor=office, entry=FundsEntry.objects.get(project=lead, amount=100)
    )
    assert funds_month_drift() == []

    lead.refresh_from_db()
    workflow.project_move(actor=office, project=lead, to_stage=Stage.DROPPED, reason="企业放弃")
    assert funds_month_drift() == []
    # Dropped: the project leaves every sum.
    assert sums(street, late) == street_late
    assert sums(keji, early) == keji_early


def test_a_rebuild_gives_the_sums_kept_write_by_write(funds):
    kept = sorted(FundsMonth.objects.values_list("unit_id", "year", "month", "currency", "cents"))
    assert len(kept) == 4  # two units, two months
    FundsMonth.objects.all().delete()
    assert funds_month_drift()  # emptied: every month differs
    funds_month_rebuild()
    assert funds_month_drift() == []
    assert (
        sorted(FundsMonth.objects.values_list("unit_id", "year", "month", "currency", "cents"))
        == kept
    )


def test_the_check_command_names_a_wrong_month_and_the_rebuild_fixes_it(funds):
    from io import StringIO

    from django.core.management import CommandError, call_command

    row = FundsMonth.objects.order_by("pk").first()
    FundsMonth.objects.filter(pk=row.pk).update(cents=row.cents + 1)
    out = StringIO()
    with pytest.raises(CommandError, match="不一致：1 处"):
        call_command("recount_funds", "--check", stdout=out)
    assert f"{row.year}年{row.month}月" in out.getvalue()
    call_command("recount_funds", stdout=out)
    call_command("recount_funds", "--check", stdout=out)
    assert "一致" in out.getvalue()


def _waiting_on_a_lock():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0]


def test_a_drop_and_an_entry_added_at_once_queue_on_the_project(demo, committed_db):
    """Two connections: a drop not yet committed, and an entry added to the same project.
    Without the row lock the entry would read the project as still counted and add its
    amount to a month the drop had just emptied."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite 同一时刻只有一个写入者，这种竞争在 SQLite 上不会发生")
    kejiju, office = demo["department_staff"], demo["office_staff"]
    today = timezone.localdate()
    project = lead_services.lead_register(
        actor=kejiju,
        enterprise=enterprise_create(actor=None, data={"name": "天津并发测试科技有限公司"}),
        data={"name": "并发测试项目"},
    )
    services.funds_entry_add(actor=kejiju, project=project, received_on=today, amount=100)
    dropped, release, errors = threading.Event(), threading.Event(), []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def drop():
        with transaction.atomic():
            workflow.project_move(
                actor=office,
                project=Project.objects.get(pk=project.pk),
                to_stage=Stage.DROPPED,
                reason="企业放弃",
            )
            dropped.set()
            release.wait(10)  # hold the drop uncommitted while the entry comes in

    def add():
        services.funds_entry_add(actor=kejiju, project=project, received_on=today, amount=50)

    dropper, adder = in_thread(drop), in_thread(add)
    dropper.start()
    assert dropped.wait(10), errors
    adder.start()
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    blocked = _waiting_on_a_lock()
    release.set()
    dropper.join(10)
    adder.join(10)
    assert errors == []
    assert blocked, "the entry never met the uncommitted drop: no race took place"
    assert FundsEntry.objects.filter(project=project).count() == 2
    assert funds_month_drift() == []

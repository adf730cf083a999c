"""The counting rules of docs/counting-rules.md, one by one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.pipeline.models import Stage
from zhaoshang.pipeline.tests.factories import (
    add_funds,
    at_local,
    drop,
    hold,
    reassign,
    void_agreement,
)
from zhaoshang.reports import rules, services
from zhaoshang.reports.models import ExchangeRate
from zhaoshang.reports.monthly import figure as fig
from zhaoshang.reports.monthly import load_facts, monthly_report, periods

pytestmark = pytest.mark.django_db


def figure(code, year, month, period="month", unit=None):
    facts = load_facts(year, month)
    months, unit = periods(year, month)[period], unit.pk if unit else None
    value = fig(facts, code, months, unit=unit)
    # The dashboards' sums per unit and month (UnitFacts) must give the same figure.
    per_unit = rules.UnitFacts(facts.start, facts.end)
    assert fig(per_unit, code, months, unit=unit) == value
    if unit is not None:  # and a unit's own sums (its dashboard)
        own = rules.UnitFacts(facts.start, facts.end, unit=unit)
        assert fig(own, code, months, unit=unit) == value
    return value


def test_a_signing_counts_in_the_month_of_its_signing_date(units, build):
    build(units["科技局"], signed_on=dt.date(2026, 10, 31), amount=500)
    build(units["科技局"], signed_on=dt.date(2026, 11, 1), amount=700)
    assert figure("signed_projects", 2026, 10) == 1
    assert figure("agreed_investment", 2026, 10) == Decimal("5000000.00")
    assert figure("signed_projects", 2026, 11) == 1
    assert figure("signed_projects", 2026, 11, "ytd") == 2


def test_a_voided_agreement_leaves_every_signing_figure_past_months_included(units, build):
    p = build(units["科技局"], signed_on=dt.date(2026, 3, 10))
    assert figure("signed_projects", 2026, 3) == 1
    void_agreement(p, dt.date(2026, 5, 2))
    assert figure("signed_projects", 2026, 3) == 0
    assert figure("signed_projects", 2026, 10, "ytd") == 0


def test_a_dropped_project_leaves_signings_landings_and_funds(units, build):
    p = build(
        units["科技局"],
        signed_on=dt.date(2026, 3, 10),
        stage=Stage.LANDED,
        registered_on=dt.date(2026, 4, 1),
    )
    add_funds(project=p, received_on=dt.date(2026, 4, 5), amount=Decimal("100"))
    assert figure("landed_projects", 2026, 4) == 1
    assert figure("funds_domestic", 2026, 4) == Decimal("100.00")
    drop(p, dt.date(2026, 6, 1))
    assert figure("signed_projects", 2026, 3) == 0
    assert figure("landed_projects", 2026, 4) == 0
    assert figure("funds_domestic", 2026, 4) == Decimal("0.00")


def test_a_project_on_hold_keeps_the_agreement_it_stood_on(units, build):
    p = build(units["科技局"], signed_on=dt.date(2026, 3, 10))
    hold(p, dt.date(2026, 4, 1))
    assert figure("signed_projects", 2026, 3) == 1
    q = build(units["科技局"], signed_on=None)  # negotiating, then on hold: never signed
    hold(q, dt.date(2026, 4, 1))
    assert figure("signed_projects", 2026, 4, "ytd") == 1


def test_a_reassigned_project_counts_for_the_unit_responsible_on_each_date(units, build):
    keji, chentang = units["科技局"], units["陈塘科技商务区"]
    p = build(keji, signed_on=dt.date(2026, 3, 10))
    reassign(p, chentang, at_local(dt.date(2026, 5, 1)))
    add_funds(project=p, received_on=dt.date(2026, 4, 30), amount=Decimal("10"))
    add_funds(project=p, received_on=dt.date(2026, 5, 1), amount=Decimal("20"))
    assert figure("signed_projects", 2026, 10, "ytd", unit=keji) == 1
    assert figure("signed_projects", 2026, 10, "ytd", unit=chentang) == 0
    assert figure("funds_domestic", 2026, 10, "ytd", unit=keji) == Decimal("10.00")
    assert figure("funds_domestic", 2026, 10, "ytd", unit=chentang) == Decimal("20.00")


def test_an_owner_change_takes_effect_on_its_beijing_date(units, build):
    """At 2026-10-31 17:30 UTC it is already 1 November in Beijing: funds received on
    31 October still count for the old unit."""
    keji, chentang = units["科技局"], units["陈塘科技商务区"]
    p = build(keji, signed_on=dt.date(2026, 3, 10))
    reassign(p, chentang, dt.datetime(2026, 10, 31, 17, 30, tzinfo=dt.UTC))
    add_funds(project=p, received_on=dt.date(2026, 10, 31), amount=Decimal("10"))
    add_funds(project=p, received_on=dt.date(2026, 11, 1), amount=Decimal("20"))
    assert figure("funds_domestic", 2026, 10, unit=keji) == Decimal("10.00")
    assert figure("funds_domestic", 2026, 10, unit=chentang) == Decimal("0.00")
    assert figure("funds_domestic", 2026, 11, unit=chentang) == Decimal("20.00")


def test_a_signing_before_registration_counts_for_the_registering_unit(units, build):
    keji, chentang = units["科技局"], units["陈塘科技商务区"]
    p = build(keji, signed_on=dt.date(2026, 1, 5), registered_at=at_local(dt.date(2026, 2, 1)))
    reassign(p, chentang, at_local(dt.date(2026, 3, 1)))
    assert figure("signed_projects", 2026, 1, unit=keji) == 1


def test_foreign_funds_convert_at_the_rate_of_the_month_of_receipt(units, build):
    p = build(units["科技局"], signed_on=dt.date(2026, 1, 5))
    ExchangeRate.objects.create(year=2026, month=9, currency="USD", rate=Decimal("7.1"))
    ExchangeRate.objects.create(year=2026, month=10, currency="USD", rate=Decimal("7.2"))
    ExchangeRate.objects.create(year=2026, month=10, currency="EUR", rate=Decimal("7.8"))
    add_funds(
        project=p,
        received_on=dt.date(2026, 9, 30),
        amount=Decimal("100"),
        currency="USD",
        source="foreign",
    )
    add_funds(
        project=p,
        received_on=dt.date(2026, 10, 1),
        amount=Decimal("100"),
        currency="USD",
        source="foreign",
    )
    add_funds(
        project=p,
        received_on=dt.date(2026, 10, 2),
        amount=Decimal("72"),
        currency="CNY",
        source="foreign",
    )
    add_funds(
        project=p,
        received_on=dt.date(2026, 10, 3),
        amount=Decimal("36"),
        currency="EUR",
        source="foreign",
    )
    assert figure("funds_foreign", 2026, 9) == Decimal("710.00")
    # 720 + 72 + 36 × 7.8 = 1072.80 yuan
    assert figure("funds_foreign", 2026, 10) == Decimal("1072.80")
    # 100 + 72 / 7.2 + 280.8 / 7.2 = 149.00 dollars
    assert figure("foreign_investment_usd", 2026, 10) == Decimal("149.00")
    assert figure("funds_domestic", 2026, 10) == Decimal("0.00")


def test_a_month_without_a_rate_is_named_and_the_report_cannot_be_issued(units, build, demo):
    p = build(units["科技局"], signed_on=dt.date(2026, 1, 5))
    add_funds(
        project=p,
        received_on=dt.date(2026, 10, 8),
        amount=Decimal("100"),
        currency="USD",
        source="foreign",
    )
    report = monthly_report(2026, 10, today=dt.date(2026, 11, 3))
    assert report["missing_rates"] == ["2026年10月美元（USD）"]
    assert "汇率尚未设置" in report["summary"]
    with pytest.raises(ValidationError, match="汇率尚未设置"):
        services.report_issue(
            actor=demo["office_staff"], year=2026, month=10, today=dt.date(2026, 11, 3)
        )


def test_major_500_list_and_emerging_projects_are_signings_with_those_marks(
    units, build, enterprise
):
    from zhaoshang.enterprises.models import Ranking

    Ranking.objects.filter(enterprise=enterprise).delete()
    build(units["科技局"], signed_on=dt.date(2026, 10, 5), amount=20000, strategic_emerging=True)
    Ranking.objects.create(enterprise=enterprise, kind="fortune500", year=2025, rank=10)
    assert figure("major_projects", 2026, 10) == 1
    assert figure("emerging_projects", 2026, 10) == 1
    assert figure("head_enterprise_projects", 2026, 10) == 1
    build(units["科技局"], signed_on=None, amount=50000)  # not signed: not a major signing
    assert figure("major_projects", 2026, 10) == 1


def test_units_without_a_signing_this_year_are_listed_for_call_in(units, build):
    build(units["科技局"], signed_on=dt.date(2025, 12, 20))
    report = monthly_report(2026, 10, today=dt.date(2026, 11, 3))
    names = [c["name"] for c in report["call_in"]]
    assert "区科技局" in names
    build(units["科技局"], signed_on=dt.date(2026, 1, 1))
    report = monthly_report(2026, 10, today=dt.date(2026, 11, 3))
    assert "区科技局" not in [c["name"] for c in report["call_in"]]
    assert "友谊路街道" in [c["name"] for c in report["call_in"]]


def _problem(project, title, raised, resolved=None, kind="resolve"):
    """A problem raised on ``raised`` and, if given, resolved (or closed) on ``resolved``,
    with the history the services write."""
    from zhaoshang.pipeline.models import Problem, ProblemStep

    problem = Problem.objects.create(
        project=project,
        category="land",
        title=title,
        owner_department=project.department,
        deadline_days=10,
        due_on=raised + dt.timedelta(days=14),
    )
    Problem.objects.filter(pk=problem.pk).update(created_at=at_local(raised))
    if resolved:
        Problem.objects.filter(pk=problem.pk).update(
            status=Problem.Status.RESOLVED if kind == "resolve" else Problem.Status.CLOSED,
            resolved_on=resolved,
        )
        step = ProblemStep.objects.create(problem=problem, kind=kind)
        ProblemStep.objects.filter(pk=step.pk).update(at=at_local(resolved))
    return problem


def test_a_past_months_tables_show_the_state_at_the_months_end(units, build, enterprise):
    """November's report read in December shows November: no project registered in
    December, each project's stage and unit on 30 November, the problems open that day."""
    from zhaoshang.pipeline.models import Project, StageChange
    from zhaoshang.pipeline.tests.factories import make_project

    signed = build(units["科技局"], signed_on=dt.date(2026, 11, 5), amount=20000)
    # Landed on 3 December and handed to 区金融局 the same day.
    StageChange.objects.create(
        project=signed,
        from_stage=Stage.SIGNED,
        to_stage=Stage.LANDED,
        occurred_on=dt.date(2026, 12, 3),
        department=signed.department,
    )
    Project.objects.filter(pk=signed.pk).update(
        stage=Stage.LANDED, registered_on=dt.date(2026, 12, 3)
    )
    reassign(signed, units["金融局"], at_local(dt.date(2026, 12, 3)))
    negotiating = build(units["商务局"], amount=30000)  # registered 2 January 2025
    drop(negotiating, dt.date(2026, 12, 1))
    make_project(
        name="十二月登记的重大项目",
        enterprise=enterprise,
        unit=units["科技局"],
        registered_at=at_local(dt.date(2026, 12, 2)),
        stage=Stage.NEGOTIATING,
        amount=Decimal(50000) * 10000,
    )
    _problem(signed, "十月提出、十一月解决", dt.date(2026, 10, 8), dt.date(2026, 11, 20))
    _problem(signed, "十一月提出、十二月解决", dt.date(2026, 11, 10), dt.date(2026, 12, 2))
    _problem(signed, "十一月提出、十二月关闭", dt.date(2026, 11, 12), dt.date(2026, 12, 4), "close")
    _problem(signed, "十二月提出", dt.date(2026, 12, 4))
    _problem(negotiating, "十一月提出、至今未解决", dt.date(2026, 11, 1))

    report = monthly_report(2026, 11, today=dt.date(2026, 12, 7))
    major = {p["name"]: p for p in report["major_projects"]}
    assert set(major) == {signed.name, negotiating.name}
    assert (major[signed.name]["stage"], major[signed.name]["unit"]) == ("签约", "区科技局")
    assert major[signed.name]["problems"] == ["十一月提出、十二月解决", "十一月提出、十二月关闭"]
    assert major[negotiating.name]["stage"] == "洽谈"  # dropped only in December
    assert major[negotiating.name]["problems"] == ["十一月提出、至今未解决"]
    assert [(p["name"], p["stage"]) for p in report["signed_this_month"]] == [(signed.name, "签约")]

    # December's report shows December.
    december = monthly_report(2026, 12, today=dt.date(2026, 12, 7))
    major = {p["name"]: p for p in december["major_projects"]}
    assert set(major) == {signed.name, "十二月登记的重大项目"}
    assert (major[signed.name]["stage"], major[signed.name]["unit"]) == ("落地", "区金融局")
    assert major[signed.name]["problems"] == ["十二月提出"]

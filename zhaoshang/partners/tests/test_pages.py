"""The partner and reward pages: lists pin their query counts, a department reads the
registry but not the office's forms, and a refused reward says why on the page."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.partners.models import FinderReward, Partner

from .factories import partner, referred_project, rules

pytestmark = pytest.mark.django_db


def test_the_lists_pin_their_queries(demo, client_for, django_assert_max_num_queries):
    office = demo["office_staff"]
    rules(office)
    for n in range(3):
        firm = partner(office, name=f"咨询公司{n}")
        referred_project(demo["department_staff"], firm)
    from zhaoshang.partners import services

    for p in Partner.objects.all():
        services.reward_propose(actor=office, project=p.referrals.get())
    c = client_for("office_staff")
    c.get("/partners/")  # the session and menus warm up once
    with django_assert_max_num_queries(12):
        body = c.get("/partners/").content.decode()
    assert "咨询公司2" in body
    with django_assert_max_num_queries(12):
        body = c.get("/partners/rewards/").content.decode()
    assert body.count("拟定</td>") == 3
    # The same counts with more rows.
    for n in range(3, 9):
        firm = partner(office, name=f"咨询公司{n}")
        services.reward_propose(
            actor=office, project=referred_project(demo["department_staff"], firm)
        )
    with django_assert_max_num_queries(12):
        c.get("/partners/")
    with django_assert_max_num_queries(12):
        c.get("/partners/rewards/")


def test_a_public_employee_refusal_is_shown_on_the_partner_page(demo, client_for):
    office = demo["office_staff"]
    rules(office)
    person = partner(
        office,
        kind=Partner.Kind.PERSON,
        name="刘建国",
        declaration=Partner.Declaration.PUBLIC,
        declared_on=dt.date(2026, 5, 6),
    )
    project = referred_project(demo["department_staff"], person)
    c = client_for("office_staff")
    page = c.get(f"/partners/{person.pk}/").content.decode()
    assert "声明为国家公职人员" in page
    answer = c.post("/partners/rewards/propose/", {"project": project.pk}, follow=True)
    assert "不得领取中介奖励" in answer.content.decode()
    assert not FinderReward.objects.exists()


def test_a_department_reads_the_registry_the_office_keeps_it(demo, client_for):
    firm = partner(demo["office_staff"], fee_cap=Decimal(1))
    dept = client_for("department_staff")
    assert dept.get(f"/partners/{firm.pk}/").status_code == 200
    assert dept.get(f"/partners/{firm.pk}/edit/").status_code == 403
    answer = client_for("office_staff").post(
        "/partners/new/",
        {"kind": "advisor", "name": "张顾问", "declaration": "", "is_active": "on"},
    )
    assert "招商顾问须填写聘任起始日" in answer.content.decode()
    assert not Partner.objects.filter(name="张顾问").exists()

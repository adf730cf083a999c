"""The opportunity library: statuses only through the table, a unit keeps its own, the
portal sees only what is published, and leads and signings are counted per opportunity."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.common.workflow import MoveRefused
from zhaoshang.opportunities import queries, services
from zhaoshang.opportunities.models import Opportunity, Status
from zhaoshang.opportunities.workflow import TRANSITIONS, opportunity_move

pytestmark = pytest.mark.django_db


def make(actor, **extra):
    data = {
        "name": "测试招商项目",
        "summary": "简介",
        "investment": Decimal("50000000"),
        "cooperation": ["joint"],
        **extra,
    }
    return services.opportunity_create(actor=actor, data=data)


def test_bad_input_is_refused_with_the_field_named(demo):
    with pytest.raises(ValidationError) as exc:
        make(demo["department_staff"], cooperation=[])
    assert "合作方式" in exc.value.message_dict["cooperation"][0]
    with pytest.raises(ValidationError) as exc:
        make(demo["department_staff"], cooperation=["barter"])
    assert "barter" in exc.value.message_dict["cooperation"][0]
    with pytest.raises(ValidationError) as exc:
        make(demo["department_staff"], investment=Decimal("-1"))
    assert "负数" in exc.value.message_dict["investment"][0]


def test_every_move_outside_the_table_is_refused(demo):
    office = demo["office_staff"]
    for src in Status.values:
        for dst in Status.values:
            if (src, dst) in TRANSITIONS or src == dst:
                continue
            item = make(office)
            Opportunity.objects.filter(pk=item.pk).update(status=src)
            item.refresh_from_db()
            with pytest.raises(MoveRefused):
                opportunity_move(actor=office, opportunity=item, to_status=dst, note="原因")
            item.refresh_from_db()
            assert item.status == src


def test_publishing_is_the_offices_and_each_move_leaves_history(demo):
    clerk, office = demo["department_staff"], demo["office_staff"]
    item = make(clerk)
    with pytest.raises(MoveRefused, match="没有权限"):
        opportunity_move(actor=clerk, opportunity=item, to_status=Status.PUBLISHED)
    opportunity_move(actor=office, opportunity=item, to_status=Status.PUBLISHED)
    item.refresh_from_db()
    # The unit moves its own into negotiation; another unit may not.
    with pytest.raises(MoveRefused, match="本单位"):
        opportunity_move(
            actor=demo["department_head"], opportunity=item, to_status=Status.NEGOTIATING
        )
    opportunity_move(actor=clerk, opportunity=item, to_status=Status.NEGOTIATING)
    with pytest.raises(MoveRefused, match="原因"):
        opportunity_move(actor=clerk, opportunity=item, to_status=Status.PUBLISHED)
    steps = list(item.steps.values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("in_library", "published", "zhaoshangban"),
        ("published", "negotiating", "kejiju"),
    ]


def test_a_stale_status_loses(demo):
    office = demo["office_staff"]
    item = make(office)
    opportunity_move(actor=office, opportunity=item, to_status=Status.PUBLISHED)
    stale = Opportunity.objects.get(pk=item.pk)
    Opportunity.objects.filter(pk=item.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="已被他人"):
        opportunity_move(
            actor=office,
            opportunity=stale,
            to_status=Status.NEGOTIATING,
            expected_status=Status.PUBLISHED,
        )


def test_only_published_rows_are_public_and_units_see_their_own(demo):
    clerk, other = demo["department_staff"], demo["department_head"]
    internal = make(clerk, name="科技局内部储备")
    offered = make(demo["office_staff"], name="已发布项目")
    opportunity_move(actor=demo["office_staff"], opportunity=offered, to_status=Status.PUBLISHED)
    public = set(Opportunity.objects.public().values_list("pk", flat=True))
    assert offered.pk in public and internal.pk not in public
    assert internal.pk not in set(queries.readable(other).values_list("pk", flat=True))
    assert offered.pk in set(queries.readable(other).values_list("pk", flat=True))
    assert internal.pk not in set(queries.editable(other).values_list("pk", flat=True))


def test_leads_and_signings_are_counted_per_opportunity(demo, client_for):
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.pipeline.leads import services as lead_services
    from zhaoshang.pipeline.models import Project, Stage

    office = demo["office_staff"]
    item = make(office)
    opportunity_move(actor=office, opportunity=item, to_status=Status.PUBLISHED)
    enterprise = Enterprise.objects.create(name="计数测试科技有限公司", dedupe_key="计数测试科技")
    lead = lead_services.lead_register(
        actor=demo["department_staff"],
        enterprise=enterprise,
        data={"name": "计数测试项目", "method": "online", "opportunity": item},
    )
    assert lead.opportunity_id == item.pk
    other = Enterprise.objects.create(name="计数测试二有限公司", dedupe_key="计数测试二")
    second = lead_services.lead_register(
        actor=demo["department_staff"],
        enterprise=other,
        data={"name": "计数测试项目二", "method": "online", "opportunity": item},
    )
    Project.objects.filter(pk=second.pk).update(stage=Stage.SIGNED, signed_on=dt.date(2026, 3, 1))
    assert queries.counts(item) == {"leads": 2, "signed": 1}
    row = queries.for_list(office).get(pk=item.pk)
    assert (row.lead_count, row.signed_count) == (2, 1)
    page = client_for("office_staff").get("/opportunities/")
    assert page.status_code == 200


def test_the_list_page_reads_a_fixed_number_of_queries(
    demo, client_for, django_assert_max_num_queries
):
    office = demo["office_staff"]
    for i in range(30):
        make(office, name=f"批量项目{i}")
    c = client_for("office_staff")
    c.get("/opportunities/")
    with django_assert_max_num_queries(8):
        assert c.get("/opportunities/").status_code == 200

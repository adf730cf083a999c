"""What the assessment reads from supervision: the on-time rate and the dispatch pack's
overdue items. Fixed dates only."""

import datetime as dt

import pytest

from zhaoshang.assessment import registry
from zhaoshang.assessment.dispatch import SECTIONS
from zhaoshang.supervision import services
from zhaoshang.supervision.indicators import item_records, items_on_time, overdue_items

from .factories import raise_item, unit_head

pytestmark = pytest.mark.django_db
RAISED = dt.date(2026, 11, 2)  # 10 working days: due 16 November


def _items(demo):
    head, office = unit_head(demo), demo["supervision"]
    on_time = raise_item(demo, title="按期报结")
    services.item_submit(actor=head, item=on_time, result="已办", today=dt.date(2026, 11, 4))
    late = raise_item(demo, title="超期报结")
    services.item_submit(actor=head, item=late, result="已办", today=dt.date(2026, 11, 30))
    returned = raise_item(demo, title="按期报结后被退回")
    services.item_submit(actor=head, item=returned, result="已办", today=dt.date(2026, 11, 4))
    services.item_return(actor=office, item=returned, reason="材料不全")
    still_open = raise_item(demo, title="逾期未报")
    next_year = raise_item(demo, title="明年到期", today=dt.date(2026, 12, 21))
    return on_time, late, returned, still_open, next_year


def test_the_rate_counts_items_due_in_the_year_and_a_returned_result_is_not_on_time(demo):
    on_time, late, returned, still_open, next_year = _items(demo)
    assert next_year.due_on.year == 2027
    unit = demo["department_staff"].department_id
    figures = items_on_time(registry.Period(2026, dt.date(2026, 12, 31)))
    assert figures[unit].value == 25  # one of four due in 2026
    assert sorted(figures[unit].ids) == sorted([on_time.pk, late.pk, returned.pk, still_open.pk])
    # Before the deadline nothing is due yet; a unit with nothing due has no figure.
    assert items_on_time(registry.Period(2026, dt.date(2026, 11, 15))) == {}
    indicator = registry.get("supervision_on_time")
    assert indicator is not None and indicator.label == "督办事项按期办结率"


def test_the_records_behind_the_figure_say_which_were_late_and_respect_scope(demo):
    on_time, late, returned, still_open, _ = _items(demo)
    ids = [on_time.pk, late.pk, returned.pk, still_open.pk]
    headers, rows, links = item_records(demo["supervision"], ids)
    assert headers[-1] == "是否按期"
    assert [r[-1] for r in rows] == ["按期", "超期", "超期", "超期"]
    assert all(link.startswith("/supervision/") for link in links)
    # Another unit's user reads none of them.
    assert item_records(demo["zone_head"], ids)[1] == []


def test_the_dispatch_pack_lists_items_past_their_deadline_at_the_months_end(demo):
    on_time, late, returned, still_open, _ = _items(demo)
    assert overdue_items in SECTIONS
    section = overdue_items(2026, 11)
    unit = demo["department_staff"].department_id
    assert section["title"] == "超期督办事项"
    titles = [row[1] for row in section["rows"][unit]]
    # Submitted results are the office's turn; returned and unreported ones are the unit's.
    assert titles == ["按期报结后被退回", "逾期未报"]
    assert section["rows"][unit][0][3] == 14  # 16 → 30 November
    assert overdue_items(2026, 10)["rows"] == {}

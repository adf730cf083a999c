"""A leader opens the monthly report in a real browser, sees the charts drawn, clicks a
figure and sees the records behind it."""

import pytest
from django.utils import timezone

from zhaoshang.conftest import HOME, login
from zhaoshang.pipeline.models import Project
from zhaoshang.reports.rules import previous_month

pytestmark = pytest.mark.browser


def test_a_figure_opens_onto_its_records(demo_district, demo, page):
    # The demo's data: the report of last month, as `make run` shows it.
    year, month = previous_month(*timezone.localdate().timetuple()[:2])
    login(page, demo["leader"].username)
    page.wait_for_url(HOME)
    page.goto(f"/reports/monthly/?year={year}&month={month}")
    page.wait_for_selector("#chart-units canvas")
    cell = page.locator('#indicators tr[data-code="signed_projects"] a[data-period="month"]')
    shown = int(cell.inner_text())
    assert shown >= 1
    cell.click()
    page.wait_for_url("**/reports/records/**")
    rows = page.locator("#records tbody tr")
    assert rows.count() == shown
    names = set(
        Project.objects.filter(signed_on__year=year, signed_on__month=month)
        .exclude(stage="dropped")
        .values_list("name", flat=True)
    )
    for i in range(shown):
        assert rows.nth(i).locator("td").first.inner_text() in names

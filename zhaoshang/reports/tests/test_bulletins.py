"""Work bulletins: generated from the records by the counting rules, an editable lead,
issued as Word and as a portal page, frozen when issued; the portal names only the
enterprises that agreed to be shown."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from zhaoshang.pipeline.models import Project
from zhaoshang.reports import bulletins, services
from zhaoshang.reports.exports import bulletin_docx_bytes
from zhaoshang.reports.models import Bulletin

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 3)


@pytest.fixture
def october(units, build, usd_rates):
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.portal.models import Showcase

    shown = Enterprise.objects.create(name="愿意展示科技有限公司", dedupe_key="愿意展示科技")
    hidden = Enterprise.objects.create(name="不愿公开制造有限公司", dedupe_key="不愿公开制造")
    Showcase.objects.create(
        enterprise=shown, display_name=shown.name, summary="已落户", consent_on=dt.date(2026, 9, 1)
    )
    a = build(units["科技局"], signed_on=dt.date(2026, 10, 9), amount=5000, enterprise=shown)
    b = build(
        units["金融局"],
        signed_on=dt.date(2026, 10, 20),
        amount=15000,  # ≥ 1亿元: a major project by the pipeline's threshold
        enterprise=hidden,
    )
    build(units["金融局"], signed_on=dt.date(2026, 9, 2), amount=300, enterprise=hidden)
    return a, b


def test_quarter_and_month_bounds():
    assert bulletins.period_bounds("quarter", 2026, 4) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert bulletins.period_bounds("month", 2026, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with pytest.raises(ValueError):
        bulletins.period_bounds("quarter", 2026, 5)


def test_generated_from_the_records_with_a_lead_paragraph(october, demo):
    office = demo["office_staff"]
    bulletin = services.bulletin_generate(
        actor=office, kind="month", year=2026, period=10, today=TODAY
    )
    data = bulletin.data
    assert (data["signed_count"], data["signed_amount_wan"]) == (2, "20000.00")
    assert data["major_count"] == 1
    assert [(r["enterprise"], r["public"]) for r in data["signed"]] == [
        ("愿意展示科技有限公司", True),
        ("不愿公开制造有限公司", False),
    ]
    assert "新签约项目2个" in bulletin.lead and "20000.00万元" in bulletin.lead
    quarter = services.bulletin_generate(
        actor=office, kind="quarter", year=2026, period=3, today=TODAY
    )
    assert quarter.data["signed_count"] == 1  # September's signing only


def test_bad_periods_are_refused(demo, units):
    office = demo["office_staff"]
    with pytest.raises(ValidationError, match="尚未开始"):
        services.bulletin_generate(actor=office, kind="month", year=2026, period=12, today=TODAY)
    with pytest.raises(ValidationError, match="1 至 4"):
        services.bulletin_generate(actor=office, kind="quarter", year=2026, period=6, today=TODAY)
    services.bulletin_generate(actor=office, kind="month", year=2026, period=9, today=TODAY)
    with pytest.raises(ValidationError, match="已存在"):
        services.bulletin_generate(actor=office, kind="month", year=2026, period=9, today=TODAY)


def test_issuing_freezes_it(october, demo):
    office = demo["office_staff"]
    bulletin = services.bulletin_generate(
        actor=office, kind="month", year=2026, period=10, today=TODAY
    )
    bulletin = services.bulletin_lead_update(
        actor=office,
        bulletin=bulletin,
        lead="10月，全区招商工作稳步推进。",
        version=bulletin.version,
    )
    with pytest.raises(ValidationError, match="请刷新"):  # an edit on a page built before
        services.bulletin_lead_update(actor=office, bulletin=bulletin, lead="旧页面", version=1)
    before = (
        Bulletin.objects.filter(year=2026)
        .exclude(pk=bulletin.pk)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    issued = services.bulletin_issue(actor=office, bulletin=bulletin, version=bulletin.version)
    assert issued.status == "issued" and issued.number == before + 1
    frozen = dict(issued.data)
    Project.objects.filter(pk=october[1].pk).update(agreed_investment=1)
    for attempt in (
        lambda: services.bulletin_lead_update(
            actor=office, bulletin=issued, lead="改", version=issued.version
        ),
        lambda: services.bulletin_refresh(actor=office, bulletin=issued, version=issued.version),
        lambda: services.bulletin_issue(actor=office, bulletin=issued, version=issued.version),
    ):
        with pytest.raises(ValidationError, match="冻结"):
            attempt()
    issued.refresh_from_db()
    assert issued.data == frozen and issued.lead == "10月，全区招商工作稳步推进。"


def test_the_word_bulletin_names_every_project(october, demo, client_for):
    office = demo["office_staff"]
    bulletin = services.bulletin_generate(
        actor=office, kind="month", year=2026, period=10, today=TODAY
    )
    bulletin = services.bulletin_issue(actor=office, bulletin=bulletin, version=bulletin.version)
    doc = Document(BytesIO(bulletin_docx_bytes(bulletin)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "招商工作简报" in text and bulletin.lead in text
    assert f"2026年第{bulletin.number}期" in text
    assert {"愿意展示科技有限公司", "不愿公开制造有限公司"} <= cells
    response = client_for("leader").get(f"/reports/bulletins/{bulletin.pk}/?export=docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_portal_page_names_only_consenting_enterprises(october, demo, client):
    office = demo["office_staff"]
    bulletin = services.bulletin_generate(
        actor=office, kind="month", year=2026, period=10, today=TODAY
    )
    draft_page = client.get(f"/portal/bulletins/{bulletin.pk}/")
    assert draft_page.status_code == 404  # not issued: not public
    services.bulletin_issue(actor=office, bulletin=bulletin, version=bulletin.version)
    page = client.get(f"/portal/bulletins/{bulletin.pk}/").content.decode()
    assert "愿意展示科技有限公司" in page
    assert "不愿公开制造有限公司" not in page
    assert "20000.00" in page


def test_staff_pages_generate_edit_and_issue(october, demo, client_for):
    c = client_for("office_staff")
    response = c.post(
        "/reports/bulletins/generate/", {"kind": "month", "year": "2026", "period": "10"}
    )
    bulletin = Bulletin.objects.get(kind="month", year=2026, period=10)
    assert response.status_code == 302
    c.post(
        f"/reports/bulletins/{bulletin.pk}/action/",
        {"action": "lead", "lead": "导语", "version": bulletin.version},
    )
    bulletin.refresh_from_db()
    assert bulletin.lead == "导语"
    c.post(
        f"/reports/bulletins/{bulletin.pk}/action/",
        {"action": "issue", "version": bulletin.version},
    )
    bulletin.refresh_from_db()
    assert bulletin.status == "issued"
    page = c.get(f"/reports/bulletins/{bulletin.pk}/").content.decode()
    assert "内容已冻结" in page and "保存导语" not in page
    refused = client_for("department_staff").post(
        "/reports/bulletins/generate/", {"kind": "month", "year": "2026", "period": "9"}
    )
    assert refused.status_code == 403

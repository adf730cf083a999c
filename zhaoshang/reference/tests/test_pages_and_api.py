"""Every reference page as the people who use it: who may open it, what it lists, what a
form writes (and audits), the JSON API, and the home-page cards."""

import io

import openpyxl
import pytest

from zhaoshang.audit.models import AuditEvent
from zhaoshang.org.models import Department
from zhaoshang.reference.models import Carrier, Industry, KeyIndustry, Region, Zone
from zhaoshang.reference.services import load_demo_reference

READ_PAGES = [
    "/reference/industries/",
    "/reference/key-industries/",
    "/reference/zones/",
    "/reference/regions/",
    "/reference/carriers/",
]
WRITE_PAGES = [
    "/reference/key-industries/new/",
    "/reference/zones/new/",
    "/reference/carriers/new/",
    "/reference/carriers/import/",
]


@pytest.mark.parametrize("url", READ_PAGES + WRITE_PAGES)
def test_anonymous_is_sent_to_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_department_staff_reads_every_list_but_opens_no_form(demo, client_for):
    clerk = client_for("department_staff")
    for url in READ_PAGES:
        assert clerk.get(url).status_code == 200, url
    carrier = Carrier.objects.first()
    assert clerk.get(f"/reference/carriers/{carrier.pk}/").status_code == 200
    for url in [
        *WRITE_PAGES,
        f"/reference/carriers/{carrier.pk}/edit/",
        f"/reference/zones/{Zone.objects.first().pk}/edit/",
        f"/reference/key-industries/{KeyIndustry.objects.first().pk}/edit/",
    ]:
        assert clerk.get(url).status_code == 403, url
    before = Carrier.objects.get(pk=carrier.pk).version
    assert clerk.post(f"/reference/carriers/{carrier.pk}/edit/", {}).status_code == 403
    assert Carrier.objects.get(pk=carrier.pk).version == before


def test_office_opens_every_form(demo, client_for):
    office = client_for("office_staff")
    carrier = Carrier.objects.first()
    for url in [
        *WRITE_PAGES,
        f"/reference/carriers/{carrier.pk}/edit/",
        f"/reference/zones/{Zone.objects.first().pk}/edit/",
        f"/reference/key-industries/{KeyIndustry.objects.first().pk}/edit/",
    ]:
        assert office.get(url).status_code == 200, url


def test_industry_tree_search_and_export(demo, client_for):
    clerk = client_for("department_staff")
    page = clerk.get("/reference/industries/", {"q": "软件"}).content.decode()
    assert "软件和信息技术服务业" in page and "农业" not in page
    page = clerk.get("/reference/industries/", {"q": "65"}).content.decode()
    assert "软件和信息技术服务业" in page
    page = clerk.get("/reference/industries/", {"q": "i"}).content.decode()
    assert "互联网和相关服务" in page and "农业" not in page
    response = clerk.get("/reference/industries/", {"export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 20 + 97


def test_key_industry_create_maps_divisions_and_is_audited(demo, client_for):
    office = client_for("office_staff")
    divisions = Industry.objects.filter(code__in=["63", "64"])
    unit = demo["office_staff"].department
    response = office.post(
        "/reference/key-industries/new/",
        {
            "name": "人工智能",
            "department": unit.pk,
            "strategic_emerging": "on",
            "divisions": [d.pk for d in divisions],
            "sort_order": 9,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key = KeyIndustry.objects.get(name="人工智能")
    assert key.strategic_emerging and key.department == unit
    assert set(key.divisions.values_list("code", flat=True)) == {"63", "64"}
    assert AuditEvent.objects.filter(
        object_type="reference.keyindustry", object_id=str(key.pk), action="create"
    ).exists()
    # A section is not a division: the form only offers divisions.
    section = Industry.objects.get(code="I")
    response = office.post(
        "/reference/key-industries/new/",
        {"name": "信息", "department": unit.pk, "divisions": [section.pk], "sort_order": 1},
    )
    assert response.status_code == 200 and not KeyIndustry.objects.filter(name="信息").exists()


def test_zone_create_and_stale_edit(demo, client_for):
    office = client_for("office_staff")
    digital = KeyIndustry.objects.get(name="数字经济")
    form = {"name": "梅江会展片区", "positioning": "会展与商务", "key_industries": [digital.pk]}
    assert office.post("/reference/zones/new/", form).status_code == 302
    zone = Zone.objects.get(name="梅江会展片区")
    assert list(zone.key_industries.all()) == [digital]
    edit = {**form, "positioning": "会展经济", "version": zone.version}
    assert office.post(f"/reference/zones/{zone.pk}/edit/", edit).status_code == 302
    stale = office.post(f"/reference/zones/{zone.pk}/edit/", {**edit, "positioning": "旧"})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    zone.refresh_from_db()
    assert zone.positioning == "会展经济"


def test_land_shows_mu_and_buildings_square_metres(demo, client_for):
    clerk = client_for("department_staff")
    land = Carrier.objects.filter(kind="land").first()
    page = clerk.get(f"/reference/carriers/{land.pk}/").content.decode()
    assert "亩" in page and "平方米" not in page
    building = Carrier.objects.filter(kind="building").first()
    page = clerk.get(f"/reference/carriers/{building.pk}/").content.decode()
    assert "平方米" in page and f"{building.vacancy_rate}%" in page


def test_carrier_filters(demo, client_for):
    clerk = client_for("department_staff")

    def names(**params):
        response = clerk.get("/reference/carriers/", params)
        return {c.name for c in response.context["page"]}

    assert names(kind="land") == set(
        Carrier.objects.filter(kind="land").values_list("name", flat=True)
    )
    assert names(reserve="1") == set(
        Carrier.objects.filter(idle_reserve=True).values_list("name", flat=True)
    )
    assert "挂甲寺储备地块" not in names(vacant="1")  # fully let: no vacancy
    design = KeyIndustry.objects.get(name="设计")
    assert names(industry=design.pk) == {"陈塘科技大厦", "陈塘设计中心"}


def test_region_filters(demo, client_for):
    clerk = client_for("department_staff")
    response = clerk.get("/reference/regions/", {"kind": "province", "area": "yrd"})
    shown = {r.name for r in response.context["page"]}
    assert shown == set(
        Region.objects.filter(kind="province", areas__code="yrd").values_list("name", flat=True)
    )
    assert "上海市" in shown and "天津市" not in shown
    response = clerk.get("/reference/regions/", {"kind": "country", "export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert len(rows) - 1 == Region.objects.filter(kind="country").count()


def test_import_commit_is_refused_while_any_row_is_rejected(demo, client_for, job_imports):
    from .test_reference import GOOD, URL, xlsx

    office = client_for("office_staff")
    bad = [GOOD[0], ["坏楼", "楼宇", "", "", 10, 20, "", "", "", "", ""]]
    job = job_imports.run(office, URL, xlsx(bad))
    assert [e[:2] for e in job.errors] == [[3, "空置面积"]]
    before = (Carrier.objects.count(), AuditEvent.objects.count())
    response = office.post(f"{URL}{job.pk}/", {"action": "commit"}, follow=True)
    page = response.content.decode()
    assert "试导入发现被拒绝的行" in page and "第 3 行" in page
    assert (Carrier.objects.count(), AuditEvent.objects.count()) == before


def test_a_row_rejected_by_the_time_of_the_commit_stops_it(demo, client_for, job_imports):
    """The commit reads and checks the file again: a zone deleted after the dry run
    rejects its row then, and nothing is written."""
    from .test_reference import GOOD, URL, xlsx

    office = client_for("office_staff")
    job = job_imports.run(office, URL, xlsx(GOOD))
    assert job.errors == [] and job.state == "checked"
    Carrier.objects.filter(zone__name="陈塘科技商务区").update(zone=None)
    Zone.objects.filter(name="陈塘科技商务区").delete()
    before = (Carrier.objects.count(), AuditEvent.objects.count())
    job = job_imports.commit(office, URL, job)
    assert job.state == "checked" and "功能区“陈塘科技商务区”不存在" in job.errors[0][2]
    assert (Carrier.objects.count(), AuditEvent.objects.count()) == before


def test_empty_file_is_refused(demo, client_for):
    from .test_reference import HEADER, xlsx

    page = (
        client_for("office_staff")
        .post("/reference/carriers/import/", {"file": xlsx([], header=HEADER)})
        .content.decode()
    )
    assert "没有数据行" in page


def test_demo_loader_is_idempotent(demo):
    from zhaoshang.org.models import Department

    counts = (KeyIndustry.objects.count(), Zone.objects.count(), Carrier.objects.count())
    events = AuditEvent.objects.count()
    assert counts == (8, 3, 12)
    load_demo_reference(departments={d.name: d for d in Department.objects.all()})
    assert (KeyIndustry.objects.count(), Zone.objects.count(), Carrier.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_api(demo, client_for):
    clerk = client_for("department_staff")
    divisions = clerk.get("/api/reference/industries", {"level": "division"}).json()
    assert (
        len(divisions) == 97
        and {"code": "65", "parent_code": "I"}.items()
        <= next(d for d in divisions if d["code"] == "65").items()
    )
    keys = clerk.get("/api/reference/key-industries").json()
    assert {k["name"] for k in keys} >= {"科技金融", "总部经济"}
    assert len(clerk.get("/api/reference/zones").json()) == 3
    land = clerk.get("/api/reference/carriers", {"kind": "land"}).json()
    assert land and all(c["area_unit"] == "亩" for c in land)
    one = clerk.get(f"/api/reference/carriers/{land[0]['id']}").json()
    assert one["name"] == land[0]["name"]
    assert clerk.get("/api/reference/carriers/999999").status_code == 404
    provinces = clerk.get("/api/reference/regions", {"kind": "province"}).json()
    assert len(provinces) == 34


def test_api_needs_login(db, client):
    assert client.get("/api/reference/carriers").status_code in (401, 403)


def test_home_cards(demo, client_for):
    from django.test import Client

    from zhaoshang.org.tests.factories import UserFactory

    finance_clerk = Client()  # 区金融局 owns 科技金融
    finance_clerk.force_login(
        UserFactory(department=Department.objects.get(name="区金融局"), role="department_staff")
    )
    page = finance_clerk.get("/").content.decode()
    assert "招商载体" in page
    assert "本单位主管产业" in page and "科技金融" in page
    page = client_for("office_staff").get("/").content.decode()
    assert "招商载体" in page


def test_carrier_list_query_count_does_not_grow_with_rows(
    demo, client_for, django_assert_max_num_queries
):
    clerk = client_for("department_staff")
    clerk.get("/reference/carriers/")  # warm the session and permission caches
    with django_assert_max_num_queries(15) as few:
        clerk.get("/reference/carriers/")
    design = KeyIndustry.objects.get(name="设计")
    for n in range(20):
        Carrier.objects.create(
            kind="building", name=f"加测楼{n}", total_area=100, vacant_area=10
        ).leading_industries.add(design)
    with django_assert_max_num_queries(len(few.captured_queries)):
        clerk.get("/reference/carriers/")

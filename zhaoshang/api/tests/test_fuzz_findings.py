"""What schemathesis found in the API, each pinned by a test of its own."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_names_are_unique_so_each_operation_documents_its_own_shape(demo):
    # Two schemas of one name became one component: the enterprise list was documented
    # as returning projects, the dashboard's unit ranking as enterprise rankings.
    import ninja

    from zhaoshang.api.api import api

    api.get_openapi_schema()  # imports every router
    seen, clashes = {}, []
    stack = list(ninja.Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("zhaoshang."):
            continue
        other = seen.setdefault(cls.__name__, cls)
        if other is not cls:
            clashes.append(f"{cls.__name__}: {other.__module__} 与 {cls.__module__}")
    assert not clashes, clashes
    schema = api.get_openapi_schema()
    listed = schema["paths"]["/api/enterprises/"]["get"]["responses"][200]
    ref = listed["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    items = schema["components"]["schemas"][ref]["properties"]["items"]["items"]["$ref"]
    assert items.endswith("/EnterpriseOut")


def test_a_carrier_zone_that_is_not_a_number_is_refused_not_a_server_error(demo, client_for):
    c = client_for("office_staff")
    response = c.get("/api/reference/carriers?zone=abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "zone"]
    from zhaoshang.reference.tests.factories import CarrierFactory, ZoneFactory

    carrier = CarrierFactory(zone=ZoneFactory(name="陈塘科技商务区"))
    CarrierFactory(name="另一功能区外的楼宇")
    listed = c.get(f"/api/reference/carriers?zone={carrier.zone_id}").json()
    assert listed and {row["zone"] for row in listed} == {carrier.zone.name}


def test_an_id_filter_beyond_any_id_is_refused_naming_it_not_a_server_error(client_for):
    # SQLite cannot bind an integer past 64 bits when a foreign key is filtered by it.
    c = client_for("office_staff")
    for url, name in [
        (f"/api/leads/?key_industry={2**70}", "key_industry"),
        (f"/api/leads/?region={2**70}", "region"),
        (f"/api/reference/carriers?zone={2**70}", "zone"),
    ]:
        response = c.get(url)
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["loc"] == ["query", name]


def test_not_found_is_said_in_chinese_without_telling_whether_the_record_exists(demo, client_for):
    from django.test import Client

    from zhaoshang.pipeline.tests.factories import ProjectFactory

    hidden = ProjectFactory(actor=demo["department_staff"])  # 区科技局's, not the street's
    street = Client()
    street.force_login(demo["street_staff"])
    out_of_scope = street.get(f"/api/pipeline/projects/{hidden.pk}")
    missing = street.get("/api/pipeline/projects/999999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json() == {"detail": "记录不存在，或不在您的数据范围内。"}


def test_a_nul_character_is_refused_naming_where_it_is(client_for):
    # PostgreSQL cannot hold or compare a text with U+0000: it was a server error there.
    from zhaoshang.enterprises.models import Enterprise

    c = client_for("office_staff")
    response = c.get("/api/enterprises/?q=%E5%8D%8E%00%E4%B8%BA")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "value_error", "loc": ["query", "q"], "msg": "不能含有空字符（\\u0000）"}
    ]
    response = c.post(
        "/api/enterprises/",
        '{"name": "空字符\\u0000有限公司", "confirm_duplicates": true}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert not Enterprise.objects.filter(name__startswith="空字符").exists()
    # Other bad bodies keep their answer.
    assert c.post("/api/enterprises/", "{", content_type="application/json").status_code == 400

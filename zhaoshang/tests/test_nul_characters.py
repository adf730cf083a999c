"""A NUL character in a page's parameters is refused with a page naming the parameter,
on both databases (PostgreSQL failed the search with a server error before)."""

import pytest

LIST_PAGES = ["/enterprises/", "/pipeline/projects/", "/pipeline/leads/", "/audit/"]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_a_search_with_a_nul_character_is_refused_naming_the_parameter(client_for, path):
    c = client_for("office_staff")
    response = c.get(path, {"q": "天津\x00"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "参数“q”不能含有空字符" in text
    # The same search without it answers as ever.
    assert c.get(path, {"q": "天津"}).status_code in (200, 403)


def test_a_form_posted_with_a_nul_character_changes_nothing(client_for, demo):
    from zhaoshang.enterprises.models import Enterprise

    c = client_for("office_staff")
    before = Enterprise.objects.count()
    response = c.post("/enterprises/new/", {"name": "测试\x00企业有限公司"})
    assert response.status_code == 400
    assert "参数“name”" in response.content.decode()
    assert Enterprise.objects.count() == before

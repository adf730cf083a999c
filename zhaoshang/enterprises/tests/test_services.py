"""Keeping the library clean: valid codes, duplicate control, search, merge."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from zhaoshang.audit.models import AuditEvent
from zhaoshang.enterprises import queries, services
from zhaoshang.enterprises.models import Contact, Enterprise, Ranking

HUAWEI = "914403001922038216"  # a checksum-valid code


def code(n):
    body = f"91120103{n:09d}"
    return body + uscc.calc_check_digit(body)


def create(name, credit_code=None, **extra):
    return services.enterprise_create(
        actor=None, data={"name": name, "credit_code": credit_code, **extra}
    )


def test_an_invalid_code_is_refused_and_never_stored(db):
    with pytest.raises(ValidationError, match="校验位不正确"):
        create("测试公司", "914403001922038217")
    with pytest.raises(ValidationError, match="应为 18 位"):
        create("测试公司", "91440300")
    assert not Enterprise.objects.exists()
    assert create("测试公司", HUAWEI.lower()).credit_code == HUAWEI


def test_the_same_code_is_the_same_enterprise(db):
    create("华为技术有限公司", HUAWEI)
    with pytest.raises(ValidationError, match="已登记为“华为技术有限公司”"):
        services.enterprise_create(
            actor=None, data={"name": "另一家公司", "credit_code": HUAWEI}, confirm_duplicates=True
        )


@pytest.mark.parametrize(
    "existing, new",
    [
        ("华为技术有限公司", "华为技术（深圳）有限公司"),
        ("中国平安保险（集团）股份有限公司", "中国平安保险集团股份有限公司"),
        ("天津渤海化工集团有限责任公司", "天津渤海化工集团有限公司"),
        ("北京字节跳动科技有限公司", "北京字节跳动科技有限公司 "),
        ("天津市河西区金融服务中心有限公司", "天津河西区金融服务中心有限公司"),
    ],
)
def test_name_variants_are_shown_before_saving(db, existing, new):
    first = create(existing)
    with pytest.raises(services.DuplicateFound) as exc:
        create(new)
    assert exc.value.candidates[0].enterprise == first
    # The user looked and decided it is another enterprise.
    assert (
        services.enterprise_create(actor=None, data={"name": new}, confirm_duplicates=True).pk
        != first.pk
    )


def test_a_former_name_is_caught(db):
    e = create("天津新八大里数字科技有限公司")
    services.enterprise_update(
        actor=None, enterprise=e, data={"name": "天津八里数智科技有限公司"}, version=e.version
    )
    with pytest.raises(services.DuplicateFound) as exc:
        create("天津新八大里数字科技有限公司")
    assert "曾用名" in exc.value.candidates[0].reason


def test_different_companies_are_not_flagged(db):
    create("华为技术有限公司")
    assert services.find_duplicates("小米科技有限责任公司") == []


def test_search_by_substring_initials_code_and_former_name(db):
    hw = create("华为技术有限公司", HUAWEI)
    zx = create("中兴通讯股份有限公司", code(1))
    services.former_name_add(actor=None, enterprise=zx, name="深圳市中兴维先通设备有限公司")
    lib = Enterprise.objects.live()
    assert list(queries.apply_search(lib, "技术")) == [hw]
    assert list(queries.apply_search(lib, "华为技术有限")) == [hw]
    assert list(queries.apply_search(lib, "hwjs")) == [hw]
    assert list(queries.apply_search(lib, "914403")) == [hw]
    assert list(queries.apply_search(lib, "维先通")) == [zx]
    assert list(queries.apply_search(lib, "不存在的")) == []
    abc = create("天津ABC智能科技有限公司", code(2))
    assert list(queries.apply_search(lib, "abc")) == [abc]  # no initials start so: inside names
    with pytest.raises(queries.SearchTooShort):
        queries.apply_search(lib, "华")


def test_keyset_pages_cover_everything_once(db):
    for i in range(45):
        create(
            f"河西测试企业{i:02d}号有限公司",
            code(100 + i),
            registered_capital=i * 1000 if i % 3 else None,
        )
    for sort in ["new", "name", "capital", "code"]:
        seen, cursor = [], None
        while True:
            p = queries.page(Enterprise.objects.live(), sort=sort, cursor=cursor, size=10)
            seen += [e.pk for e in p.rows]
            cursor = p.next_cursor
            if cursor is None:
                break
        assert len(seen) == 45 and len(set(seen)) == 45, sort


def test_merge_moves_every_link_and_keeps_names(db):
    survivor = create("华为技术有限公司", HUAWEI)
    dup = services.enterprise_create(
        actor=None,
        data={"name": "华为技术（深圳）有限公司", "legal_representative": "赵明路"},
        confirm_duplicates=True,
    )
    services.ranking_set(actor=None, enterprise=dup, kind="fortune500", year=2025, rank=103)
    services.contact_add(
        actor=None, enterprise=dup, data={"name": "张经理", "phone": "13800001111"}
    )
    merged = services.enterprise_merge(actor=None, survivor=survivor, duplicate=dup)
    dup.refresh_from_db()
    assert dup.merged_into == merged
    assert Ranking.objects.get(kind="fortune500").enterprise == merged
    assert Contact.objects.get(name="张经理").enterprise == merged
    assert merged.legal_representative == "赵明路"
    assert "华为技术（深圳）有限公司" in merged.former_names.values_list("name", flat=True)
    assert list(queries.apply_search(Enterprise.objects.live(), "深圳")) == [merged]
    assert AuditEvent.objects.filter(object_id=str(dup.pk), detail__startswith="合并").exists()
    # The moved contact has its own line in the trail.
    contact = Contact.objects.get(name="张经理")
    moved = AuditEvent.objects.get(
        object_type="enterprises.contact", object_id=str(contact.pk), detail__startswith="企业合并"
    )
    assert moved.changes == {"enterprise": ["华为技术（深圳）有限公司", "华为技术有限公司"]}


def test_a_merged_enterprise_is_not_merged_again(db):
    survivor = create("华为技术有限公司", HUAWEI)
    dup = services.enterprise_create(
        actor=None, data={"name": "华为技术（深圳）有限公司"}, confirm_duplicates=True
    )
    third = services.enterprise_create(
        actor=None, data={"name": "华为终端有限公司"}, confirm_duplicates=True
    )
    services.enterprise_merge(actor=None, survivor=survivor, duplicate=dup)
    # A page opened before the first merge still shows the duplicate as live.
    with pytest.raises(ValidationError, match="已合并至其他企业"):
        services.enterprise_merge(actor=None, survivor=third, duplicate=dup)
    with pytest.raises(ValidationError, match="请选择合并后的企业"):
        services.enterprise_merge(actor=None, survivor=dup, duplicate=third)


def test_a_similar_name_behind_hundreds_of_shared_bigrams_is_found(db):
    """The similar-name search reads every posting of the bigrams it needs: a match whose
    rarest bigrams 300 other names also carry is still offered."""
    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.parsing import normalize_name

    # 300 names that carry every bigram of the query but are too long to be similar,
    # registered before the one that is.
    names = [f"瀚澜曜宸材料科技{i:03d}号仓储物流配送服务中心有限公司" for i in range(300)]
    names.append("瀚澜曜宸材料技术有限公司")
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=n, dedupe_key=normalize_name(n), search_text=search.search_text_of(n))
            for n in names
        ]
    )
    search.reindex(Enterprise.objects.values_list("pk", flat=True))
    target = Enterprise.objects.get(name="瀚澜曜宸材料技术有限公司")
    candidates = services.find_duplicates("瀚澜曜宸材料科技有限公司")
    assert [c.enterprise for c in candidates] == [target]
    assert candidates[0].reason.startswith("名称相似度")


def test_traditional_characters_are_found_and_matched(db):
    hw = create("華為技術有限公司")
    assert list(queries.apply_search(Enterprise.objects.live(), "华为")) == [hw]
    found = services.find_duplicates("华为技术有限公司")
    assert [(c.enterprise, c.reason) for c in found] == [(hw, "名称相同")]


def test_a_group_a_joint_stock_company_and_a_branch_are_never_the_same_name(db):
    group = create("中国石油天然气集团有限公司")
    branch = create("中国石油天然气集团有限公司北京分公司")
    found = {c.enterprise: c.reason for c in services.find_duplicates("中国石油天然气股份有限公司")}
    # Offered for the user to judge, but not called the same.
    assert found[group] == services.SAME_CORE
    assert branch not in found or found[branch] != "名称相同"


def test_the_migration_recomputes_keys_and_postings_of_rows_saved_before(db):
    """Rows saved under the old normalisation: the data migration gives them the new
    core and postings, so a traditional name is found in simplified characters."""
    import importlib

    from django.apps import apps

    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.models import GramFrequency, SearchGram

    hw = create("華為技術有限公司")
    services.former_name_add(actor=None, enterprise=hw, name="深圳市華為技術有限公司")
    # As the old code stored them: no folding, no core in the search text.
    Enterprise.objects.filter(pk=hw.pk).update(
        dedupe_key="華為技術", search_text="華為技術有限公司|深圳市華為技術有限公司"
    )
    hw.former_names.update(dedupe_key="深圳市華為技術")
    search.reindex([hw.pk])
    assert list(queries.apply_search(Enterprise.objects.live(), "华为")) == []
    migration = importlib.import_module("zhaoshang.enterprises.migrations.0004_recompute_name_keys")
    migration.recompute(apps, None)
    hw.refresh_from_db()
    assert hw.dedupe_key == "华为技术"
    assert list(hw.former_names.values_list("dedupe_key", flat=True)) == ["华为技术"]
    assert list(queries.apply_search(Enterprise.objects.live(), "华为")) == [hw]
    assert GramFrequency.objects.get(gram="华为").count == 1
    assert SearchGram.objects.filter(enterprise=hw).count() == len(search.grams_of(hw.search_text))
    assert [c.enterprise for c in services.find_duplicates("华为技术有限公司")] == [hw]

"""Industry chains: local enterprises placed on links (rules, manual placement and
removal that recomputation respects), the gap rules, targets ranked with their reasons
and the office's weights, 登记线索 through the leads service, bad input, import, copy,
who reads and who edits."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zhaoshang.chains import gaps, queries, services
from zhaoshang.chains.models import Chain, ChainLead, Placement
from zhaoshang.enterprises.models import Tag
from zhaoshang.enterprises.queries import library
from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.leads.services import LeadHeld
from zhaoshang.pipeline.models import Method
from zhaoshang.reference.models import Industry

from .factories import a_chain, a_link

pytestmark = pytest.mark.django_db


def _local(name, code, **kw):
    return EnterpriseFactory(
        name=name, status="local", industries=list(Industry.objects.filter(code=code)), **kw
    )


def _target(name, code, **kw):
    return EnterpriseFactory(name=name, industries=list(Industry.objects.filter(code=code)), **kw)


def _on(link):
    return set(
        Placement.objects.filter(link=link, removed=False).values_list(
            "enterprise__name", flat=True
        )
    )


# --- Placement -----------------------------------------------------------------------------
def test_local_enterprises_are_placed_by_class_and_keyword_not_targets(demo):
    office = demo["office_staff"]
    by_class = _local("天津河西康宁药业有限公司", "27")
    by_name = _local("天津越秀医疗器械有限公司", "52")
    _target("无锡某某制药股份有限公司", "27")
    chain = a_chain(actor=office)
    drugs = a_link(chain, "化学药制剂", codes="27", actor=office)
    devices = a_link(chain, "医疗器械", codes="35", keywords="医疗器械", actor=office)
    assert _on(drugs) == {by_class.name}
    assert _on(devices) == {by_name.name}
    reason = Placement.objects.get(link=devices).reason
    assert reason == "名称含“医疗器械”"


def test_recomputation_keeps_manual_placement_and_removal(demo):
    office = demo["office_staff"]
    kept_off = _local("天津河西康宁药业有限公司", "27")
    put_on = _local("天津河西智联软件有限公司", "65")
    chain = a_chain(actor=office)
    drugs = a_link(chain, "化学药制剂", codes="27", actor=office)
    services.placement_remove(actor=office, link=drugs, enterprise=kept_off, note="已转型")
    services.placement_add(actor=office, link=drugs, enterprise=put_on)
    services.placements_recompute(actor=office, chain=chain)
    assert _on(drugs) == {put_on.name}
    # The removal is kept as a row: a later rule match does not put it back.
    assert Placement.objects.get(link=drugs, enterprise=kept_off).removed
    # Adding it again by hand undoes the removal.
    services.placement_add(actor=office, link=drugs, enterprise=kept_off)
    services.placements_recompute(actor=office, chain=chain)
    assert _on(drugs) == {put_on.name, kept_off.name}


def test_a_rule_placement_goes_when_the_rule_no_longer_matches(demo):
    office = demo["office_staff"]
    firm = _local("天津河西康宁药业有限公司", "27")
    chain = a_chain(actor=office)
    link = a_link(chain, "化学药制剂", codes="27", actor=office)
    assert _on(link) == {firm.name}
    services.link_save(
        actor=office, chain=chain, link=link, data={"name": "化学药制剂"}, industries=[]
    )
    assert _on(link) == set()


def test_a_target_cannot_be_placed_by_hand(demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    link = a_link(chain, "化学药制剂", codes="27", actor=office)
    target = _target("无锡某某制药股份有限公司", "27")
    with pytest.raises(ValidationError, match="不是本地企业"):
        services.placement_add(actor=office, link=link, enterprise=target)


# --- Gap rules -----------------------------------------------------------------------------
def _classify(chain, links):
    strengths = [gaps.LinkStrength(i, p, pos, name, count=n) for i, p, pos, name, n in links]
    return {s.name: (s.gap, s.reason) for s in gaps.classify(chain, strengths)}


def test_gap_rules_build_extend_fill_strengthen():
    chain = Chain(name="x", empty_at_most=0, strengthen_below=3, build_below_links=2)
    # Upstream empty, midstream one strong link and one weak, a hole between, downstream
    # one strong link.
    links = [
        (1, None, "upstream", "研发", 0),
        (2, None, "midstream", "制造", 6),
        (3, 2, "midstream", "制剂", 5),
        (4, 2, "midstream", "器械", 1),
        (5, 2, "midstream", "生物制品", 0),
        (6, None, "downstream", "流通", 4),
        (7, 8, "midstream", "孤立", 0),
    ]
    found = _classify(chain, links)
    assert found["制造"][0] == gaps.NONE
    assert found["器械"] == (gaps.STRENGTHEN, "本地企业1家，少于强链标准3家")
    # Its parent and siblings are present: fill the hole.
    assert found["生物制品"][0] == gaps.FILL and "相邻环节" in found["生物制品"][1]
    # Nothing further upstream: extend the chain upstream.
    assert found["研发"][0] == gaps.EXTEND and "向上游延伸" in found["研发"][1]


def test_a_chain_with_too_few_present_links_is_to_be_built():
    chain = Chain(name="x", empty_at_most=0, strengthen_below=3, build_below_links=2)
    found = _classify(
        chain,
        [(1, None, "upstream", "研发", 0), (2, None, "midstream", "制造", 4)],
    )
    assert found["研发"][0] == gaps.BUILD
    assert "少于建链标准2个" in found["研发"][1]


def test_thresholds_are_the_chains_own():
    lenient = Chain(name="x", empty_at_most=1, strengthen_below=1, build_below_links=0)
    found = _classify(
        lenient,
        [(1, None, "upstream", "研发", 1), (2, None, "downstream", "流通", 2)],
    )
    # One enterprise counts as empty here; two meet the (lower) strengthen threshold.
    assert found["研发"][0] == gaps.EXTEND
    assert found["流通"][0] == gaps.NONE


def test_revenue_below_the_threshold_marks_strengthen():
    chain = Chain(
        name="x",
        empty_at_most=0,
        strengthen_below=1,
        strengthen_revenue_below=Decimal("100000000"),
        build_below_links=0,
    )
    s = gaps.LinkStrength(1, None, "midstream", "制造", count=5, revenue=Decimal("20000000"))
    gaps.classify(chain, [s])
    assert s.gap == gaps.STRENGTHEN
    assert s.reason == "本地企业营业收入合计2000.00万元，低于强链标准10000.00万元"


def test_a_parent_link_counts_its_sub_links(demo):
    office = demo["office_staff"]
    _local("天津河西康宁药业有限公司", "27")
    _local("天津河西博奥医疗器械有限公司", "35")
    chain = a_chain(actor=office)
    making = a_link(chain, "生产制造", actor=office)
    a_link(chain, "化学药制剂", parent=making, codes="27", actor=office)
    a_link(chain, "医疗器械", parent=making, codes="27、35", actor=office)
    by_chain, _, totals = queries.strengths([chain])
    counts = {s.name: s.count for s in by_chain[chain.pk]}
    # Each enterprise once on the parent, though one sits on both children.
    assert counts == {"生产制造": 2, "化学药制剂": 1, "医疗器械": 2}
    assert totals[chain.pk] == 2


# --- Ranked targets ------------------------------------------------------------------------
def test_targets_ranked_with_reasons_and_weights_from_settings(demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    link = a_link(chain, "医疗器械", codes="35", keywords="医疗器械", actor=office)
    tag = Tag.objects.get_or_create(name="央企系")[0]
    plain = _target("天津某某专用设备有限公司", "35")
    ranked = _target(
        "深圳迈瑞生物医疗电子股份有限公司",
        "35",
        listing_exchange="深交所",
        rankings=[("fortune500", 2025, 300)],
    )
    by_name = _target("上海联影医疗器械股份有限公司", "52", tags=[tag])
    _local("天津河西博奥医疗器械有限公司", "35")  # local: never a target
    found = queries.targets(office, link)
    assert [t.name for t in found] == [ranked.name, by_name.name, plain.name]
    reasons = {t.name: t.reason_texts for t in found}
    assert reasons[ranked.name] == [
        "行业相符：35 专用设备制造业（+30）",
        "2025年世界500强第300名（+30）",
        "上市公司（深交所）（+10）",
    ]
    assert reasons[by_name.name] == ["名称含关键词“医疗器械”（+20）", "标签：央企系（+10）"]
    # The office changes a weight: the order follows, no code changed.
    services.weights_update(actor=office, weights={"keyword": 80})
    assert queries.targets(office, link)[0].name == by_name.name
    assert plain.pk in {t.enterprise_id for t in found}


def test_a_held_target_says_which_unit_holds_it(demo):
    office, kejiju = demo["office_staff"], demo["department_staff"]
    chain = a_chain(actor=office)
    link = a_link(chain, "医疗器械", codes="35", actor=office)
    target = _target("深圳迈瑞生物医疗电子股份有限公司", "35")
    services.target_register_lead(
        actor=kejiju, link=link, enterprise=target, library=library(kejiju)
    )
    (found,) = queries.targets(office, link)
    assert found.held_by == "区科技局"
    assert "区科技局已在跟进（-20）" in found.reason_texts


def test_targets_respect_the_library(demo):
    """Who may not read the library sees no chain and no target."""
    chain = a_chain(actor=demo["office_staff"])
    link = a_link(chain, "医疗器械", codes="35", actor=demo["office_staff"])
    _target("深圳迈瑞生物医疗电子股份有限公司", "35")
    assert queries.targets(demo["audit_admin"], link) == []
    assert not queries.readable(demo["audit_admin"]).exists()
    assert len(queries.targets(demo["tax"], link)) == 1


# --- 登记线索 ------------------------------------------------------------------------------
def test_register_a_lead_records_method_chain_and_link(demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    link = a_link(chain, "医疗器械", codes="35", actor=office)
    target = _target("深圳迈瑞生物医疗电子股份有限公司", "35", listing_exchange="深交所")
    project = services.target_register_lead(
        actor=office, link=link, enterprise=target, library=library(office)
    )
    assert project.method == Method.CHAIN
    assert project.department == office.department
    origin = ChainLead.objects.get(project=project)
    assert origin.link == link and origin.score == 40
    assert "产业链招商：生物医药·医疗器械" in project.description
    # The attribution rules of the leads service hold: a second unit is refused.
    with pytest.raises(LeadHeld):
        services.target_register_lead(
            actor=demo["department_staff"],
            link=link,
            enterprise=target,
            library=library(demo["department_staff"]),
        )
    assert ChainLead.objects.count() == 1


# --- Bad input -----------------------------------------------------------------------------
def test_bad_input_is_refused_with_a_clear_message(demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    other = a_chain("航运物流", actor=office)
    foreign = a_link(other, "水上运输", actor=office)
    with pytest.raises(ValidationError) as exc:
        a_link(chain, "研发", parent=foreign, actor=office)
    assert exc.value.message_dict["parent"] == [
        "上级环节“水上运输”属于产业链“航运物流”，不在“生物医药”中：上级环节只能选本链的环节。"
    ]
    top = a_link(chain, "生产制造", actor=office)
    child = a_link(chain, "化学药制剂", parent=top, actor=office)
    with pytest.raises(ValidationError) as exc:
        services.link_save(
            actor=office,
            chain=chain,
            link=top,
            data={"name": "生产制造", "parent": child},
            industries=[],
        )
    assert "会形成循环：生产制造 → 化学药制剂 → 生产制造" in exc.value.message_dict["parent"][0]
    with pytest.raises(ValidationError) as exc:
        services.parse_industry_codes("27、99、X")
    assert "行业代码“99、X”不在国民经济行业分类" in exc.value.message_dict["industries"][0]
    top.refresh_from_db()
    assert top.parent_id is None


def test_the_link_form_shows_the_message_at_its_field(client, demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    client.force_login(office)
    response = client.post(
        reverse("chains:link_create", args=[chain.pk]),
        {
            "name": "化学药制剂",
            "position": "midstream",
            "industry_codes": "27、2x",
            "sort_order": 1,
        },
    )
    assert response.status_code == 200
    assert "行业代码“2x”不在国民经济行业分类" in response.content.decode()
    assert not chain.links.exists()


# --- Import and copy -----------------------------------------------------------------------
def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["产业链", "环节", "上级环节", "链上位置", "行业代码", "关键词"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("产业链.xlsx", out.getvalue())


def test_import_a_chain_from_xlsx_twice_creates_nothing_more(client, demo, job_imports):
    office = demo["office_staff"]
    _local("天津河西康宁药业有限公司", "27")
    client.force_login(office)
    rows = [
        ["生物医药", "化学药制剂", "生产制造", "中游", "27", "制药、药业"],
        ["生物医药", "生产制造", "", "中游", "", ""],
        ["生物医药", "医疗器械", "生产制造", "中游", "35", "医疗器械"],
    ]
    url = reverse("chains:import_list")
    job = job_imports.commit(client, url, job_imports.run(client, url, _xlsx(rows)))
    assert job.state == "done", job.errors
    chain = Chain.objects.get(name="生物医药")
    assert sorted(chain.links.values_list("name", flat=True)) == [
        "化学药制剂",
        "医疗器械",
        "生产制造",
    ]
    assert _on(chain.links.get(name="化学药制剂")) == {"天津河西康宁药业有限公司"}
    again = job_imports.commit(client, url, job_imports.run(client, url, _xlsx(rows)))
    assert again.summary["result"] == {"create": 0, "update": 0, "unchanged": 3}


def test_import_refuses_bad_rows_by_row_and_column(client, demo, job_imports):
    office = demo["office_staff"]
    other = a_chain("航运物流", actor=office)
    a_link(other, "水上运输", actor=office)
    client.force_login(office)
    rows = [
        ["生物医药", "研发", "水上运输", "上游", "", ""],
        ["生物医药", "甲", "乙", "中游", "", ""],
        ["生物医药", "乙", "甲", "中游", "", ""],
        ["生物医药", "丙", "", "中游", "27、9Z", ""],
    ]
    job = job_imports.run(client, reverse("chains:import_list"), _xlsx(rows))
    errors = {(row, column): message for row, column, message in job.errors}
    assert errors[(2, "上级环节")] == "上级环节“水上运输”属于产业链“航运物流”，不在“生物医药”中"
    assert errors[(3, "上级环节")].startswith("上级环节形成循环：甲 → 乙 → 甲")
    assert "行业代码“9Z”不在国民经济行业分类" in errors[(5, "行业代码")]
    assert not Chain.objects.filter(name="生物医药").exists()


def test_copy_a_chain_as_a_starting_point(demo):
    office = demo["office_staff"]
    _local("天津河西康宁药业有限公司", "27")
    chain = a_chain(actor=office, strengthen_below=5)
    top = a_link(chain, "生产制造", actor=office)
    a_link(chain, "化学药制剂", parent=top, codes="27", keywords="药业", actor=office)
    copy = services.chain_copy(actor=office, source=chain, name="生物医药（滨海）")
    assert copy.strengthen_below == 5 and copy.copied_from == chain
    child = copy.links.get(name="化学药制剂")
    assert child.parent.name == "生产制造" and child.parent.chain == copy
    assert child.keywords == "药业"
    assert _on(child) == {"天津河西康宁药业有限公司"}
    with pytest.raises(ValidationError, match="已存在"):
        services.chain_copy(actor=office, source=chain, name="生物医药（滨海）")


# --- Pages ---------------------------------------------------------------------------------
def test_the_office_edits_others_read(client, demo):
    chain = a_chain(actor=demo["office_staff"])
    client.force_login(demo["department_staff"])
    assert client.get(reverse("chains:chain_detail", args=[chain.pk])).status_code == 200
    assert client.get(reverse("chains:chain_edit", args=[chain.pk])).status_code == 403
    response = client.post(reverse("chains:link_create", args=[chain.pk]), {"name": "研发"})
    assert response.status_code == 403 and not chain.links.exists()


def test_map_data_and_pages_pin_their_queries(client, demo, django_assert_max_num_queries):
    office = demo["office_staff"]
    _local("天津河西康宁药业有限公司", "27")
    for n in range(3):
        chain = a_chain(f"链{n}", actor=office)
        top = a_link(chain, "生产制造", actor=office)
        for m in range(4):
            a_link(chain, f"环节{m}", parent=top, codes="27", actor=office)
    client.force_login(office)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("chains:chain_list")).status_code == 200
    with django_assert_max_num_queries(12):
        data = client.get(reverse("chains:chain_data", args=[chain.pk])).json()
    (top_node,) = data["children"]
    assert top_node["name"] == "生产制造（1）" and len(top_node["children"]) == 4
    with django_assert_max_num_queries(20):
        assert client.get(reverse("chains:report")).status_code == 200

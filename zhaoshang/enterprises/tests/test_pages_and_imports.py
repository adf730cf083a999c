"""The enterprise library as users meet it: scope and masking through page, export and
search; the duplicate decision on the form; imports from .xlsx and CSV (UTF-8 and GBK)
with mapping, dry run, commit and a re-run that changes nothing; ranking lists."""

import copy
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import uscc

from zhaoshang.audit.models import AuditEvent
from zhaoshang.enterprises.models import Enterprise, ImportJob, Ranking

pytestmark = pytest.mark.usefixtures("library")

TECH_FIRM = "天津河西数智科技有限公司"  # followed by 区科技局, with a contact 张经理 13800138000


def code(n):
    body = f"91120103{n:09d}"
    return body + uscc.calc_check_digit(body)


def test_contacts_are_masked_for_other_units_on_page_and_export(demo, client_for):
    e = Enterprise.objects.get(name=TECH_FIRM)
    own = client_for("department_staff").get(f"/enterprises/{e.pk}/").content.decode()
    assert "13800138000" in own
    assert AuditEvent.objects.filter(action="view", object_id=str(e.pk)).exists()
    other = client_for("department_head").get(f"/enterprises/{e.pk}/").content.decode()  # 区商务局
    assert "13800138000" not in other and "不对其他单位公开" in other
    # Nor through the change history.
    office = client_for("office_staff")
    office.post(
        f"/enterprises/{e.pk}/edit/",
        {
            "name": e.name,
            "status": "local",
            "notes": "拟增资扩产，保密",
            "version": e.version,
            "credit_code": e.credit_code,
        },
    )
    assert "拟增资扩产" in office.get(f"/enterprises/{e.pk}/").content.decode()
    assert (
        "拟增资扩产"
        not in client_for("department_head").get(f"/enterprises/{e.pk}/").content.decode()
    )
    response = client_for("department_head").get("/enterprises/", {"q": "数智", "export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[1][0] == TECH_FIRM and rows[1][-1] == "张** 138****8000"
    response = client_for("office_staff").get("/enterprises/", {"q": "数智", "export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[1][-1] == "张经理 13800138000"


def test_another_unit_cannot_change_what_it_does_not_follow(demo, client_for):
    e = Enterprise.objects.get(name=TECH_FIRM)
    head = client_for("department_head")
    assert head.get(f"/enterprises/{e.pk}/edit/").status_code == 403
    assert (
        head.post(f"/enterprises/{e.pk}/contacts/", {"name": "李四", "phone": "1"}).status_code
        == 403
    )
    assert e.contacts.count() == 1


def test_search_page_finds_by_two_characters_initials_and_code(demo, client_for):
    c = client_for("leader")
    assert "华为技术有限公司" in c.get("/enterprises/", {"q": "为技"}).content.decode()
    assert "华为技术有限公司" in c.get("/enterprises/", {"q": "hwjs"}).content.decode()
    page = c.get("/enterprises/", {"q": "914403001922"}).content.decode()
    assert "华为技术有限公司" in page and "西门子" not in page
    assert "请输入至少两个字" in c.get("/enterprises/", {"q": "华"}).content.decode()


def test_list_filters_and_keyset_pages(demo, client_for):
    c = client_for("office_staff")
    page = c.get("/enterprises/", {"ranking": "fortune500"}).content.decode()
    assert "华为技术有限公司" in page and TECH_FIRM not in page
    page = c.get("/enterprises/", {"tag": "", "ownership": "central_soe"}).content.decode()
    assert "中国远洋海运集团有限公司" in page and "华为" not in page


def test_list_row_shows_tags_rankings_capital_region_and_unit(demo, client_for):
    from zhaoshang.enterprises import services
    from zhaoshang.enterprises.models import Tag

    e = services.enterprise_create(
        actor=None,
        data={
            "name": "河西行列测试有限公司",
            "credit_code": code(77),
            "registered_capital": 12345678,
            "registered_currency": "USD",
            "ownership": "foreign",
            "status": "local",
        },
    )
    e.tags.set([Tag.objects.first()])
    services.ranking_set(actor=None, enterprise=e, kind="china500", year=2025, rank=7)
    services.ranking_set(actor=None, enterprise=e, kind="fortune500", year=2026)
    page = client_for("office_staff").get("/enterprises/", {"q": "行列"}).content.decode()
    row = page[page.index(f'href="/enterprises/{e.pk}/"') :].split("</tr>")[0]
    assert f">{Tag.objects.first().name}</span>" in row
    assert "<div>2026年世界500强</div><div>2025年中国500强第7名</div>" in row
    assert "1235万 USD" in row and code(77) in row
    assert ">外资<" in row and ">已落地（本地企业）<" in row and row.count(">—<") == 2


def test_form_shows_likely_duplicates_and_saves_on_decision(demo, client_for):
    c = client_for("office_staff")
    form = {
        "name": "华为技术（深圳）有限公司",
        "status": "target",
        "registered_capital_text": "500万美元",
    }
    response = c.post("/enterprises/new/", form)
    page = response.content.decode()
    assert "可能已有该企业" in page and "华为技术有限公司" in page
    assert not Enterprise.objects.filter(name="华为技术（深圳）有限公司").exists()
    response = c.post("/enterprises/new/", {**form, "confirm_duplicates": "on"})
    assert response.status_code == 302
    made = Enterprise.objects.get(name="华为技术（深圳）有限公司")
    assert made.registered_capital == 5000000 and made.registered_currency == "USD"


def test_form_refuses_bad_code_and_amount_in_chinese(demo, client_for):
    c = client_for("office_staff")
    page = c.post(
        "/enterprises/new/",
        {
            "name": "某某公司",
            "status": "target",
            "credit_code": "123",
            "registered_capital_text": "-5万元",
            "founded_on_text": "2021-02-30",
        },
    ).content.decode()
    assert "应为 18 位" in page and "金额不能为负数" in page and "不存在的日期" in page
    assert not Enterprise.objects.filter(name="某某公司").exists()


def xlsx(header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("名录.xlsx", buf.getvalue())


HEADER = [
    "企业名称",
    "统一社会信用代码",
    "注册资本",
    "成立日期",
    "企业性质",
    "总部所在地",
    "重点产业",
    "跟进单位",
]
ROWS = [
    [
        "天津甲科技有限公司",
        code(11),
        "5000万元",
        "2021/1/11",
        "民营",
        "天津市",
        "数字经济",
        "区科技局",
    ],
    ["北京乙生物医药有限公司", code(12), 1200, 44207, "外资", "北京", "生物医药", "区卫生健康委"],
    ["上海丙物流有限公司", "", "1.2亿元", "2019年3月8日", "地方国企", "上海", "航运物流", ""],
]


def run(
    client,
    upload,
    kind="enterprises",
    mapping=None,
    extra=None,
    commit=True,
    captures=None,
    confirm=None,
):
    response = client.post("/enterprises/imports/", {"kind": kind, "file": upload, **(extra or {})})
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = ImportJob.objects.latest("pk")
    post = {"action": "check"}
    for index, key in (mapping or job.mapping).items():
        post[f"col{index}"] = key
    with captures(execute=True):
        client.post(f"/enterprises/imports/{job.pk}/", post)
    job.refresh_from_db()
    if commit and job.state == "checked" and not job.errors:
        with captures(execute=True):
            client.post(f"/enterprises/imports/{job.pk}/", {"action": "commit", **(confirm or {})})
        job.refresh_from_db()
    return job


def test_new_enterprises_of_an_import_get_links_former_names_postings_and_counts(
    demo, client_for, django_capture_on_commit_callbacks
):
    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.models import GramFrequency

    before = dict(GramFrequency.objects.values_list("gram", "count"))
    header = ["企业名称", "统一社会信用代码", "曾用名", "重点产业"]
    rows = [
        ["天津丁智算科技有限公司", code(21), "天津丁计算有限公司、丁算力公司", "数字经济"],
        ["天津戊智算科技有限公司", code(22), "", ""],
    ]
    c = client_for("department_staff")
    job = run(c, xlsx(header, rows), captures=django_capture_on_commit_callbacks)
    assert job.state == "done" and job.summary["result"] == {"新增": 2}, job.errors
    d = Enterprise.objects.get(credit_code=code(21))
    assert sorted(d.former_names.values_list("name", flat=True)) == [
        "丁算力公司",
        "天津丁计算有限公司",
    ]
    assert list(d.key_industries.values_list("name", flat=True)) == ["数字经济"]
    assert d.dedupe_key == "丁智算科技" and d.initials == "tjdzskjyxgs"
    # Postings of the name and of the former names; the counts moved by one per name.
    assert set(d.grams.values_list("gram", flat=True)) == search.grams_of(d.search_text)
    assert d in Enterprise.objects.filter(grams__gram="力公")
    after = dict(GramFrequency.objects.values_list("gram", "count"))
    assert after["智算"] == before.get("智算", 0) + 2 and after["力公"] == before.get("力公", 0) + 1
    events = AuditEvent.objects.filter(action="create", object_type="enterprises.enterprise")
    assert set(events.values_list("object_id", flat=True)) >= {str(d.pk)}


def test_xlsx_import_then_rerun_changes_nothing(
    demo, client_for, django_capture_on_commit_callbacks
):
    c = client_for("department_staff")
    job = run(c, xlsx(HEADER, ROWS), captures=django_capture_on_commit_callbacks)
    assert job.state == "done", job.errors
    assert job.summary["result"] == {"新增": 3}
    a = Enterprise.objects.get(credit_code=code(11))
    assert a.registered_capital == 50000000 and str(a.founded_on) == "2021-01-11"
    b = Enterprise.objects.get(credit_code=code(12))
    assert (
        b.registered_capital == 12000000 and str(b.founded_on) == "2021-01-11"
    )  # 万元 column, Excel serial
    count, events = Enterprise.objects.count(), AuditEvent.objects.count()
    again = run(c, xlsx(HEADER, ROWS), captures=django_capture_on_commit_callbacks)
    assert again.summary["result"] == {"未变化": 3}
    assert Enterprise.objects.count() == count
    assert AuditEvent.objects.count() == events + 1  # only the import's own line
    # A variant of a name without a code is the same enterprise.
    variant = [
        [
            "上海丙物流（上海）有限责任公司",
            "",
            "1.2亿元",
            "2019年3月8日",
            "地方国企",
            "上海",
            "航运物流",
            "",
        ]
    ]
    # Found by its name only: the user confirms it on the dry-run page (row 2).
    c3 = Enterprise.objects.get(name="上海丙物流有限公司")
    third = run(
        c,
        xlsx(HEADER, variant),
        captures=django_capture_on_commit_callbacks,
        confirm={"confirm2": str(c3.pk)},
    )
    assert Enterprise.objects.count() == count and third.summary["result"] == {"更新": 1}
    # The old name stays findable; renaming back and forth adds no second former name.
    renamed = Enterprise.objects.get(name="上海丙物流（上海）有限责任公司")
    assert list(renamed.former_names.values_list("name", flat=True)) == ["上海丙物流有限公司"]
    assert renamed in Enterprise.objects.filter(grams__gram="责任")
    back = run(
        c,
        xlsx(HEADER, ROWS),
        captures=django_capture_on_commit_callbacks,
        confirm={"confirm4": str(c3.pk)},
    )
    assert back.state == "done" and back.summary["result"] == {"更新": 1, "未变化": 2}
    assert renamed.former_names.count() == 1


def test_csv_in_gbk_and_utf8(demo, client_for, django_capture_on_commit_callbacks):
    c = client_for("office_staff")
    text = f"企业名称,统一社会信用代码,注册资本\n天津丁设计有限公司,{code(21)},300万元\n"
    for encoding, name in [("gbk", "gbk.csv"), ("utf-8-sig", "utf8.csv")]:
        job = run(
            c,
            SimpleUploadedFile(name, text.encode(encoding)),
            captures=django_capture_on_commit_callbacks,
        )
        assert job.state == "done", job.errors
    assert Enterprise.objects.filter(credit_code=code(21)).count() == 1


def test_dry_run_lists_every_bad_row_and_commit_is_refused(
    demo, client_for, django_capture_on_commit_callbacks
):
    c = client_for("office_staff")
    bad = [
        ["", code(31), "", "", "", "", "", ""],
        ["戊公司", "91120103000000031X", "", "", "", "", "", ""],
        ["己公司", "", "-5万元", "", "", "", "", ""],
        ["庚公司", "", "", "2021-02-30", "", "", "", ""],
        ["辛公司", "", "", "", "个体", "", "", ""],
        ["壬公司", "", "", "", "", "火星", "", ""],
        ["癸公司", "", "", "", "", "", "元宇宙", ""],
        ["天津甲科技有限公司", code(11), "", "", "", "", "", ""],
        ["天津甲科技有限公司", code(11), "", "", "", "", "", ""],
    ]
    before = Enterprise.objects.count()
    job = run(c, xlsx(HEADER, bad), captures=django_capture_on_commit_callbacks)
    found = {(row, col) for row, col, _ in job.errors}
    assert found >= {
        (2, "企业名称"),
        (3, "统一社会信用代码"),
        (4, "注册资本"),
        (5, "成立日期"),
        (6, "企业性质"),
        (7, "总部所在地"),
        (8, "重点产业"),
        (10, "统一社会信用代码"),
    }
    page = c.get(f"/enterprises/imports/{job.pk}/").content.decode()
    assert "第 3 行" in page and "未导入任何数据" in page and "确认导入</button>" not in page
    c.post(f"/enterprises/imports/{job.pk}/", {"action": "commit"})
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.txt", b"x", "请上传 Excel"),
        ("a.xlsx", b"not a zip", "不是有效的 Excel"),
        ("a.csv", b"", "空文件"),
        ("a.csv", "企业名称\n".encode(), "没有数据行"),
    ],
)
def test_bad_files(demo, client_for, name, content, message):
    page = client_for("office_staff").post(
        "/enterprises/imports/", {"kind": "enterprises", "file": SimpleUploadedFile(name, content)}
    )
    assert message in page.content.decode()
    assert not ImportJob.objects.exists()


def test_mapping_step_lets_the_user_choose_columns(
    demo, client_for, django_capture_on_commit_callbacks
):
    c = client_for("office_staff")
    upload = xlsx(["公司全称", "代码"], [["天津寅科技有限公司", code(41)]])
    job = run(
        c,
        upload,
        mapping={"0": "name", "1": "credit_code"},
        captures=django_capture_on_commit_callbacks,
    )
    assert job.state == "done"
    assert Enterprise.objects.get(credit_code=code(41)).name == "天津寅科技有限公司"


def test_ranking_list_import_matches_and_shows_the_unmatched(
    demo, client_for, django_capture_on_commit_callbacks
):
    c = client_for("office_staff")
    upload = xlsx(
        ["排名", "企业名称"],
        [[1, "华为技术有限公司"], [2, "中国平安保险集团股份有限公司"], [3, "不存在集团"]],
    )
    job = run(
        c,
        upload,
        kind="ranking",
        extra={"ranking_kind": "china500", "ranking_year": 2026},
        commit=False,
        captures=django_capture_on_commit_callbacks,
    )
    assert job.summary["unmatched_names"] == ["不存在集团"]
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/enterprises/imports/{job.pk}/", {"action": "commit"})
    assert (
        Ranking.objects.get(kind="china500", year=2026, rank=1).enterprise.name
        == "华为技术有限公司"
    )
    assert Ranking.objects.filter(kind="china500", year=2026).count() == 2


def test_export_then_import_changes_nothing(demo, client_for, django_capture_on_commit_callbacks):
    c = client_for("office_staff")
    exported = c.get("/enterprises/", {"export": "xlsx"}).content
    count = Enterprise.objects.count()
    job = run(
        c, SimpleUploadedFile("导出.xlsx", exported), captures=django_capture_on_commit_callbacks
    )
    assert job.state == "done", job.errors
    assert job.summary["result"] == {"未变化": count}
    assert Enterprise.objects.count() == count


def test_too_large_import_file_is_refused(demo, client_for, settings):
    settings.MAX_IMPORT_FILE_BYTES = 100
    page = client_for("office_staff").post(
        "/enterprises/imports/",
        {
            "kind": "enterprises",
            "file": SimpleUploadedFile("a.csv", ("企业名称\n" + "某公司\n" * 50).encode()),
        },
    )
    assert "文件过大" in page.content.decode()


def test_list_page_query_count_is_pinned(demo, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhaoshang.enterprises import services

    c = client_for("office_staff")
    c.get("/enterprises/")
    with CaptureQueriesContext(connection) as few:
        c.get("/enterprises/")
    for i in range(15):
        e = services.enterprise_create(
            actor=None,
            data={"name": f"河西批量测试{i}号企业有限公司", "credit_code": code(300 + i)},
        )
        services.ranking_set(actor=None, enterprise=e, kind="china500", year=2026, rank=i + 1)
    with CaptureQueriesContext(connection) as many:
        c.get("/enterprises/")
    assert len(many) == len(few), "企业列表的查询数随行数增长（N+1）"
    assert len(many) <= 5, [q["sql"][:120] for q in many.captured_queries]


def test_commit_applies_the_checked_rows_and_matches_what_was_registered_meanwhile(
    demo, client_for, django_capture_on_commit_callbacks
):
    from zhaoshang.enterprises import importing, services

    c = client_for("office_staff")
    job = run(c, xlsx(HEADER, ROWS), commit=False, captures=django_capture_on_commit_callbacks)
    assert job.state == "checked" and job.summary["create"] == 3
    assert importing._checked_path(job).exists()
    # A colleague registers one of the file's enterprises between the dry run and the commit.
    meanwhile = services.enterprise_create(
        actor=None, data={"name": "天津甲科技有限公司", "credit_code": code(11)}
    )
    before = Enterprise.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/enterprises/imports/{job.pk}/", {"action": "commit"})
    job.refresh_from_db()
    assert job.state == "done" and job.summary["result"] == {"新增": 2, "更新": 1}
    assert Enterprise.objects.count() == before + 2
    meanwhile.refresh_from_db()
    assert meanwhile.registered_capital == 50000000 and meanwhile.version == 2
    # One audit line per enterprise the import created or changed.
    lines = AuditEvent.objects.filter(detail__startswith="Excel 导入")
    assert lines.filter(action="create").count() == 2 and lines.filter(action="update").count() == 1
    assert not importing._checked_path(job).exists()


def test_commit_reads_the_file_again_when_the_kept_rows_do_not_fit(
    demo, client_for, django_capture_on_commit_callbacks
):
    from zhaoshang.enterprises import importing

    c = client_for("office_staff")
    job = run(c, xlsx(HEADER, ROWS), commit=False, captures=django_capture_on_commit_callbacks)
    kept = importing._checked_path(job)
    kept.write_text("not what the dry run wrote\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/enterprises/imports/{job.pk}/", {"action": "commit"})
    job.refresh_from_db()
    assert job.state == "done" and job.summary["result"] == {"新增": 3}
    assert Enterprise.objects.get(credit_code=code(12)).registered_capital == 12000000


def test_a_large_import_refreshes_the_search_tables_statistics_after_commit(
    committed_db, monkeypatch
):
    from django.db import connection, transaction

    from zhaoshang.enterprises import importing

    monkeypatch.setattr(importing, "SETTLE_ROWS", 3)
    assert importing.settle({"新增": 1, "更新": 1}) is False  # small: autovacuum's job
    assert importing.settle(None) is False  # the import was refused
    with transaction.atomic():
        assert importing.settle({"新增": 5}) is False  # never inside a transaction
    assert importing.settle({"新增": 2, "更新": 1}) is (connection.vendor == "postgresql")


def test_a_row_found_only_by_name_waits_for_the_users_confirmation(
    demo, client_for, django_capture_on_commit_callbacks
):
    from zhaoshang.enterprises import services

    registered = services.enterprise_create(actor=None, data={"name": "深圳市甲乙丙科技有限公司"})
    header = ["企业名称", "统一社会信用代码", "注册资本"]
    rows = [
        ["甲乙丙科技有限公司", "", "3000万元"],  # the same core, no code
        ["深圳市甲乙丙科技有限公司", code(31), "3000万元"],  # a new code; the record has none
    ]
    c = client_for("office_staff")
    count = Enterprise.objects.count()
    job = run(c, xlsx(header, rows), commit=False, captures=django_capture_on_commit_callbacks)
    assert job.state == "checked" and not job.errors
    assert job.summary["confirm"] == 2 and job.summary["create"] == 0
    page = c.get(f"/enterprises/imports/{job.pk}/").content.decode()
    assert "需确认" in page and "深圳市甲乙丙科技有限公司" in page and 'name="confirm2"' in page
    # Committed without a decision: nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/enterprises/imports/{job.pk}/", {"action": "commit"})
    job.refresh_from_db()
    assert job.summary["result"] == {"待确认未导入": 2}
    registered.refresh_from_db()
    assert registered.version == 1 and registered.registered_capital is None
    assert Enterprise.objects.count() == count
    # Confirmed on the dry-run page: row 3 (with the code) is the registered enterprise.
    job = run(
        c,
        xlsx(header, rows),
        captures=django_capture_on_commit_callbacks,
        confirm={"confirm3": str(registered.pk)},
    )
    assert job.summary["result"] == {"更新": 1, "待确认未导入": 1}
    registered.refresh_from_db()
    assert registered.credit_code == code(31) and registered.registered_capital == 30000000
    # Row 2 is another company: the user says so.
    job = run(
        c,
        xlsx(header, rows),
        captures=django_capture_on_commit_callbacks,
        confirm={"confirm2": "new"},
    )
    assert job.summary["result"] == {"新增": 1, "未变化": 1}
    # The same file again: nothing to decide, nothing duplicated.
    count = Enterprise.objects.count()
    again = run(c, xlsx(header, rows), captures=django_capture_on_commit_callbacks)
    assert again.summary["confirm"] == 0 and again.summary["result"] == {"未变化": 2}
    assert Enterprise.objects.count() == count


def test_a_confirmation_for_a_record_not_among_the_candidates_changes_nothing(
    demo, client_for, django_capture_on_commit_callbacks
):
    from zhaoshang.enterprises import services

    services.enterprise_create(actor=None, data={"name": "天津丁戊己科技有限公司"})
    other = Enterprise.objects.exclude(name="天津丁戊己科技有限公司").first()
    c = client_for("office_staff")
    job = run(
        c,
        xlsx(["企业名称", "注册资本"], [["天津丁戊己科技有限公司", "100万元"]]),
        captures=django_capture_on_commit_callbacks,
        confirm={"confirm2": str(other.pk)},
    )
    assert job.state == "checked" and job.errors == [
        [2, "企业名称", "确认的企业已不在候选之中（企业库已有变化），请重新试导入后再确认"]
    ]
    assert not Enterprise.objects.filter(registered_capital=1000000).exists()


def test_a_double_click_on_commit_queues_one_commit(
    demo, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    from zhaoshang.common import queue
    from zhaoshang.enterprises import imports_views, tasks

    c = client_for("office_staff")
    job = run(c, xlsx(HEADER, ROWS), commit=False, captures=django_capture_on_commit_callbacks)
    assert job.state == "checked" and not job.errors
    queued = []
    # What reaches the broker: the task and its arguments.
    monkeypatch.setattr(queue, "send", lambda task, *args: queued.append((task, args)) or True)
    # Two clicks in flight: both requests read the job as checked before either starts it.
    seen = ImportJob.objects.get(pk=job.pk)
    monkeypatch.setattr(imports_views, "get_object_or_404", lambda qs, pk: copy.copy(seen))
    url = f"/enterprises/imports/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        first = c.post(url, {"action": "commit"}, follow=True).content.decode()
        second = c.post(url, {"action": "commit"}, follow=True).content.decode()
    assert queued == [(tasks.commit_import, (job.pk, demo["office_staff"].pk, False, {}))]
    # The first click started it ("已开始导入" is said once the job reached the broker,
    # after the request's transaction, which this test holds open).
    assert "本次操作未重复执行" not in first
    assert "该文件正在导入中（可能重复点击了“确认导入”），本次操作未重复执行" in second
    assert ImportJob.objects.get(pk=job.pk).state == "importing"

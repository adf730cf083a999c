"""The policy library: document numbers as government documents write them, drafts
edited and published, revisions that supersede with the history kept, repeal, search by
industry and keyword, attachments checked as every upload is."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.common.workflow import MoveRefused
from zhaoshang.policies import queries, services
from zhaoshang.policies.models import Policy, Status, normalize_doc_number, validate_doc_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    ["津河西发改〔2020〕13号", "青城政发〔2021〕5号", "津河西金融〔2024〕107号"],
)
def test_document_numbers_as_issued_are_accepted(text):
    validate_doc_number(text)


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("津河西发改[2020]13号", "津河西发改〔2020〕13号"),
        ("津河西发改【2020】13号", "津河西发改〔2020〕13号"),
        ("津河西发改（2020）13号", "津河西发改〔2020〕13号"),
        (" 津河西发改 〔2020〕 13号 ", "津河西发改〔2020〕13号"),
    ],
)
def test_the_brackets_clerks_type_become_six_cornered(typed, normal):
    assert normalize_doc_number(typed) == normal


@pytest.mark.parametrize(
    "text",
    [
        "津河西发改2020-13",
        "〔2020〕13号",
        "津河西发改〔20〕13号",
        "津河西发改〔2020〕第十三号",
        "abc〔2020〕1号",
    ],
)
def test_malformed_document_numbers_are_refused_saying_the_format(text):
    with pytest.raises(ValidationError) as exc:
        validate_doc_number(text)
    assert "津河西发改〔2020〕13号" in exc.value.messages[0]


def draft(actor, **extra):
    data = {
        "title": "测试扶持政策",
        "doc_number": "津河西科〔2025〕9号",
        "measures": "对符合条件的企业给予奖励。",
        "rules": "申报流程……",
        "explanation": "解读……",
        "valid_from": dt.date(2025, 1, 1),
        **extra,
    }
    return services.policy_create(actor=actor, data=data)


def test_a_draft_is_edited_then_published_and_then_only_revised(demo):
    clerk, office = demo["department_staff"], demo["office_staff"]
    policy = draft(clerk)
    assert policy.status == Status.DRAFT and policy.department == clerk.department
    services.policy_update(
        actor=clerk,
        policy=policy,
        data={"title": "测试扶持政策（修改）", "doc_number": policy.doc_number, "measures": "新"},
        version=policy.version,
    )
    with pytest.raises(MoveRefused, match="没有权限"):
        services.policy_publish(actor=clerk, policy=policy)
    services.policy_publish(actor=office, policy=policy)
    policy.refresh_from_db()
    assert policy.status == Status.CURRENT
    with pytest.raises(ValidationError, match="修订"):
        services.policy_update(
            actor=clerk, policy=policy, data={"measures": "偷偷改"}, version=policy.version
        )


def test_a_revision_supersedes_when_published_and_the_history_stays(demo):
    clerk, office = demo["department_staff"], demo["office_staff"]
    first = draft(clerk)
    services.policy_publish(actor=office, policy=first)
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="已用于"):
        services.policy_revise(
            actor=clerk, policy=first, data={"doc_number": first.doc_number, "measures": "x"}
        )
    second = services.policy_revise(
        actor=clerk,
        policy=first,
        data={
            "title": first.title,
            "doc_number": "津河西科〔2026〕2号",
            "measures": "提高奖励标准。",
            "valid_from": dt.date(2026, 1, 1),
        },
    )
    assert second.edition == 2 and second.supersedes == first
    first.refresh_from_db()
    assert first.status == Status.CURRENT  # until the revision is published
    with pytest.raises(ValidationError, match="修订稿"):
        services.policy_revise(actor=clerk, policy=first, data={"measures": "again"})
    services.policy_publish(actor=office, policy=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.REVISED, Status.CURRENT)
    assert [p.pk for p in queries.history(first)] == [first.pk, second.pk]
    assert [p.pk for p in queries.history(second)] == [first.pk, second.pk]
    assert list(first.steps.values_list("to_status", flat=True)) == ["current", "revised"]


def test_repeal_needs_a_reason(demo):
    office = demo["office_staff"]
    policy = draft(office)
    services.policy_publish(actor=office, policy=policy)
    policy.refresh_from_db()
    with pytest.raises(MoveRefused, match="废止原因"):
        services.policy_repeal(actor=office, policy=policy, note="")
    services.policy_repeal(actor=office, policy=policy, note="上位政策调整")
    policy.refresh_from_db()
    assert policy.status == Status.REPEALED


def test_validity_dates_in_order(demo):
    with pytest.raises(ValidationError) as exc:
        draft(demo["office_staff"], valid_until=dt.date(2024, 1, 1))
    assert "有效期至" in str(exc.value)


def test_search_by_industry_and_keyword(demo):
    from zhaoshang.reference.models import KeyIndustry

    office = demo["office_staff"]
    finance, other = KeyIndustry.objects.order_by("pk")[:2]
    a = draft(
        office, title="金融人才奖励办法", doc_number="津河西金融〔2025〕1号", industries=[finance]
    )
    b = draft(
        office,
        title="楼宇经济扶持办法",
        doc_number="津河西商务〔2025〕2号",
        industries=[other],
        measures="房租补贴",
    )
    found = lambda **f: set(queries.for_list(office, **f).values_list("pk", flat=True))  # noqa: E731
    assert a.pk in found(industry=str(finance.pk)) and b.pk not in found(industry=str(finance.pk))
    assert found(q="房租补贴") >= {b.pk} and a.pk not in found(q="房租补贴")
    assert a.pk in found(q="津河西金融〔2025〕1号")


def test_other_units_read_only_published_policies(demo):
    clerk = demo["department_staff"]
    mine = draft(clerk)
    other = demo["department_head"]
    assert mine.pk not in set(queries.readable(other).values_list("pk", flat=True))
    services.policy_publish(actor=demo["office_staff"], policy=mine)
    assert mine.pk in set(queries.readable(other).values_list("pk", flat=True))


def test_an_attachment_that_is_not_what_it_says_is_refused(demo, client_for):
    clerk = demo["department_staff"]
    policy = draft(clerk)
    c = client_for("department_staff")
    fake = SimpleUploadedFile("细则.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = c.post(
        f"/policies/{policy.pk}/attachments/", {"title": "细则", "file": fake}, follow=True
    )
    assert "不是有效的 PDF" in response.content.decode()
    assert not policy.attachments.exists()
    good = SimpleUploadedFile("细则.pdf", b"%PDF-1.4 real", content_type="application/pdf")
    c.post(f"/policies/{policy.pk}/attachments/", {"title": "细则", "file": good})
    assert policy.attachments.count() == 1
    download = c.get(f"/policies/{policy.pk}/attachments/{policy.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_pages_draft_and_publish_through_the_forms(demo, client_for):
    c = client_for("office_staff")
    response = c.post(
        "/policies/new/",
        {
            "title": "表单测试政策",
            "doc_number": "津河西发改[2026]8号",
            "valid_from": "2026-02-01",
            "measures": "奖励",
        },
    )
    policy = Policy.objects.get(title="表单测试政策")
    assert response.status_code == 302 and policy.doc_number == "津河西发改〔2026〕8号"
    bad = c.post(
        "/policies/new/",
        {"title": "坏文号", "doc_number": "2026年8号", "valid_from": "2026-02-01", "measures": "x"},
    )
    assert "格式不正确" in bad.content.decode()
    c.post(f"/policies/{policy.pk}/publish/")
    policy.refresh_from_db()
    assert policy.status == Status.CURRENT
    assert c.get(f"/policies/{policy.pk}/").status_code == 200

"""Clause rules (overlapping years refused, amendments keep history) and the tax
office's operating-data import (errors with row and column, all or nothing, idempotent,
a corrected file supersedes with history kept, the calculation shows what would change)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhaoshang.agreements import importing, services
from zhaoshang.agreements.models import (
    Agreement,
    Calculation,
    IncentiveClause,
    OperatingData,
    OperatingDataImport,
)
from zhaoshang.enterprises.models import Enterprise

# These tests read the demo district's agreements (agreements/demo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]
TODAY = dt.date(2026, 6, 15)
HEADERS = [
    "纳税人名称",
    "统一社会信用代码",
    "税款所属期",
    "全口径税收（元）",
    "区级留成（元）",
    "从业人数",
]


def xlsx(rows, headers=HEADERS, name="2025年重点企业税收.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def run(upload, user, *, commit=True):
    job = importing.store(upload, user=user, source="tax")
    errors, summary = importing.check(job, today=TODAY)
    job.refresh_from_db()
    if commit and not errors:
        importing.commit(job, actor=user, today=TODAY)
        job.refresh_from_db()
    return job, errors, summary


@pytest.fixture
def codes(demo):
    return list(
        Enterprise.objects.exclude(credit_code=None)
        .order_by("pk")
        .values_list("credit_code", flat=True)[:3]
    )


def test_guessed_mapping_reads_the_tax_offices_headers(demo, codes):
    job, errors, _ = run(
        xlsx([["甲", codes[0], "2025-01", 100, 25, 10]]), demo["tax"], commit=False
    )
    assert set(job.mapping.values()) == {
        "enterprise",
        "credit_code",
        "period",
        "tax_total",
        "tax_district",
        "employees",
    }
    assert errors == []


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(demo, codes):
    before = OperatingData.objects.count()
    rows = [
        ["甲", codes[0], "2025-01", 100, 25, 10],  # row 2: fine
        ["乙", "911201030000000000", "2025-01", 100, 25, 10],  # row 3: bad checksum
        ["丙", "91110000100000000X", "2025-01", 100, 25, 10],  # row 4: not in the library?
        ["甲", codes[0], "2025年1月", 100, 25, 10],  # row 5: same enterprise and period as row 2
        ["丁", codes[1], "2025-02", -5, 25, 10],  # row 6: negative
        ["戊", codes[1], "2025-03", "一百", 25, 10],  # row 7: text
        ["己", codes[1], "2099-01", 100, 25, 10],  # row 8: future
        ["庚", codes[1], "2026-06", 100, 25, 10],  # row 9: the current month has not ended
    ]
    job, errors, _ = run(xlsx(rows), demo["tax"])
    by_row = {row: (column, message) for row, column, message in errors}
    assert by_row[3][0] == "统一社会信用代码"
    assert by_row[5][0] == "所属期" and "第 2 行" in by_row[5][1]
    assert by_row[6] == ("全口径税收", "“全口径税收”不能为负数，现为 -5")
    assert by_row[7][0] == "全口径税收" and "应为数字" in by_row[7][1]
    assert "尚未结束" in by_row[8][1] and "尚未结束" in by_row[9][1]
    assert 2 not in by_row
    # A valid code of an enterprise the library does not hold.
    if not Enterprise.objects.filter(credit_code="91110000100000000X").exists():
        assert 4 in by_row
    assert OperatingData.objects.count() == before
    # The commit plans again from the file and refuses the same way.
    assert importing.commit(job, actor=demo["tax"], today=TODAY) is None
    assert OperatingData.objects.count() == before


def test_unknown_credit_code_is_refused(demo):
    from stdnum.cn import uscc

    body = "91120103MA07PYYY9"
    code = body + uscc.calc_check_digit(body)
    assert not Enterprise.objects.filter(credit_code=code).exists()
    _, errors, _ = run(xlsx([["甲", code, "2025-01", 100, 25, 10]]), demo["tax"], commit=False)
    assert errors == [
        [
            2,
            "统一社会信用代码",
            f"统一社会信用代码“{code}”不在企业库中，请核对或先在企业库登记该企业",
        ]
    ]


def test_running_a_file_twice_changes_nothing_and_a_correction_keeps_history(demo, codes):
    rows = [["甲", codes[2], f"2024-{m:02d}", 1000 * m, 250 * m, 30] for m in range(1, 13)]
    job, errors, _ = run(xlsx(rows), demo["tax"])
    assert errors == [] and job.state == OperatingDataImport.State.DONE
    assert job.summary["result"]["新增"] == 12
    count = OperatingData.objects.count()
    job, _, summary = run(xlsx(rows), demo["tax"])
    assert summary == {"new": 0, "corrected": 0, "same": 12}
    assert OperatingData.objects.count() == count
    # The tax office corrects March.
    rows[2][4] = 999
    job, _, summary = run(xlsx(rows, name="更正.xlsx"), demo["tax"])
    assert summary == {"new": 0, "corrected": 1, "same": 11}
    enterprise = Enterprise.objects.get(credit_code=codes[2])
    march = OperatingData.objects.filter(enterprise=enterprise, year=2024, month=3).order_by("pk")
    old, new = list(march)
    assert (old.current, old.tax_district) == (False, Decimal("750.00"))
    assert (new.current, new.tax_district, new.supersedes_id) == (True, Decimal("999.00"), old.pk)
    assert new.batch.file_name == "更正.xlsx" and new.row_number == 4
    # A column the correction leaves out keeps the figure it had.
    assert new.tax_total == old.tax_total


def test_a_correction_after_a_calculation_shows_what_would_change(demo):
    agreement = Agreement.objects.get(project__name="华为天津鲲鹏生态创新中心")
    calc = Calculation.objects.filter(agreement=agreement).latest("pk")
    assert services.calculation_changes(calc) is None
    row = OperatingData.objects.filter(pk__in=calc.inputs, month=5).get()
    code = agreement.enterprise.credit_code
    upload = xlsx(
        [["华为", code, f"{calc.year}-05", None, 0, None]],
        name="区级留成更正.xlsx",
    )
    job = importing.store(upload, user=demo["tax"], source="tax")
    importing.commit(job, actor=demo["tax"], today=dt.date(calc.year + 1, 6, 1))
    changes = services.calculation_changes(calc)
    assert [c.supersedes_id for c in changes["corrected"]] == [row.pk]
    # The clause was capped at 5,000,000; without May it is 12,650,000 − May's figure,
    # still above the cap: the tax share stays, so nothing in the total changes…
    assert changes["new_total"] == calc.total
    # …and the kept calculation still shows the figures it used.
    calc.refresh_from_db()
    assert row.pk in calc.inputs


def test_overlapping_years_are_refused_and_an_amendment_keeps_the_old_clause(demo):
    agreement = Agreement.objects.get(project__name="华为天津鲲鹏生态创新中心")
    share = IncentiveClause.objects.get(agreement=agreement, kind="tax_share")
    data = {
        "kind": "tax_share",
        "title": "重复的财力贡献奖励",
        "first_year": share.last_year,
        "last_year": share.last_year,
        "params": {"rates": [[share.last_year, share.last_year, "0.3"]]},
        "policy_article": "若干措施第三条",
    }
    with pytest.raises(ValidationError) as info:
        services.clause_create(actor=demo["office_staff"], agreement=agreement, data=data)
    assert "年度重叠" in info.value.message_dict["first_year"][0]
    # Rate periods overlapping inside one clause are refused too, naming both periods.
    data |= {"first_year": share.first_year, "last_year": share.last_year}
    data["params"] = {
        "rates": [
            [share.first_year, share.first_year + 2, "1"],
            [share.first_year + 2, share.last_year, "0.5"],
        ]
    }
    with pytest.raises(ValidationError) as info:
        services.clause_amend(
            actor=demo["office_staff"], clause=share, supplementary=agreement, data=data
        )
    assert "请选择该协议的补充协议" in str(info.value)
    supplementary = services.agreement_create(
        actor=demo["office_staff"],
        data={
            "kind": "supplementary",
            "number": "补充-001",
            "title": "补充协议",
            "project": agreement.project,
            "parent": agreement,
            "parties": agreement.parties,
            "signed_on": agreement.signed_on,
            "term_start": agreement.term_start,
            "term_end": agreement.term_end,
        },
    )
    with pytest.raises(ValidationError) as info:
        services.clause_amend(
            actor=demo["office_staff"], clause=share, supplementary=supplementary, data=data
        )
    assert "第 2 段与第 1 段年度重叠" in str(info.value)
    data["params"] = {
        "rates": [
            [share.first_year, share.first_year + 1, "1"],
            [share.first_year + 2, share.last_year, "0.6"],
        ]
    }
    new = services.clause_amend(
        actor=demo["office_staff"], clause=share, supplementary=supplementary, data=data
    )
    share.refresh_from_db()
    assert share.superseded_by_id == new.pk and new.amended_in_id == supplementary.pk
    assert list(
        IncentiveClause.objects.in_force().filter(agreement=agreement, kind="tax_share")
    ) == [new]

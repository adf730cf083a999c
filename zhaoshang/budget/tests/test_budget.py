"""The promotion budget: finance sets a line, adjusts it by recorded entries, units post
spending to it; the balance holds (also against two postings at once), the unit and
finance are warned once at 90%, and each unit sees its own lines. Fixed dates only."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from zhaoshang.budget import queries, services
from zhaoshang.budget.models import BudgetAdjustment, BudgetLine, Spending
from zhaoshang.notifications.models import Notification
from zhaoshang.org.models import Department

from .factories import line

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 12)


def _post(demo, amount, unit="区商务局", category="publicity", **extra):
    data = {
        "actor": demo["department_head"],
        "department": Department.objects.get(name=unit),
        "year": 2026,
        "category": category,
        "amount": Decimal(amount),
        "occurred_on": DAY,
        "summary": "上海专场推介会场地费",
    } | extra
    return services.spending_post(**data)


def test_balance_and_execution_rate_follow_spending_and_adjustments(demo):
    budget = line(approved="100000.00")
    _post(demo, "30000.00")
    _post(demo, "20000.50")
    budget.refresh_from_db()
    assert (budget.total, budget.spent, budget.balance) == (
        Decimal("100000.00"),
        Decimal("50000.50"),
        Decimal("49999.50"),
    )
    assert budget.rate == Decimal("0.5000050")
    # An adjustment is an entry with its reason; the approved amount is never rewritten.
    services.line_adjust(
        actor=demo["finance"], line=budget, amount=Decimal("50000"), reason="区财政追加预算"
    )
    budget.refresh_from_db()
    assert (budget.approved, budget.adjusted, budget.total) == (
        Decimal("100000.00"),
        Decimal("50000.00"),
        Decimal("150000.00"),
    )
    assert list(BudgetAdjustment.objects.values_list("amount", "reason")) == [
        (Decimal("50000.00"), "区财政追加预算")
    ]
    # A reduction may not take the line below what is spent.
    with pytest.raises(ValidationError, match="调减后科目金额将低于已支出"):
        services.line_adjust(
            actor=demo["finance"], line=budget, amount=Decimal("-100000"), reason="压减"
        )
    with pytest.raises(ValidationError, match="请填写调整理由"):
        services.line_adjust(actor=demo["finance"], line=budget, amount=Decimal("1"), reason=" ")


def test_spending_past_the_balance_is_refused_and_nothing_changes(demo):
    budget = line(approved="125000.00")
    _post(demo, "100000.00")
    with pytest.raises(ValidationError) as refused:
        _post(demo, "150000.00")
    assert refused.value.message_dict["amount"] == [
        "超出经费余额：科目余额 2.50 万元，本次支出 15.00 万元。"
    ]
    budget.refresh_from_db()
    assert budget.spent == Decimal("100000.00")
    assert Spending.objects.count() == 1
    # Exactly the balance fits.
    _post(demo, "25000.00")
    budget.refresh_from_db()
    assert budget.balance == 0


def test_no_line_for_the_year_and_category_says_which(demo):
    line(category="publicity")
    with pytest.raises(
        ValidationError, match="区商务局 2026 年度未设“奖励”经费科目，请先由财政部门设立"
    ):
        _post(demo, "100.00", category="rewards")
    with pytest.raises(ValidationError, match="未设“宣传推介”经费科目"):
        _post(demo, "100.00", year=2027)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "支出金额应大于零"), ("-5", "支出金额应大于零"), ("1.005", "最多保留两位小数")],
)
def test_a_bad_amount_is_refused(demo, amount, message):
    line()
    with pytest.raises(ValidationError, match=message):
        _post(demo, amount)


def test_a_line_is_set_once_per_unit_year_and_category(demo):
    line()
    with pytest.raises(ValidationError, match="已设“宣传推介”经费科目；如需增减金额"):
        line()
    line(year=2027)  # another year is another line
    line(category="outbound")
    assert BudgetLine.objects.count() == 3


def test_the_unit_and_finance_are_warned_once_at_90_percent(demo):
    budget = line(approved="100000.00")
    _post(demo, "89999.99")
    assert not Notification.objects.filter(kind="budget_warning").exists()
    _post(demo, "0.01")  # exactly 90%
    warned = Notification.objects.filter(kind="budget_warning")
    # The unit's budget readers (the head posted it, so is not told of their own act)
    # and finance.
    assert list(warned.values_list("recipient__username", flat=True)) == ["finance_clerk"]
    assert warned[0].title == "经费预警：区商务局 2026 年度“宣传推介”已执行 90.0%"
    assert "余额 1.00 万元" in warned[0].body
    _post(demo, "1000.00")
    assert warned.count() == 1  # once, not at every later posting
    # Money added brings it below 90%: the next crossing warns again.
    services.line_adjust(
        actor=demo["finance"], line=budget, amount=Decimal("100000"), reason="追加"
    )
    _post(demo, "90000.00", actor=demo["office_staff"])
    budget.refresh_from_db()
    assert sorted(
        warned.filter(title__endswith="90.5%").values_list("recipient__username", flat=True)
    ) == [
        "dept_head",
        "finance_clerk",
    ]


def test_a_unit_sees_its_own_lines_finance_and_leaders_see_all(demo):
    own = line(unit="区科技局")
    line(unit="区商务局")
    services.spending_post(
        actor=demo["department_staff"],
        department=own.department,
        year=2026,
        category="publicity",
        amount=Decimal("500"),
        occurred_on=DAY,
        summary="宣传册印制",
    )
    assert list(queries.lines(demo["department_staff"])) == [own]
    assert queries.lines(demo["finance"]).count() == 2
    assert queries.lines(demo["leader"]).count() == 2
    assert queries.spendings(demo["street_staff"]).count() == 0
    assert queries.spendings(demo["finance"]).count() == 1


def test_spending_for_returns_what_a_record_posted(demo):
    line(category="rewards")
    source = Department.objects.get(name="区金融局")  # any saved record will do
    entry = _post(demo, "8000.00", category="rewards", source=source)
    _post(demo, "100.00", category="rewards")
    assert list(services.spending_for(source)) == [entry]
    assert entry.source_type.model == "department" and entry.source_id == source.pk


def test_a_voucher_is_checked_and_kept(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    line()
    fake = SimpleUploadedFile("发票.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是有效的 PDF 文件"):
        _post(demo, "100.00", voucher=fake)
    assert Spending.objects.count() == 0
    real = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 voucher", content_type="application/pdf")
    entry = _post(demo, "100.00", voucher=real)
    assert entry.voucher.name.startswith("budget/vouchers/")
    assert entry.voucher.read() == b"%PDF-1.4 voucher"


def test_a_reversal_gives_the_money_back_and_keeps_both_entries(demo):
    budget = line(approved="1000.00")
    entry = _post(demo, "800.00")
    services.spending_reverse(actor=demo["finance"], spending=entry, reason="重复登记", today=DAY)
    budget.refresh_from_db()
    assert budget.spent == 0
    assert sorted(Spending.objects.values_list("amount", flat=True)) == [
        Decimal("-800.00"),
        Decimal("800.00"),
    ]
    with pytest.raises(ValidationError, match="该支出已冲销"):
        services.spending_reverse(actor=demo["finance"], spending=entry, reason="再次")


def _waiting_on_a_lock():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0]


def test_two_postings_at_once_cannot_both_pass_the_balance(demo, committed_db):
    """Two connections each post 60,000 against a 100,000 line: the second waits on the
    first's lock, then finds the balance too small. Without the lock both would read
    100,000 left and pass."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite 同一时刻只有一个写入者（IMMEDIATE 事务），这种竞争在 SQLite 上不会发生")
    budget = line(approved="100000.00")
    first_in, release, errors = threading.Event(), threading.Event(), []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - checked below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def first():
        with transaction.atomic():
            _post(demo, "60000.00")
            first_in.set()
            release.wait(10)  # hold the posting uncommitted while the second comes

    def second():
        _post(demo, "60000.00")

    a, b = in_thread(first), in_thread(second)
    a.start()
    assert first_in.wait(10), errors
    b.start()
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    blocked = _waiting_on_a_lock()
    release.set()
    a.join(10)
    b.join(10)
    assert blocked, "the second posting never met the first: no race took place"
    assert len(errors) == 1 and "超出经费余额" in str(errors[0])
    budget.refresh_from_db()
    assert budget.spent == Decimal("60000.00")
    assert Spending.objects.count() == 1

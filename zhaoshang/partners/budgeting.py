"""The one place partners post spending to the promotion budget (M24).

Paid finder rewards go to the paying unit's 奖励 line, agency fees to its 委托招商费 line,
through the budget module's ``spending_post``; its refusals (no such line, past the
balance) are ValidationErrors with a Chinese message, and the payment is then refused
with it: the caller runs inside the payment's transaction, so nothing is half-done."""

import datetime as dt
from decimal import Decimal
from typing import Any

REWARDS = "rewards"
AGENCY_FEES = "agency_fees"


def post_spending(
    *,
    actor: Any,
    department: Any,
    category: str,
    amount: Decimal,
    occurred_on: dt.date,
    summary: str,
    source: Any,
) -> Any:
    """Post ``amount`` to ``department``'s ``category`` line of ``occurred_on``'s year;
    returns the Spending row."""
    from zhaoshang.budget.services import spending_post

    return spending_post(
        actor=actor,
        department=department,
        year=occurred_on.year,
        category=category,
        amount=amount,
        occurred_on=occurred_on,
        summary=summary,
        source=source,
    )

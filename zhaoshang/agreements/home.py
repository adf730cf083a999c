"""Home-page card: the disbursement steps waiting for this user (each party its own
queue: the tax office its data to confirm, the office the meeting, finance the
allocation, the responsible department the payment)."""

from zhaoshang.org.home import card
from zhaoshang.org.roles import CONFIRM_OPERATING_DATA, VIEW_DISBURSEMENT

from . import queries


def _queue_card(user):
    items = queries.queue(user)
    if not items:
        return None
    data_page = not user.has_perm(VIEW_DISBURSEMENT)
    return {
        "title": "奖励兑现待办",
        "lines": [(label, f"{n} 件") for label, n, _ in items],
        "link": (
            "agreements:data_queue" if data_page else "agreements:disbursement_list",
            "进入兑现办理",
        ),
    }


@card(VIEW_DISBURSEMENT, order=35)
def disbursement_queue(user):
    return _queue_card(user)


@card(CONFIRM_OPERATING_DATA, order=36)
def data_confirmation_queue(user):
    # The tax office (no amounts): its own card, shown only when the first is not.
    if user.has_perm(VIEW_DISBURSEMENT):
        return None
    return _queue_card(user)

"""The home-page card: rewards waiting for the reader's step (approve, pay)."""

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries


@card(roles.VIEW_REWARDS, order=60)
def rewards_waiting(user):
    counts = queries.waiting_counts(user)
    lines = [(label, f"{n} 件") for label, n in counts]
    return {
        "title": "中介奖励（论功行赏）",
        "lines": lines,
        "link": ("partners:reward_list", "进入中介奖励"),
    }

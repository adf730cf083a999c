"""The home-page card: the user's own unit's events this year against its quota."""

from django.utils import timezone

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries


@card(roles.VIEW_EVENT, order=38)
def event_quota(user):
    today = timezone.localdate()
    row = queries.quota_of(user.department, today.year, today)
    if row is None:
        return None
    state = "已完成" if row["met"] else f"尚差 {row['missing']} 场"
    lines = [
        ("年度指标", f"{row['quota']} 场（{row['source']}）"),
        ("已举办", f"{row['held']} 场"),
        ("已安排未举办", f"{row['planned']} 场"),
        ("完成情况", state),
    ]
    return {
        "title": f"本单位{today.year}年招商推介活动：{state}",
        "lines": lines,
        "link": ("events:event_list", "进入推介活动"),
    }

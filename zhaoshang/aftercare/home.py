"""The home-page card: the user's own unit's overdue service tickets, listed."""

from django.utils import timezone

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries


@card(roles.VIEW_AFTERCARE, order=35)
def overdue_tickets(user):
    today = timezone.localdate()
    rows, total = queries.overdue_for_unit(user, today)
    lines = [
        (f"{r['number']} {r['enterprise__name']}", f"{r['title']}（期限{r['due_on']:%-m月%-d日}）")
        for r in rows
    ]
    if total > len(rows):
        lines.append(("……", f"共 {total} 件，其余见逾期清单"))
    if not lines:
        lines = [("本单位超期诉求", "0 件")]
    return {
        "title": f"本单位超期企业诉求（{total} 件）",
        "lines": lines,
        "link": ("aftercare:ticket_list", "进入企业诉求"),
    }

"""The home-page card for leads: my unit's leads, incoming pushes, the pool."""

from zhaoshang.org import roles
from zhaoshang.org.home import card


@card(roles.VIEW_PIPELINE, order=50)
def leads_card(user):
    from . import queries

    mine = queries.leads(user).filter(pooled_at__isnull=True).count()
    lines = [
        ("跟进中的线索", f"{mine} 条"),
        ("待处理的推送和合作请求", f"{queries.incoming_pending_count(user)} 条"),
        ("公海线索", f"{queries.pool(user).count()} 条"),
    ]
    return {"title": "线索", "lines": lines, "link": ("pipeline:lead_list", "查看线索")}

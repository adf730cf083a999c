from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries

COUNTS_SECONDS = 300


@card(roles.VIEW_ENTERPRISES, order=20)
def library(user):
    # Counting a million-row library on every home page would cost a quarter second:
    # the counts are kept five minutes, and the card says as of when.
    key = f"zs:home:enterprises:{user.department_id}"
    stats = cache.get(key)
    if stats is None:
        stats = queries.library(user).aggregate(
            total=Count("pk"),
            targets=Count("pk", filter=Q(status="target")),
            local=Count("pk", filter=Q(status="local")),
            mine=Count("pk", filter=Q(department=user.department_id)),
        )
        stats["at"] = timezone.localtime().strftime("%H:%M")
        cache.set(key, stats, COUNTS_SECONDS)
    return {
        "title": "企业库",
        "lines": [
            ("企业总数", f"{stats['total']:,} 家"),
            ("目标企业", f"{stats['targets']:,} 家"),
            ("已落地企业", f"{stats['local']:,} 家"),
            ("本单位跟进", f"{stats['mine']:,} 家"),
            ("统计时间", stats["at"]),
        ],
        "link": ("enterprises:enterprise_list", "进入企业库"),
    }

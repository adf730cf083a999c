from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from zhaoshang.org import roles
from zhaoshang.org.home import card

from ..models import ACTIVE_STAGES, Problem, Stage
from . import queries

COUNTS_SECONDS = 300


@card(roles.VIEW_PIPELINE, order=30)
def projects(user):
    # Counted once per unit every five minutes, like the library card; the card says when.
    key = f"zs:home:pipeline:{user.pk}"
    stats = cache.get(key)
    if stats is None:
        today = timezone.localdate()
        stats = queries.projects(user).aggregate(
            leads=Count("pk", filter=Q(stage=Stage.LEAD)),
            active=Count("pk", filter=Q(stage__in=ACTIVE_STAGES) & ~Q(stage=Stage.LEAD)),
            signed=Count("pk", filter=Q(signed_on__year=today.year)),
            overdue=Count("pk", filter=queries.overdue_q(queries.ledger_cutoff(today))),
        )
        stats["problems"] = (
            Problem.objects.for_user(user)
            .filter(status=Problem.Status.OPEN, due_on__lt=today)
            .count()
        )
        stats["at"] = timezone.localtime().strftime("%H:%M")
        cache.set(key, stats, COUNTS_SECONDS)
    return {
        "title": "项目推进",
        "lines": [
            ("在谈线索", f"{stats['leads']:,} 个"),
            ("在推项目", f"{stats['active']:,} 个"),
            ("今年签约", f"{stats['signed']:,} 个"),
            ("台账逾期", f"{stats['overdue']:,} 个"),
            ("超期未办结问题", f"{stats['problems']:,} 个"),
            ("统计时间", stats["at"]),
        ],
        "link": ("pipeline:kanban", "进入项目看板"),
    }

from django.db.models import Count, Q

from zhaoshang.org.home import card

from . import queries


@card("enterprises.view_enterprise_library", order=20)
def library(user):
    stats = queries.library(user).aggregate(
        total=Count("pk"),
        targets=Count("pk", filter=Q(status="target")),
        local=Count("pk", filter=Q(status="local")),
        mine=Count("pk", filter=Q(department=user.department_id)),
    )
    return {
        "title": "企业库",
        "lines": [
            ("企业总数", f"{stats['total']} 家"),
            ("目标企业", f"{stats['targets']} 家"),
            ("已落地企业", f"{stats['local']} 家"),
            ("本单位跟进", f"{stats['mine']} 家"),
        ],
        "link": ("enterprises:enterprise_list", "进入企业库"),
    }

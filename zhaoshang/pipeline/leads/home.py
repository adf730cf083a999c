"""The home-page card for leads: my unit's leads, incoming pushes, the pool."""

from zhaoshang.org.home import card


@card("pipeline.view_pipeline", order=50)
def leads_card(user):
    from . import queries as lead_queries

    mine = lead_queries.leads(user).filter(pooled_at__isnull=True).count()
    lines = [
        ("跟进中的线索", f"{mine} 条"),
        ("待处理的推送和合作请求", f"{lead_queries.incoming_pending_count(user)} 条"),
        ("公海线索", f"{lead_queries.pool(user).count()} 条"),
    ]
    return {"title": "线索", "lines": lines, "link": ("pipeline:lead_list", "查看线索")}


# The project page (views.project_detail) shows this section: where the project came
# from and who holds it, with the way to the lead page's push / claim / reassign.
from ..projects import sections  # noqa: E402


@sections.section(order=20)
def lead_section(request, project):
    from ..models import LeadPush

    pending = (
        LeadPush.objects.pending()
        .filter(project=project)
        .select_related("from_department", "to_department")
        .first()
    )
    return {
        "title": "来源与归属",
        "template": "pipeline/leads/section.html",
        "context": {"project": project, "pending": pending},
    }

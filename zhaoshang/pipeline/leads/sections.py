"""What the leads part adds to the project page. ``PipelineConfig.ready`` registers it with
``projects.sections``, so projects never import this part."""

from ..models import LeadPush


# The project page (projects.views.project_detail) shows this section: where the project came
# from and who holds it, with the way to the lead page's push / claim / reassign.
def lead_section(request, project):
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

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        # Home cards (projects, leads, approvals), the leads' nightly lapse job, and the
        # approvals' project-page sections and signing guard register on import.
        from zhaoshang.enterprises.services import register_merge

        from . import approval_views, home, lead_home, lead_services, lead_tasks  # noqa: F401
        from .models import Project

        # Merging two enterprises moves their projects through the pipeline's own rules.
        register_merge(Project, lead_services.projects_enterprise_merge)

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        # Home cards (projects, leads, approvals), the leads' nightly lapse job, and the
        # approvals' project-page sections and signing guard register on import.
        from zhaoshang.enterprises.services import register_merge

        from .approvals import views as approval_views  # noqa: F401
        from .leads import home as lead_home  # noqa: F401
        from .leads import services as lead_services
        from .leads import tasks as lead_tasks  # noqa: F401
        from .models import Project
        from .projects import home  # noqa: F401

        # Merging two enterprises moves their projects through the pipeline's own rules.
        register_merge(Project, lead_services.projects_enterprise_merge)

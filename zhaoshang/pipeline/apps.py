from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        # Leads: the home card and the nightly lapse job register on import.
        from . import lead_home, lead_tasks  # noqa: F401

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        # Home cards (projects, leads) and the leads' nightly lapse job register on import.
        from . import home, lead_home, lead_tasks  # noqa: F401

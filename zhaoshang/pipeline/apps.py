from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        # Admission evaluation and tailored terms: project-page sections, timeline items,
        # the home card, and the signing guard.
        from . import approval_views  # noqa: F401

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        from . import home  # noqa: F401  (the projects home-page card)

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhaoshang.assessment"
    verbose_name = "目标考核"

    def ready(self):
        from . import importing  # noqa: F401  (registers the target import)

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhaoshang.assessment"
    verbose_name = "目标考核"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import importing  # noqa: F401  (registers the target import)

        # Every app's ``indicators`` module registers the figures it owns (registry.py).
        autodiscover_modules("indicators")

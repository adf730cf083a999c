from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "zhaoshang.chains"
    verbose_name = "产业链招商"

    def ready(self):
        from . import importing  # noqa: F401  (registers the chain import)

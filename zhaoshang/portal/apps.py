from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhaoshang.portal"
    verbose_name = "门户网站"

    def ready(self):
        from . import tasks  # noqa: F401  (the worker's job that turns enquiries into leads)

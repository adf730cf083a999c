from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhaoshang.portal"
    verbose_name = "门户网站"

    def ready(self):
        from zhaoshang.enterprises.services import register_merge

        from . import tasks  # noqa: F401  (the worker's job that turns enquiries into leads)
        from .models import Showcase
        from .services import showcases_enterprise_merge

        # An enterprise merged into another keeps its consent to be shown.
        register_merge(Showcase, showcases_enterprise_merge)

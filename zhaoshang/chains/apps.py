from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "zhaoshang.chains"
    verbose_name = "产业链招商"

    def ready(self):
        from zhaoshang.enterprises.services import register_merge

        from . import importing  # noqa: F401  (registers the chain import)
        from .models import Placement
        from .services import chains_enterprise_merge

        # An enterprise merge moves its places on the chains with it.
        register_merge(Placement, chains_enterprise_merge)

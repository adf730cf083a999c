from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhaoshang.enterprises"
    verbose_name = "企业库"

    def ready(self):
        from . import home  # noqa: F401  (registers the home-page card)

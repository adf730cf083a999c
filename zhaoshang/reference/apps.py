from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "zhaoshang.reference"
    verbose_name = "基础数据"

    def ready(self):
        from . import (
            home,  # noqa: F401  (registers the home-page cards)
            imports,  # noqa: F401  (registers the carrier import)
        )

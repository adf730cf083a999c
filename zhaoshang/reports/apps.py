from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhaoshang.reports"
    verbose_name = "统计月报"

    def ready(self):
        from . import home  # noqa: F401  (registers the home-page cards)

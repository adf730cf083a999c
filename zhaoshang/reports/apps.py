from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhaoshang.reports"
    verbose_name = "统计月报"

    def ready(self):
        from zhaoshang.pipeline.projects import funds

        from . import home  # noqa: F401  (registers the home-page cards)
        from .services import funds_recount

        # The monthly funds sums (FundsMonth) follow every write that can change the
        # counted funds: entries added or deleted, a project dropped, a lead handed over.
        funds.register_watcher(funds_recount)

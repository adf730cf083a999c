from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """Agreements, commitments, operating data, incentive clauses, the calculation,
    disbursement and clawback (M13, M14)."""

    name = "zhaoshang.agreements"
    verbose_name = "协议与奖励兑现"

    def ready(self):
        # Home-page cards register with org.home's @card when imported; Celery's
        # autodiscovery finds ``agreements.tasks`` by itself.
        from . import home  # noqa: F401

from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """Agreements, commitments, operating data, incentive clauses, the calculation,
    disbursement and clawback (M13, M14)."""

    name = "zhaoshang.agreements"
    verbose_name = "协议与奖励兑现"

    def ready(self):
        # Home-page cards register with org.home's @card when imported; Celery's
        # autodiscovery finds ``agreements.tasks`` by itself.
        from zhaoshang.enterprises.services import register_merge

        from . import home  # noqa: F401
        from .models import Agreement, OperatingData
        from .services import agreements_enterprise_merge

        # An enterprise merge moves the agreements and figures with it (or is refused).
        for model in (Agreement, OperatingData):
            register_merge(model, agreements_enterprise_merge)

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Intermediaries, chambers, advisors and commissioned agencies; referrals; finder
    rewards and agency fees (issue 16, M21)."""

    name = "zhaoshang.partners"
    verbose_name = "中介与引荐"

    def ready(self):
        from . import home  # noqa: F401 - the home-page card registers itself

from django.apps import AppConfig


class AftercareConfig(AppConfig):
    """Service tickets, visits and expansion (issue 13). Tickets keep their deadlines in
    the engine the pipeline's problems share (common/deadlines.py), registered here."""

    name = "zhaoshang.aftercare"
    verbose_name = "企业服务"

    def ready(self):
        from zhaoshang.common import deadlines

        from . import (
            home,  # noqa: F401 - the home-page card registers itself
            tasks,  # noqa: F401
        )
        from .workflow import TICKET_CLOCK

        deadlines.register(TICKET_CLOCK)

        # Merging two enterprises moves their tickets, visits and expansions.
        from zhaoshang.enterprises.services import register_merge

        from .models import Expansion, KeyEnterprise, Ticket, Visit
        from .services import aftercare_enterprise_merge

        for model in (Ticket, Visit, Expansion, KeyEnterprise):
            register_merge(model, aftercare_enterprise_merge)

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """Investors' complaints, handled by the discipline office; typical cases. Their time
    limits run in the deadline engine (common/deadlines.py), registered here."""

    name = "zhaoshang.complaints"
    verbose_name = "投诉处理"

    def ready(self):
        from zhaoshang.common import deadlines

        from .workflow import COMPLAINT_CLOCK

        deadlines.register(COMPLAINT_CLOCK)

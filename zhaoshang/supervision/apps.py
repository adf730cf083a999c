from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision items (督办事项, M18): raised by the supervision office, answered by the
    responsible department, closed after review; their time limits run in the deadline
    engine (common/deadlines.py), registered here."""

    name = "zhaoshang.supervision"
    verbose_name = "督查督办"

    def ready(self):
        from zhaoshang.common import deadlines

        from . import home  # noqa: F401 - registers the home-page cards
        from .workflow import ITEM_CLOCK

        deadlines.register(ITEM_CLOCK)

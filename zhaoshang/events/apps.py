from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Promotion events and each unit's yearly quota of them (issue 16, M20)."""

    name = "zhaoshang.events"
    verbose_name = "招商推介活动"

    def ready(self):
        from zhaoshang.pipeline.projects import sections

        from . import (
            home,  # noqa: F401 - the home-page card registers itself
            tasks,  # noqa: F401
        )
        from .sections import event_section

        # The lead's (project's) page shows the event it came from.
        sections.register_section(event_section, order=25)
        # The work bulletin counts the period's events.
        from zhaoshang.reports import bulletins

        from .bulletin import events_section

        if events_section not in bulletins.SECTIONS:
            bulletins.register_section(events_section)

"""What events add to a project's (lead's) page: the event it came from."""

from . import queries


def event_section(request, project):
    event = queries.event_of_lead(project)
    if event is None:
        return None
    return {
        "title": "来源活动",
        "template": "events/lead_section.html",
        "context": {"event": event},
    }

"""The events section of the work bulletin (reports/bulletins.py): how many promotion
events the district's units held in the period, by type, and the leads they produced."""

from django.db.models import Count

from .models import Event, EventLead, EventType


def events_section(start, end):
    held = Event.objects.filter(starts_on__gte=start, starts_on__lte=end)
    by_type = dict(held.values_list("event_type").annotate(n=Count("pk")).order_by())
    total = sum(by_type.values())
    if not total:
        return None
    kinds = "、".join(
        f"{label}{by_type[value]}场" for value, label in EventType.choices if by_type.get(value)
    )
    units = held.values("organiser").distinct().count()
    leads = EventLead.objects.filter(event__in=held).count()
    return {
        "title": "招商推介活动",
        "paragraphs": [
            f"{units}个单位共举办招商推介活动{total}场（{kinds}），活动中接洽形成线索{leads}条。"
        ],
    }

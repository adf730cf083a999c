"""Who was responsible for a project on a given day (counting rule 2).

A project belongs to its ``department`` throughout unless it changed hands; the few
that did have ``OwnerChange`` rows besides their registration. Reports attribute their
events by these, and so does the projects' own funnel.
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from ..models import OwnerChange

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(moment):
    return moment.astimezone(SHANGHAI).date()


def multi_owner_projects():
    """Projects whose responsible unit ever changed: an owner change besides the
    registration (a partial index holds just these). Every other project belongs to its
    ``department`` throughout."""
    return OwnerChange.objects.exclude(kind=OwnerChange.Kind.REGISTER).values("project")


class Owners:
    """Owner history of the reassigned projects: who was responsible on a date."""

    def __init__(self, project_ids_query):
        self.history = defaultdict(list)
        rows = (
            OwnerChange.objects.filter(project__in=project_ids_query)
            .order_by("project_id", "at", "id")
            .values_list("project_id", "at", "to_department_id")
        )
        for pid, at, unit in rows:
            self.history[pid].append((local_date(at), unit))

    def unit_on(self, project_id, day, default):
        rows = self.history.get(project_id)
        if not rows:
            return default
        unit = rows[0][1]  # before the first owner row: the registering unit (rule 2)
        for start, to_unit in rows:
            if start > day:
                break
            unit = to_unit
        return unit

"""What other parts of the system add to a project's page.

The project page shows its own stages, ledger, problems and funds; evaluations,
tailored-terms approvals (and later agreements, tickets, complaints) register here
instead of the page importing every module.

``register_section(fn, order=…)`` adds ``fn(request, project) -> dict | None``; the dict
has ``title``, ``template`` and ``context``, and None hides the section for this user.
The template is rendered with that context plus ``request``, ``user``, ``perms`` and
``csrf_token``; the page's context processors are not run again for it.
``register_timeline(fn)`` adds ``fn(project) -> iterable of TimelineItem``, merged into
the page's timeline by date.

Registration is explicit, in the owning app's ``AppConfig.ready`` (the pipeline's leads
and approvals: ``PipelineConfig.ready``), never a side effect of importing a module, so
the page shows the same sections whichever modules a process happened to import.
"""

from dataclasses import dataclass
from datetime import date, datetime

SECTIONS = []
TIMELINES = []


@dataclass(frozen=True)
class TimelineItem:
    when: date | datetime
    kind: str  # the Chinese label of what happened, e.g. "准入评估"
    text: str
    url: str = ""


def register_section(fn, *, order=100):
    # Idempotent: a second ready() (some test runners and management commands call it
    # again) must not show a section twice.
    if all(f is not fn for _, f in SECTIONS):
        SECTIONS.append((order, fn))
        SECTIONS.sort(key=lambda item: item[0])
    return fn


def register_timeline(fn):
    if fn not in TIMELINES:
        TIMELINES.append(fn)
    return fn


def sections_for(request, project):
    return [s for _, fn in SECTIONS if (s := fn(request, project))]


def timeline_for(project):
    return [item for fn in TIMELINES for item in fn(project)]

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    """One app (label ``pipeline``) in three parts: ``projects``, ``leads``, ``approvals``.

    Projects import neither of the others (``tests/test_rooms.py`` guards it); leads and
    approvals add to projects only through the hooks projects offers, and all of that is
    wired here, in one place, rather than as a side effect of importing some module."""

    name = "zhaoshang.pipeline"
    verbose_name = "线索和项目"

    def ready(self):
        from zhaoshang.enterprises.services import register_merge

        from .approvals import demo as approval_demo
        from .approvals import home as approval_home  # noqa: F401
        from .approvals import sections as approval_sections
        from .approvals import services as approval_services
        from .leads import home as lead_home  # noqa: F401
        from .leads import sections as lead_sections
        from .leads import services as lead_services

        # Home-page cards register with org.home's @card when their module is imported.
        # Celery's autodiscovery imports ``<app>.tasks`` only: the parts' job modules are
        # imported here so the worker (and beat's schedule) knows their tasks.
        from .leads import tasks as lead_tasks  # noqa: F401
        from .models import Project, Stage
        from .projects import demo as project_demo
        from .projects import home as project_home  # noqa: F401
        from .projects import sections, workflow
        from .projects import tasks as project_tasks  # noqa: F401

        # The project page: where the project came from and who holds it (leads), its
        # admission evaluation and tailored terms (approvals).
        sections.register_section(lead_sections.lead_section, order=20)
        sections.register_section(approval_sections.evaluation_section, order=60)
        sections.register_section(approval_sections.terms_section, order=70)
        sections.register_timeline(approval_sections.evaluation_timeline)

        # Signing waits for the admission above the evaluation size and for the executive
        # meeting's approval of tailored terms.
        workflow.register_check(Stage.SIGNED, approval_services.evaluation_missing)
        workflow.register_check(Stage.SIGNED, approval_services.terms_unapproved)
        project_demo.register_before_signing(approval_demo.demo_admit_before_signing)

        # Problems keep their deadlines and escalate through the engine service tickets
        # share (common/deadlines.py): the beat job escalates them when overdue, and a
        # calendar edit recounts them.
        from zhaoshang.common import deadlines

        from .projects.problem_workflow import PROBLEM_CLOCK

        deadlines.register(PROBLEM_CLOCK)

        # Merging two enterprises moves their projects through the pipeline's own rules.
        register_merge(Project, lead_services.projects_enterprise_merge)

"""What admission evaluation and tailored terms add to the project page: a section each
and their steps on the page's timeline. ``PipelineConfig.ready`` registers them with
``projects.sections``, so projects never import this part."""

from django.urls import reverse

from zhaoshang.common import formats
from zhaoshang.org import roles

from ..models import PipelineConfig
from ..projects import sections
from . import queries, services, workflow


def evaluation_section(request, project):
    evaluations = list(queries.project_evaluations(project))
    threshold = PipelineConfig.current().evaluation_threshold
    return {
        "title": "准入评估",
        "template": "pipeline/approvals/section_evaluation.html",
        "context": {
            "project": project,
            "evaluations": evaluations,
            "missing": services.evaluation_missing(project, {}),
            "threshold": formats.wan_text(threshold),
            "may_start": request.user.has_perm(roles.COORDINATE_PIPELINE)
            and not any(e.decision == "" for e in evaluations),
        },
    }


def terms_section(request, project):
    approval = queries.project_approvals(project).first()
    return {
        "title": "一企一策",
        "template": "pipeline/approvals/section_terms.html",
        "context": {"project": project, "approval": approval},
    }


def evaluation_timeline(project):
    from ..models import TermsStep

    for e in project.evaluations.select_related("template"):
        yield sections.TimelineItem(
            e.created_at,
            "准入评估",
            f"发起准入评估（{e.template}）",
            reverse("pipeline:evaluation_detail", args=[e.pk]),
        )
        if e.decision:
            yield sections.TimelineItem(
                e.decided_on,
                "准入评估",
                f"评估结论：{e.get_decision_display()}，综合得分{e.total}分",
                reverse("pipeline:evaluation_detail", args=[e.pk]),
            )
    url = reverse("pipeline:project_terms", args=[project.pk])
    for step in TermsStep.objects.filter(approval__project=project).order_by("at", "id"):
        text = f"第{step.round}轮：{workflow.ACTION_LABELS.get(step.action, step.action)}"
        yield sections.TimelineItem(
            step.at, "一企一策", text + (f"（{step.note}）" if step.note else ""), url
        )

"""Projects, leads, the progress ledger, funds in place, problems, stage history and
admission evaluations for tests. Each goes through the pipeline's own services, so a
factory record is one a clerk could have made; the past (projects signed months ago,
funds of last year) through ``reports.history``, the backdating helpers the demo loader
uses too."""

import datetime as dt
import itertools
from decimal import Decimal

import factory

from zhaoshang.enterprises.tests.factories import EnterpriseFactory
from zhaoshang.pipeline.approvals import services as approval_services
from zhaoshang.pipeline.leads import services as lead_services
from zhaoshang.pipeline.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationTemplate,
    FundsEntry,
    LedgerEntry,
    Problem,
    Project,
    Stage,
)
from zhaoshang.pipeline.projects import services, workflow
from zhaoshang.reports.history import (
    add_funds,
    at_local,
    drop,
    hold,
    make_project,
    reassign,
    void_agreement,
)

__all__ = [
    "EvaluationTemplateFactory",
    "FundsEntryFactory",
    "LeadFactory",
    "LedgerEntryFactory",
    "ProblemFactory",
    "ProjectFactory",
    "add_funds",
    "admit",
    "at_local",
    "drop",
    "hold",
    "make_project",
    "move",
    "past_project",
    "reassign",
    "void_agreement",
]


class ProjectFactory(factory.Factory):
    """``ProjectFactory(actor=clerk)``: a project registered today by ``actor`` for
    their unit (or for ``department``), at ``stage`` (a lead by default), through
    ``project_create``. Further moves go through ``move``."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    actor = None
    department = None
    stage = Stage.LEAD
    occurred_on = None

    @classmethod
    def _create(cls, model_class, actor=None, department=None, stage=Stage.LEAD, **data):
        occurred_on = data.pop("occurred_on", None)
        return services.project_create(
            actor=actor, data=data, department=department, stage=stage, occurred_on=occurred_on
        )


class LeadFactory(factory.Factory):
    """``LeadFactory(actor=clerk)``: a lead registered by ``actor``'s unit through
    ``lead_register`` (attribution, duplicate control, the unit's hold)."""

    class Meta:
        model = Project

    actor = None
    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.LazyAttribute(lambda o: f"{o.enterprise.name}项目")

    @classmethod
    def _create(cls, model_class, actor, enterprise, **data):
        return lead_services.lead_register(actor=actor, enterprise=enterprise, data=data)


def move(project, to_stage, *, actor, data=None, reason="", today=None):
    """One stage move through the workflow (its checks, the history row), as the
    project page makes it; returns the project as stored after the move."""
    workflow.project_move(
        actor=actor, project=project, to_stage=to_stage, data=data, reason=reason, today=today
    )
    project.refresh_from_db()
    return project


class LedgerEntryFactory(factory.Factory):
    class Meta:
        model = LedgerEntry

    project = None
    actor = None
    occurred_on = dt.date(2026, 3, 2)
    content = "与企业洽谈投资规模和选址"
    next_step = ""

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.ledger_entry_add(**kwargs)


class FundsEntryFactory(factory.Factory):
    """Funds in place as the clerk enters them (``funds_entry_add``: today or before)."""

    class Meta:
        model = FundsEntry

    project = None
    actor = None
    received_on = dt.date(2026, 3, 2)
    amount = Decimal("1000000.00")
    currency = "CNY"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.funds_entry_add(**kwargs)


class ProblemFactory(factory.Factory):
    class Meta:
        model = Problem

    project = None
    actor = None
    category = "land"
    title = "用地指标未落实"
    owner_department = factory.LazyAttribute(lambda o: o.actor.department)
    deadline_days = 5
    today = dt.date(2026, 3, 2)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.problem_raise(**kwargs)


_past = itertools.count(1)


def past_project(unit, *, enterprise=None, signed_on=None, amount=1000, registered_at=None, **kw):
    """A project of ``unit`` registered at ``registered_at`` (2 January 2025 by default)
    and signed on ``signed_on`` when given, for ``amount`` 万元: the month-by-month past
    the reports count."""
    return make_project(
        name=kw.pop("name", f"往期项目{next(_past)}"),
        enterprise=enterprise or EnterpriseFactory(),
        unit=unit,
        registered_at=registered_at or at_local(dt.date(2025, 1, 2)),
        stage=kw.pop("stage", None) or (Stage.SIGNED if signed_on else Stage.NEGOTIATING),
        signed_on=signed_on,
        amount=Decimal(amount) * 10000 if amount is not None else None,
        **kw,
    )


# --- Admission evaluation -------------------------------------------------------------------
class EvaluationTemplateFactory(factory.Factory):
    """An evaluation template made by ``actor`` (the office) with ``criteria``: tuples
    (dimension, name, weight, rule, source field, thresholds), each out of 10."""

    class Meta:
        model = EvaluationTemplate

    actor = None
    name = factory.Sequence(lambda n: f"测试评估模板{n}")
    description = ""
    criteria = (
        ("industry_structure", "符合区重点产业方向", 60, "manual", "", ""),
        (
            "social_benefit",
            "带动就业（人）",
            40,
            "computed",
            "expected_jobs",
            "500:10；200:7；50:4",
        ),
    )

    @classmethod
    def _create(cls, model_class, actor, criteria, **data):
        template = approval_services.evaluation_template_create(actor=actor, data=data)
        for dim, name, weight, rule, source, thresholds in criteria:
            approval_services.criterion_add(
                actor=actor,
                template=template,
                data={
                    "dimension": dim,
                    "name": name,
                    "weight": Decimal(weight),
                    "rule": rule,
                    "max_score": Decimal(10),
                    "source_field": source,
                    "thresholds": thresholds,
                },
            )
        return template


def admit(project, *, office, template=None, decided_on=None, score=8):
    """The admission evaluation a project above the evaluation size needs before it
    signs: the office as sole reviewer scores every manual criterion ``score`` and admits."""
    template = template or EvaluationTemplateFactory(actor=office)
    evaluation = approval_services.evaluation_create(
        actor=office, project=project, template=template, reviewers=[office]
    )
    approval_services.evaluation_score_save(
        actor=office,
        evaluation=evaluation,
        scores={
            c.pk: (score, "")
            for c in template.criteria.all()
            if c.rule == EvaluationCriterion.Rule.MANUAL
        },
        submit=True,
    )
    return approval_services.evaluation_decide(
        actor=office,
        evaluation=evaluation,
        decision=Evaluation.Decision.ADMIT,
        reasons="符合区重点产业方向，经济和社会效益较好。",
        today=decided_on,
    )

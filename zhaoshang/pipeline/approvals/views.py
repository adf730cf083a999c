"""Pages of admission evaluation (准入评估) and tailored terms (一企一策). Thin: each view
checks access, reads through ``queries`` and writes through ``services``. What this part
shows on the project page is in ``sections.py``, its home-page card in ``home.py``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common.views import form_errors_to, render_list
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.org.models import Department

from ..models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    EvaluationTemplate,
    MeetingRecord,
    PipelineConfig,
    Stage,
    TermsDocument,
    TermsState,
)
from ..projects.services import investment_of
from . import queries, services, workflow
from .forms import (
    CriterionForm,
    DecisionForm,
    DocumentForm,
    EvaluationCreateForm,
    MeetingForm,
    TemplateForm,
)

VIEW = roles.VIEW_PIPELINE
COORDINATE = roles.COORDINATE_PIPELINE
PROMOTING_UNITS = ["office", "department", "street", "zone"]


def project_url(project):
    """The project's own page, once the projects module provides it."""
    try:
        return reverse("pipeline:project_detail", args=[project.pk])
    except NoReverseMatch:
        return ""


def _units():
    return list(
        Department.objects.filter(is_active=True, kind__in=PROMOTING_UNITS).values_list(
            "pk", "name"
        )
    )


# --- Templates (office) -------------------------------------------------------------------
@require(COORDINATE)
def template_list(request):
    templates = EvaluationTemplate.objects.prefetch_related("criteria").order_by(
        "-is_active", "name", "-edition"
    )
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.evaluation_template_create(
                actor=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已新建评估模板“{template}”，请添加评估指标。")
            return redirect("pipeline:evaluation_template_edit", pk=template.pk)
    page = paginate(request, templates)
    return render(request, "pipeline/approvals/template_list.html", {"page": page, "form": form})


@require(COORDINATE)
def template_edit(request, pk):
    template = get_object_or_404(EvaluationTemplate, pk=pk)
    form = TemplateForm(
        request.POST if request.POST.get("part") == "template" else None, instance=template
    )
    criterion_form = CriterionForm(
        request.POST if request.POST.get("part") == "criterion" else None
    )
    if request.method == "POST":
        try:
            if form.is_bound and form.is_valid():
                services.evaluation_template_update(
                    actor=request.user, template=template, data=form.cleaned_data
                )
                messages.success(request, "模板已保存。")
                return redirect("pipeline:evaluation_template_edit", pk=pk)
            if criterion_form.is_bound and criterion_form.is_valid():
                services.criterion_add(
                    actor=request.user, template=template, data=criterion_form.cleaned_data
                )
                messages.success(request, "已添加评估指标。")
                return redirect("pipeline:evaluation_template_edit", pk=pk)
        except ValidationError as exc:
            form_errors_to(criterion_form if criterion_form.is_bound else form, exc)
    criteria = list(template.criteria.all())
    total_weight = sum(c.weight for c in criteria)
    for c in criteria:
        c.thresholds_text = services.thresholds_label(c.thresholds)
        c.source_label = (
            template._meta.apps.get_model("pipeline", "Project")
            ._meta.get_field(c.source_field)
            .verbose_name
            if c.source_field
            else ""
        )
    return render(
        request,
        "pipeline/approvals/template_form.html",
        {
            "template": template,
            "form": form,
            "criterion_form": criterion_form,
            "criteria": criteria,
            "total_weight": total_weight,
        },
    )


@require(COORDINATE)
@require_POST
def criterion_delete(request, pk):
    criterion = get_object_or_404(EvaluationCriterion, pk=pk)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已删除指标“{criterion.name}”。")
    return redirect("pipeline:evaluation_template_edit", pk=criterion.template_id)


@require(COORDINATE)
@require_POST
def template_copy(request, pk):
    template = get_object_or_404(EvaluationTemplate, pk=pk)
    copy = services.evaluation_template_copy(actor=request.user, template=template)
    messages.success(request, f"已复制为“{copy}”，原版本停用；已完成的评估不受影响。")
    return redirect("pipeline:evaluation_template_edit", pk=copy.pk)


# --- Evaluations --------------------------------------------------------------------------
EVALUATION_FILTERS = ("state", "department", "q")


@require(VIEW)
def evaluation_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in EVALUATION_FILTERS}
    qs = queries.evaluation_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "pipeline.evaluations", request.GET)
    context = {
        "page": paginate(request, qs),
        "filters": filters,
        "states": [("pending", "评审中"), *[c for c in Evaluation.Decision.choices if c[0]]],
        "departments": _units(),
        "due": _due_for_evaluation(request.user) if request.user.has_perm(COORDINATE) else [],
    }
    return render_list(request, "pipeline/approvals/evaluation_list.html", context)


def _due_for_evaluation(user):
    """Projects at or above the evaluation size, not yet signed, with no evaluation
    running or passed: where the office starts one."""
    threshold = PipelineConfig.current().evaluation_threshold
    from django.db.models import Exists, OuterRef, Q

    evaluated = Evaluation.objects.filter(project=OuterRef("pk")).filter(
        Q(decision="") | Q(decision__in=services.PASSED)
    )
    due = list(
        queries.projects(user)
        .filter(stage__in=[Stage.LEAD, Stage.NEGOTIATING])
        .filter(
            Q(agreed_investment__gte=threshold)
            | Q(agreed_investment__isnull=True, estimated_investment__gte=threshold)
        )
        .exclude(Exists(evaluated))
        .select_related("department")
        .order_by("-estimated_investment")[:20]
    )
    for p in due:
        p.amount_text = formats.wan_text(investment_of(p))
    return due


@exports.register("pipeline.evaluations", object_type="pipeline.evaluation")
def evaluation_table(user, params):
    qs = queries.evaluation_list(user, {k: params.get(k, "") for k in EVALUATION_FILTERS})
    rows = qs.iterator(chunk_size=2000)
    return exports.Table(
        "准入评估",
        [
            (
                "准入评估",
                [
                    "项目名称",
                    "责任单位",
                    "评估模板",
                    "发起日期",
                    "评审进度",
                    "综合得分",
                    "评估结论",
                    "准入条件",
                    "结论理由",
                    "决定日期",
                ],
                (
                    [
                        e.project.name,
                        e.project.department.name,
                        str(e.template),
                        _local_date(e.created_at),
                        f"{e.n_submitted}/{e.n_reviewers}",
                        e.total,
                        e.get_decision_display(),
                        e.conditions,
                        e.reasons,
                        e.decided_on,
                    ]
                    for e in rows
                ),
            )
        ],
        count=qs.count(),
    )


def _local_date(value):
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


@require(COORDINATE)
def evaluation_create(request, pk):
    project = get_object_or_404(queries.projects(request.user), pk=pk)
    form = EvaluationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                actor=request.user,
                project=project,
                template=form.cleaned_data["template"],
                reviewers=list(form.cleaned_data["reviewers"]),
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "已发起准入评估，评审人可在“待我评审”中评分。")
            return redirect("pipeline:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "pipeline/approvals/evaluation_create.html",
        {"project": project, "form": form, "project_url": project_url(project)},
    )


def _get_evaluation(request, pk):
    evaluation = queries.evaluation_detail(request.user, pk)
    if evaluation is None:
        raise Http404("没有找到该准入评估，或您无权查看。")
    return evaluation


def _facts(project):
    return {
        "estimated": formats.wan_text(project.estimated_investment),
        "agreed": formats.wan_text(project.agreed_investment),
    }


def _sheets(evaluation):
    """Criteria with, per reviewer, the score and comment; the computed values; totals."""
    criteria = list(evaluation.template.criteria.all())
    reviewers = list(evaluation.reviewers.select_related("user", "user__department"))
    scores = list(evaluation.scores.all())
    totals, overall = services.evaluation_totals(evaluation, criteria, scores, reviewers)
    by_key = {(s.criterion_id, s.reviewer_id): s for s in scores}
    project_model = evaluation.project._meta
    rows = []
    for c in criteria:
        rows.append(
            {
                "criterion": c,
                "computed": by_key.get((c.pk, None)),
                "source_label": project_model.get_field(c.source_field).verbose_name
                if c.source_field
                else "",
                "thresholds": services.thresholds_label(c.thresholds),
                "cells": [by_key.get((c.pk, r.pk)) if r.submitted_at else None for r in reviewers],
            }
        )
    for r in reviewers:
        r.total = services.rounded(totals.get(r.pk))
    return {"rows": rows, "reviewers": reviewers, "overall": services.rounded(overall)}


@require(VIEW)
def evaluation_detail(request, pk):
    evaluation = _get_evaluation(request, pk)
    sheets = _sheets(evaluation)
    me = next((r for r in sheets["reviewers"] if r.user_id == request.user.pk), None)
    all_in = all(r.submitted_at for r in sheets["reviewers"])
    decide = None
    if request.user.has_perm(COORDINATE) and not evaluation.decision and all_in:
        decide = DecisionForm()
    return render(
        request,
        "pipeline/approvals/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "project": evaluation.project,
            "project_url": project_url(evaluation.project),
            "me": me,
            "all_in": all_in,
            "decide_form": decide,
            "facts": _facts(evaluation.project),
            **sheets,
        },
    )


@require(VIEW)
def evaluation_score(request, pk):
    evaluation = _get_evaluation(request, pk)
    reviewer = evaluation.reviewers.filter(user=request.user).first()
    if reviewer is None:
        raise PermissionDenied("您不是该项目准入评估的评审人。")
    manual = [
        c for c in evaluation.template.criteria.all() if c.rule == EvaluationCriterion.Rule.MANUAL
    ]
    mine = {s.criterion_id: s for s in EvaluationScore.objects.filter(reviewer=reviewer)}
    errors = {}
    values = {
        c.pk: (mine[c.pk].score if c.pk in mine else "", mine[c.pk].comment if c.pk in mine else "")
        for c in manual
    }
    opinion = reviewer.opinion
    if request.method == "POST":
        values = {
            c.pk: (
                request.POST.get(f"score_{c.pk}", "").strip(),
                request.POST.get(f"comment_{c.pk}", "").strip(),
            )
            for c in manual
        }
        opinion = request.POST.get("opinion", "")
        submit = request.POST.get("submit") == "1"
        try:
            services.evaluation_score_save(
                actor=request.user,
                evaluation=evaluation,
                scores=values,
                opinion=opinion,
                submit=submit,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {int(k): v[0].messages[0] for k, v in exc.error_dict.items()}
            else:
                messages.error(request, exc.messages[0])
        else:
            messages.success(request, "评分已提交。" if submit else "评分草稿已保存，尚未提交。")
            return redirect(
                "pipeline:evaluation_detail" if submit else "pipeline:evaluation_score", pk=pk
            )
    rows = [
        {
            "criterion": c,
            "score": values[c.pk][0],
            "comment": values[c.pk][1],
            "error": errors.get(c.pk),
        }
        for c in manual
    ]
    computed = evaluation.scores.filter(reviewer__isnull=True).select_related("criterion")
    project_model = evaluation.project._meta
    for s in computed:
        s.source_label = project_model.get_field(s.criterion.source_field).verbose_name
    return render(
        request,
        "pipeline/approvals/evaluation_score.html",
        {
            "evaluation": evaluation,
            "project": evaluation.project,
            "reviewer": reviewer,
            "rows": rows,
            "computed": computed,
            "opinion": opinion,
            "errors": errors,
            "facts": _facts(evaluation.project),
            "project_url": project_url(evaluation.project),
        },
    )


@require(COORDINATE)
@require_POST
def evaluation_decide(request, pk):
    evaluation = get_object_or_404(Evaluation.objects.for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_decide(
                actor=request.user, evaluation=evaluation, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已记录评估结论：{evaluation.get_decision_display()}。")
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("pipeline:evaluation_detail", pk=pk)


@require(VIEW)
def review_list(request):
    show_all = request.GET.get("all") == "1"
    page = paginate(request, queries.my_reviews(request.user, pending_only=not show_all))
    return render(
        request, "pipeline/approvals/review_list.html", {"page": page, "show_all": show_all}
    )


# --- Tailored terms -----------------------------------------------------------------------
TERMS_FILTERS = ("state", "department", "q")


@require(VIEW)
def terms_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in TERMS_FILTERS}
    qs = queries.approval_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "pipeline.terms", request.GET)
    context = {
        "page": paginate(request, qs),
        "filters": filters,
        "counts": queries.approval_counts(request.user),
        "departments": _units(),
    }
    return render_list(request, "pipeline/approvals/terms_list.html", context)


@exports.register("pipeline.terms", object_type="pipeline.termsapproval")
def terms_table(user, params):
    qs = queries.approval_list(user, {k: params.get(k, "") for k in TERMS_FILTERS})
    rows = qs.iterator(chunk_size=2000)
    return exports.Table(
        "一企一策审批",
        [
            (
                "一企一策",
                [
                    "项目名称",
                    "投资企业",
                    "责任单位",
                    "当前环节",
                    "轮次",
                    "发起日期",
                    "审议通过日期",
                ],
                (
                    [
                        a.project.name,
                        a.project.enterprise.name,
                        a.project.department.name,
                        a.get_state_display(),
                        f"第{a.round}轮",
                        _local_date(a.created_at),
                        a.approved_on,
                    ]
                    for a in rows
                ),
            )
        ],
        count=qs.count(),
    )


@require(VIEW)
def project_terms(request, pk):
    project = get_object_or_404(
        queries.projects(request.user).select_related("department", "enterprise"), pk=pk
    )
    approvals = list(
        queries.project_approvals(project).prefetch_related(
            Prefetch("steps", queryset=_steps()),
            Prefetch("meetings"),
        )
    )
    current = approvals[0] if approvals else None
    docs = queries.documents_by_kind(current) if current else {}
    user = request.user
    may_draft = services.may_draft_terms(user, project)
    may_office = services.may_coordinate(user)
    actions = []
    if current:
        for move in workflow.allowed_actions(current.state):
            if move.action in ("submit_terms", "submit_to_meeting") and (
                may_office if move.actor_kind == "office" else may_draft
            ):
                actions.append(move)
    drafts = []
    if current and not current.frozen:
        for kind, (state, who) in services.DRAFTS.items():
            if current.state == state and (may_office if who == "office" else may_draft):
                drafts.append((kind, TermsDocument.Kind(kind).label))
    return render(
        request,
        "pipeline/approvals/terms_detail.html",
        {
            "project": project,
            "project_url": project_url(project),
            "approval": current,
            "earlier": approvals[1:],
            "docs": [(TermsDocument.Kind(k).label, k, v) for k, v in docs.items()],
            "actions": actions,
            "drafts": drafts,
            "may_start": (may_draft or may_office)
            and not current
            and project.stage != Stage.DROPPED,
            "may_record_meeting": may_office
            and current
            and current.state == TermsState.AWAITING_MEETING,
        },
    )


def _steps():
    from ..models import TermsStep

    return TermsStep.objects.select_related("actor").order_by("at", "id")


def _get_approval(request, pk):
    return get_object_or_404(
        queries.approvals(request.user).select_related("project", "project__department"), pk=pk
    )


@require(VIEW)
@require_POST
def terms_start(request, pk):
    project = get_object_or_404(queries.projects(request.user).select_related("department"), pk=pk)
    try:
        services.terms_start(actor=request.user, project=project)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已发起一企一策，请责任单位起草核心条款。")
    return redirect("pipeline:project_terms", pk=pk)


@require(VIEW)
def terms_document(request, pk, kind):
    approval = _get_approval(request, pk)
    if kind not in TermsDocument.Kind.values:
        raise Http404()
    label = TermsDocument.Kind(kind).label
    last = approval.documents.filter(kind=kind).order_by("-number").first()
    form = DocumentForm(
        request.POST or None, request.FILES or None, initial={"text": last.text if last else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.terms_document_save(
                actor=request.user,
                approval=approval,
                kind=kind,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"{label}第{doc.number}版已保存。")
            return redirect("pipeline:project_terms", pk=approval.project_id)
    elif request.method == "GET":
        state, who = services.DRAFTS[kind]
        allowed = (
            services.may_coordinate(request.user)
            if who == "office"
            else services.may_draft_terms(request.user, approval.project)
        )
        if not allowed:
            raise PermissionDenied(
                f"{label}由{'招商办' if who == 'office' else '项目责任单位'}起草。"
            )
        if approval.frozen:
            messages.warning(request, "一企一策已审议通过，条款已冻结，不能再修改。")
    return render(
        request,
        "pipeline/approvals/terms_document.html",
        {
            "approval": approval,
            "project": approval.project,
            "form": form,
            "label": label,
            "last": last,
        },
    )


@require(VIEW)
@require_POST
def terms_submit(request, pk):
    approval = _get_approval(request, pk)
    try:
        services.terms_submit(
            actor=request.user,
            approval=approval,
            action=request.POST.get("action", ""),
            expected_state=request.POST.get("expected_state", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已{workflow.ACTION_LABELS[request.POST['action']]}。")
    return redirect("pipeline:project_terms", pk=approval.project_id)


@require(COORDINATE)
def terms_meeting(request, pk):
    approval = _get_approval(request, pk)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.meeting_record(
                actor=request.user,
                approval=approval,
                data=form.cleaned_data,
                expected_state=request.POST.get("expected_state") or approval.state,
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(
                request,
                f"已记录{record.session}审议结果：{record.get_decision_display()}。"
                + (
                    "条款已冻结。"
                    if record.decision == MeetingRecord.Decision.APPROVED
                    else "已退回责任单位修改。"
                ),
            )
            return redirect("pipeline:project_terms", pk=approval.project_id)
    return render(
        request,
        "pipeline/approvals/terms_meeting.html",
        {"approval": approval, "project": approval.project, "form": form},
    )


@require(VIEW)
def terms_file(request, kind, pk):
    """An attachment, read through the approval's scope."""
    in_scope = queries.approvals(request.user)
    if kind == "document":
        obj = get_object_or_404(TermsDocument, pk=pk, approval__in=in_scope)
        field = obj.file
    elif kind == "minutes":
        obj = get_object_or_404(MeetingRecord, pk=pk, approval__in=in_scope)
        field = obj.minutes_file
    else:
        raise Http404()
    if not field:
        raise Http404("该版本没有附件。")
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )

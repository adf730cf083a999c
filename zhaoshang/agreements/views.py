"""Pages of the agreements module: thin views over ``services`` and ``queries``. Each
starts with the permission it needs and reads through the user's own scope; a record
outside it answers 404, the same as one that does not exist."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import exports, formats, queue
from zhaoshang.common.imports import ImportFileError, fail_interrupted
from zhaoshang.common.views import mapping_context, mapping_from_post, reload_whole_page
from zhaoshang.common.workflow import MoveConflict
from zhaoshang.org.access import paginate, require
from zhaoshang.org.models import Department
from zhaoshang.org.roles import (
    COMPUTE_INCENTIVE,
    CONFIRM_OPERATING_DATA,
    MANAGE_AGREEMENT,
    SUPPLY_OPERATING_DATA,
    VIEW_AGREEMENT,
    VIEW_DISBURSEMENT,
)
from zhaoshang.pipeline.models import Project, TermsApproval

from . import calculation, forms, importing, queries, services
from .models import (
    Agreement,
    ClawbackState,
    Commitment,
    DisbursementState,
    IncentiveClause,
    OperatingDataImport,
)
from .workflow import (
    CLAWBACK_FIELDS,
    CLAWBACKS,
    DISBURSEMENT_FIELDS,
    DISBURSEMENTS,
)


def _year(request, default=None):
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return default if default is not None else timezone.localdate().year - 1


def _units():
    return list(
        Department.objects.filter(is_active=True)
        .exclude(kind__in=["finance", "tax", "discipline", "supervision", "leadership", "other"])
        .order_by("pk")
        .values_list("pk", "name")
    )


def _errors(request, exc):
    for text in exc.messages:
        messages.error(request, text)


# --- Agreements -------------------------------------------------------------------------
@require(VIEW_AGREEMENT)
def agreement_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "agreements.agreements", request.GET)
    qs = queries.agreement_list(request.user, request.GET)
    page = paginate(request, qs)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "page": page,
            "kinds": Agreement.Kind.choices,
            "departments": _units(),
            "filters": {k: request.GET.get(k, "") for k in ("q", "kind", "department")},
        },
    )


@exports.register("agreements.agreements", object_type="agreements.agreement")
def agreement_table(user, params):
    qs = queries.agreement_list(user, params)
    headers = [
        "协议编号",
        "协议名称",
        "协议类型",
        "企业",
        "统一社会信用代码",
        "责任单位",
        "签约日期",
        "协议期限起",
        "协议期限止",
        "迁出日期",
    ]
    rows = (
        [
            a.number,
            a.title,
            a.get_kind_display(),
            a.enterprise.name,
            a.enterprise.credit_code or "",
            a.department.name,
            a.signed_on,
            a.term_start,
            a.term_end,
            a.moved_out_on,
        ]
        for a in qs.iterator(chunk_size=2000)
    )
    return exports.Table("协议清单", [("协议", headers, rows)], count=qs.count())


def _agreement(request, pk):
    return get_object_or_404(
        queries.agreements(request.user).select_related(
            "enterprise", "department", "project", "parent", "terms_approval"
        ),
        pk=pk,
    )


def _form_kwargs(user):
    from zhaoshang.pipeline.models import SIGNED_STAGES

    return {
        "projects": Project.objects.for_user(user)
        .filter(stage__in=SIGNED_STAGES)
        .select_related("enterprise"),
        "agreements": Agreement.objects.for_user(user),
        "units": Department.objects.for_user(user).filter(is_active=True),
        "approvals": TermsApproval.objects.for_user(user).filter(approved_on__isnull=False),
    }


@require(MANAGE_AGREEMENT)
def agreement_create(request):
    form = forms.AgreementForm(request.POST or None, **_form_kwargs(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if data.get("department") is None:
            data.pop("department")
        try:
            agreement = services.agreement_create(actor=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"协议“{agreement.number}”已登记，请继续填写承诺与奖励条款。")
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form})


@require(VIEW_AGREEMENT)
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    audit_record(AuditEvent.Action.VIEW, actor=request.user, obj=agreement, detail="查阅协议")
    clauses = list(
        IncentiveClause.objects.filter(agreement=agreement)
        .select_related("amended_in", "superseded_by")
        .order_by("kind", "first_year", "pk")
    )
    commitments = list(agreement.commitments.order_by("kind", "year"))
    schedule = {}
    for c in commitments:
        schedule.setdefault(c.get_kind_display(), []).append(c)
    can_manage = request.user.has_perm(MANAGE_AGREEMENT)
    context = {
        "a": agreement,
        "files": list(agreement.files.order_by("-version")),
        "schedule": schedule,
        "clauses": clauses,
        "supplements": list(agreement.supplements.order_by("signed_on")),
        "calculations": list(
            queries.calculations(request.user)
            .filter(agreement=agreement)
            .order_by("-year", "-id")[:20]
        ),
        "disbursements": list(queries.disbursements(request.user).filter(agreement=agreement)),
        "clawbacks": list(queries.clawbacks(request.user).filter(agreement=agreement)),
        "can_manage": can_manage,
        "can_compute": request.user.has_perm(COMPUTE_INCENTIVE),
        "commitment_form": forms.CommitmentForm() if can_manage else None,
        "file_form": forms.FileForm() if can_manage else None,
        "move_out_form": forms.MoveOutForm() if can_manage else None,
        "years": list(range(agreement.term_start.year, agreement.term_end.year + 1)),
        "clawback_preview": services.clawback_lines(agreement)
        if agreement.moved_out_on or any(c.clawback for c in clauses)
        else None,
    }
    return render(request, "agreements/agreement_detail.html", context)


@require(MANAGE_AGREEMENT)
@require_POST
def commitment_add(request, pk):
    agreement = _agreement(request, pk)
    form = forms.CommitmentForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{errs[0]}" if label else errs[0])
        return redirect("agreements:agreement_detail", pk=pk)
    d = form.cleaned_data
    try:
        for year in range(d["first_year"], d["last_year"] + 1):
            services.commitment_set(
                actor=request.user,
                agreement=agreement,
                kind=d["kind"],
                year=year,
                amount=d["amount"],
                due_on=d["due_on"],
            )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            f"已登记{Commitment.Kind(d['kind']).label}承诺 {d['first_year']}—{d['last_year']}年。",
        )
    return redirect("agreements:agreement_detail", pk=pk)


@require(MANAGE_AGREEMENT)
def clause_create(request, pk):
    agreement = _agreement(request, pk)
    form = forms.ClauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clause_create(
                actor=request.user, agreement=agreement, data=form.service_data()
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "奖励条款已登记。")
            return redirect("agreements:agreement_detail", pk=pk)
    return render(
        request, "agreements/clause_form.html", {"a": agreement, "form": form, "help": _help()}
    )


def _help():
    from .clauses import HELP

    return [(IncentiveClause.Kind(k).label, v) for k, v in HELP.items()]


def _attach(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            target = field if field in form.fields else forms.PARAM_FIELDS.get(field)
            for e in errs:
                form.add_error(target if target in form.fields else None, e.messages[0])
    else:
        form.add_error(None, exc)


@require(MANAGE_AGREEMENT)
def clause_amend(request, pk):
    clause = get_object_or_404(queries.clauses(request.user).select_related("agreement"), pk=pk)
    agreement = clause.agreement
    supplements = Agreement.objects.for_user(request.user).filter(parent=agreement)
    initial = {
        "kind": clause.kind,
        "title": clause.title,
        "first_year": clause.first_year,
        "last_year": clause.last_year,
        "cap": clause.cap,
        "condition_metric": clause.condition_metric,
        "condition_min": clause.condition_min,
        "policy_article": clause.policy_article,
        "clawback": clause.clawback,
        "clawback_basis": clause.clawback_basis,
    }
    form = forms.AmendForm(request.POST or None, initial=initial, supplements=supplements)
    if request.method == "POST" and form.is_valid():
        try:
            services.clause_amend(
                actor=request.user,
                clause=clause,
                supplementary=form.cleaned_data["supplementary"],
                data=form.service_data(),
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "条款已按补充协议修改，原条款保留为历史。")
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "agreements/clause_form.html",
        {"a": agreement, "form": form, "amending": clause, "help": _help()},
    )


@require(MANAGE_AGREEMENT)
@require_POST
def file_add(request, pk):
    agreement = _agreement(request, pk)
    form = forms.FileForm(request.POST, request.FILES)
    if form.is_valid():
        services.agreement_file_add(
            actor=request.user,
            agreement=agreement,
            file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "协议文本已上传。")
    else:
        for errs in form.errors.values():
            messages.error(request, errs[0])
    return redirect("agreements:agreement_detail", pk=pk)


@require(VIEW_AGREEMENT)
def file_download(request, pk):
    from .models import AgreementFile

    row = get_object_or_404(AgreementFile.objects.for_user(request.user), pk=pk)
    if not row.file:
        raise Http404("文件不存在。")
    audit_record(
        AuditEvent.Action.VIEW,
        actor=request.user,
        obj=row.agreement,
        detail=f"下载协议文本第 {row.version} 版",
    )
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.file.name.rsplit("/", 1)[-1]
    )


@require(MANAGE_AGREEMENT)
@require_POST
def move_out(request, pk):
    agreement = _agreement(request, pk)
    form = forms.MoveOutForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_record_move_out(
                actor=request.user,
                agreement=agreement,
                moved_out_on=form.cleaned_data["moved_out_on"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已登记企业迁出，请查看应追回的奖励。")
    else:
        messages.error(request, "请填写迁出日期。")
    return redirect("agreements:agreement_detail", pk=pk)


# --- The calculation --------------------------------------------------------------------
@require(COMPUTE_INCENTIVE)
@require_POST
def calculation_run(request, pk):
    agreement = _agreement(request, pk)
    year = request.POST.get("year", "")
    if not year.isdigit():
        messages.error(request, "请选择测算年度。")
        return redirect("agreements:agreement_detail", pk=pk)
    try:
        calc = services.calculation_run(actor=request.user, agreement=agreement, year=int(year))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("agreements:agreement_detail", pk=pk)
    return redirect("agreements:calculation_detail", pk=calc.pk)


@require(VIEW_DISBURSEMENT)
def calculation_detail(request, pk):
    calc = get_object_or_404(
        queries.calculations(request.user).select_related(
            "agreement__enterprise", "agreement__department", "computed_by"
        ),
        pk=pk,
    )
    audit_record(AuditEvent.Action.VIEW, actor=request.user, obj=calc, detail="查阅奖励测算")
    # One disbursement per agreement and year, whichever calculation it carries now.
    current = calc.agreement.disbursements.filter(year=calc.year).first()
    return render(
        request,
        "agreements/calculation_detail.html",
        {
            "c": calc,
            "rule": calculation.ROUNDING_RULE,
            "changes": services.calculation_changes(calc),
            "disbursement": current,
            "can_submit": request.user.has_perm(COMPUTE_INCENTIVE)
            and (current is None or current.state == DisbursementState.RETURNED),
        },
    )


@require(COMPUTE_INCENTIVE)
@require_POST
def calculation_submit(request, pk):
    calc = get_object_or_404(queries.calculations(request.user), pk=pk)
    try:
        record = services.disbursement_submit(actor=request.user, calculation_obj=calc)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("agreements:calculation_detail", pk=pk)
    messages.success(request, "已提交兑现，等待税务部门确认数据。")
    return redirect("agreements:disbursement_detail", pk=record.pk)


# --- Disbursement -----------------------------------------------------------------------
@require(VIEW_DISBURSEMENT)
def disbursement_list(request):
    qs = queries.disbursements(request.user).select_related(
        "agreement__enterprise", "agreement__department"
    )
    state = request.GET.get("state", "")
    if state in DisbursementState.values:
        qs = qs.filter(state=state)
    if (year := request.GET.get("year", "")).isdigit():
        qs = qs.filter(year=int(year))
    if unit := request.GET.get("department", ""):
        qs = qs.filter(agreement__department__name=unit)
    if industry := request.GET.get("industry", ""):
        qs = qs.filter(agreement__project__key_industry__name=industry)
    page = paginate(request, qs.order_by("-year", "-id"))
    return render(
        request,
        "agreements/disbursement_list.html",
        {
            "page": page,
            "states": DisbursementState.choices,
            "state": state,
            "queue": queries.queue(request.user),
        },
    )


def _moves(workflow, record, user):
    out = []
    for dst, move in workflow.moves_from(record.state):
        try:
            workflow.check(record.state, dst, actor=user, record=record, note="x")
        except ValidationError:
            continue
        out.append((dst, move))
    return out


@require(VIEW_DISBURSEMENT)
def disbursement_detail(request, pk):
    d = get_object_or_404(
        queries.disbursements(request.user).select_related(
            "agreement__enterprise", "agreement__department", "calculation", "data_department"
        ),
        pk=pk,
    )
    moves = _moves(DISBURSEMENTS, d, request.user)
    forms_by_move = [
        (dst, move, DISBURSEMENT_FIELDS.get(dst, {}), _move_form(d, dst)) for dst, move in moves
    ]
    return render(
        request,
        "agreements/disbursement_detail.html",
        {
            "d": d,
            "moves": forms_by_move,
            "steps": d.steps.select_related("actor"),
            "rule": calculation.ROUNDING_RULE,
        },
    )


def _move_form(record, dst):
    initial = {"to": dst, "expected": record.state}
    if dst == DisbursementState.APPROVED:
        initial["approved_amount"] = record.computed_amount
    if dst == DisbursementState.ALLOCATED:
        initial["allocated_amount"] = record.approved_amount
    if dst == DisbursementState.PAID:
        initial["paid_amount"] = record.allocated_amount
    return forms.MoveForm(auto_id=f"{dst}_%s", initial=initial)  # one form per step


@require()
@require_POST
def disbursement_move(request, pk):
    # The tax office moves through its data page (no amounts); the others through theirs.
    qs = queries.disbursements(request.user)
    if not request.user.has_perm(VIEW_DISBURSEMENT):
        qs = queries.confirmable(request.user)
    d = get_object_or_404(qs.select_related("agreement__enterprise"), pk=pk)
    form = forms.MoveForm(request.POST)
    back = (
        "agreements:disbursement_data"
        if not request.user.has_perm(VIEW_DISBURSEMENT)
        else "agreements:disbursement_detail"
    )
    if not form.is_valid():
        messages.error(request, "填写的内容有误，请检查后重新提交。")
        return redirect(back, pk=pk)
    data = form.cleaned_data
    try:
        services.disbursement_move(
            actor=request.user,
            disbursement=d,
            to_state=data["to"],
            note=data["note"],
            values=data,
            expected=data["expected"] or None,
        )
    except (MoveConflict, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已办理：{DisbursementState(data['to']).label}。")
    return redirect(back, pk=pk)


@require(CONFIRM_OPERATING_DATA)
def disbursement_data(request, pk):
    """The tax office's page: the figures the calculation used, from which file and row,
    to confirm or return. No amounts of the incentive."""
    d = get_object_or_404(
        queries.confirmable(request.user).select_related("agreement__enterprise", "calculation"),
        pk=pk,
    )
    inputs = []
    seen = set()
    for line in d.calculation.lines:
        for part in [line.get("base")] + [c.get("base") for c in line.get("conditions", [])]:
            if not part or not part.get("sources"):
                continue
            for s in part["sources"]:
                key = (s["id"], part["label"])
                if key in seen:
                    continue
                seen.add(key)
                inputs.append({"label": part["label"], **s})
    moves = _moves(DISBURSEMENTS, d, request.user)
    return render(
        request,
        "agreements/disbursement_data.html",
        {"d": d, "inputs": inputs, "moves": moves, "steps": d.steps.select_related("actor")},
    )


@require(CONFIRM_OPERATING_DATA)
def data_queue(request):
    qs = queries.confirmable(request.user).select_related("agreement__enterprise")
    state = request.GET.get("state", DisbursementState.COMPUTED)
    if state in DisbursementState.values:
        qs = qs.filter(state=state)
    page = paginate(request, qs.order_by("-year", "-id"))
    return render(
        request,
        "agreements/data_queue.html",
        {"page": page, "state": state, "states": DisbursementState.choices},
    )


# --- Clawback ---------------------------------------------------------------------------
@require(COMPUTE_INCENTIVE)
@require_POST
def clawback_create(request, pk):
    agreement = _agreement(request, pk)
    reason = (request.POST.get("reason") or "").strip()
    if not reason:
        messages.error(request, "请填写追回事由。")
        return redirect("agreements:agreement_detail", pk=pk)
    try:
        cb = services.clawback_create(actor=request.user, agreement=agreement, reason=reason)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("agreements:agreement_detail", pk=pk)
    return redirect("agreements:clawback_detail", pk=cb.pk)


@require(VIEW_DISBURSEMENT)
def clawback_detail(request, pk):
    cb = get_object_or_404(
        queries.clawbacks(request.user).select_related(
            "agreement__enterprise", "agreement__department"
        ),
        pk=pk,
    )
    moves = [
        (
            dst,
            move,
            CLAWBACK_FIELDS.get(dst, {}),
            forms.MoveForm(
                auto_id=f"{dst}_%s",  # one form per step on the page
                initial={
                    "to": dst,
                    "expected": cb.state,
                    "recovered_amount": cb.amount_due if dst == ClawbackState.RECOVERED else None,
                },
            ),
        )
        for dst, move in _moves(CLAWBACKS, cb, request.user)
    ]
    return render(
        request,
        "agreements/clawback_detail.html",
        {"cb": cb, "moves": moves, "steps": cb.steps.select_related("actor")},
    )


@require(VIEW_DISBURSEMENT)
@require_POST
def clawback_move(request, pk):
    cb = get_object_or_404(queries.clawbacks(request.user).select_related("agreement"), pk=pk)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.clawback_move(
                actor=request.user,
                clawback=cb,
                to_state=data["to"],
                note=data["note"],
                values=data,
                expected=data["expected"] or None,
            )
        except (MoveConflict, ValidationError) as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已办理：{ClawbackState(data['to']).label}。")
    else:
        messages.error(request, "填写的内容有误，请检查后重新提交。")
    return redirect("agreements:clawback_detail", pk=pk)


# --- Operating data ---------------------------------------------------------------------
@require(SUPPLY_OPERATING_DATA)
def import_list(request):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.store(
                form.cleaned_data["file"], user=request.user, source=form.cleaned_data["source"]
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("agreements:import_detail", pk=job.pk)
    page = paginate(request, queries.imports(request.user), per_page=20)
    return render(
        request,
        "agreements/import_list.html",
        {"form": form, "page": page, "columns": list(importing.COLUMNS.values())},
    )


@require(SUPPLY_OPERATING_DATA)
def import_detail(request, pk):
    job = get_object_or_404(queries.imports(request.user), pk=pk)
    action = request.POST.get("action")
    if request.method == "POST" and action == "check":
        mapping = mapping_from_post(request.POST, job.headers, importing.COLUMNS)
        try:
            services.operating_import_check_start(
                actor=request.user,
                job=job,
                mapping=mapping,
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("agreements:import_detail", pk=job.pk)
    if request.method == "POST" and action == "commit":
        try:
            services.operating_import_commit_start(
                actor=request.user,
                job=job,
                on_queued=lambda: messages.info(
                    request, "已开始导入，可离开本页，稍后回来查看结果。"
                ),
                on_not_queued=lambda: queue.tell(request),
            )
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        return redirect("agreements:import_detail", pk=job.pk)
    fail_interrupted(OperatingDataImport.objects.filter(pk=job.pk))
    job.refresh_from_db()
    context = {
        "job": job,
        **mapping_context(job, importing.COLUMNS),
        "running": job.state in ("checking", "importing"),
    }
    if request.htmx and request.GET.get("poll"):
        if not context["running"]:
            return reload_whole_page()
        return render(request, "agreements/import_detail.html#status", context)
    return render(request, "agreements/import_detail.html", context)


@require(SUPPLY_OPERATING_DATA)
def data_list(request):
    qs = queries.operating_data(request.user).select_related("enterprise", "batch", "supersedes")
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(enterprise__credit_code__startswith=q.upper()) | qs.filter(
            enterprise__name__contains=q
        )
    if (year := request.GET.get("year", "")).isdigit():
        qs = qs.filter(year=int(year))
    if request.GET.get("history") != "1":
        qs = qs.filter(current=True)
    page = paginate(request, qs.order_by("-year", "-month", "-id"))
    return render(
        request,
        "agreements/data_list.html",
        {"page": page, "filters": {k: request.GET.get(k, "") for k in ("q", "year", "history")}},
    )


# --- Commitments against actuals, reports -----------------------------------------------
@require(VIEW_AGREEMENT)
def fulfilment(request):
    year = _year(request)
    if request.GET.get("export") == "xlsx":
        return exports.respond(
            request, "agreements.fulfilment", {**request.GET.dict(), "year": str(year)}
        )
    unit = request.GET.get("department", "")
    items = queries.fulfilment(
        request.user,
        year,
        department=int(unit) if unit.isdigit() else None,
        shortfall_only=request.GET.get("shortfall") == "1",
    )
    return render(
        request,
        "agreements/fulfilment.html",
        {
            "year": year,
            "items": items,
            "by_unit": queries.shortfalls_by_department(request.user, year),
            "departments": _units(),
            "filters": {k: request.GET.get(k, "") for k in ("department", "shortfall")},
            "years": range(timezone.localdate().year, 2019, -1),
        },
    )


@exports.register("agreements.fulfilment", object_type="agreements.commitment")
def fulfilment_table(user, params):
    """The 履约 ledger: each commitment of the year beside the reported figure."""
    year = (
        int(params["year"])
        if str(params.get("year", "")).isdigit()
        else timezone.localdate().year - 1
    )
    unit = params.get("department", "")
    items = queries.fulfilment(
        user,
        year,
        department=int(unit) if str(unit).isdigit() else None,
        shortfall_only=params.get("shortfall") == "1",
    )
    headers = [
        "责任单位",
        "协议编号",
        "企业",
        "承诺事项",
        "年度",
        "承诺值",
        "实际值",
        "完成率",
        "是否未达承诺",
        "数据来源",
        "完成期限",
    ]
    rows = [
        [
            i.agreement.department.name,
            i.agreement.number,
            i.agreement.enterprise.name,
            i.commitment.get_kind_display(),
            i.commitment.year,
            i.commitment.amount,
            i.actual,
            formats.Rate(i.percent),  # 0.00% in the workbook
            "未达承诺" if i.shortfall else ("尚无数据" if i.actual is None else "已达承诺"),
            i.note,
            i.commitment.due_on,
        ]
        for i in items
    ]
    return exports.Table(f"{year}年度履约台账", [("履约台账", headers, rows)], count=len(rows))


@require(VIEW_DISBURSEMENT)
def report(request):
    by = request.GET.get("by", "department")
    if by not in ("department", "industry", "year"):
        by = "department"
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "agreements.report", request.GET)
    rows = queries.incentive_report(request.user, year, by)
    totals = {
        k: sum((r[k] for r in rows), Decimal(0))
        for k in ("computed", "approved", "paid", "recovered")
    }
    rates = (
        queries.fulfilment_rates(request.user, year or timezone.localdate().year - 1)
        if request.user.has_perm(VIEW_AGREEMENT)
        else None
    )
    return render(
        request,
        "agreements/report.html",
        {
            "rows": rows,
            "totals": totals,
            "by": by,
            "year": year,
            "rates": rates,
            "rate_year": year or timezone.localdate().year - 1,
            "years": range(timezone.localdate().year, 2019, -1),
        },
    )


@exports.register("agreements.report", object_type="agreements.disbursement")
def report_table(user, params):
    by = params.get("by", "department")
    if by not in ("department", "industry", "year"):
        by = "department"
    year = int(params["year"]) if str(params.get("year", "")).isdigit() else None
    rows = queries.incentive_report(user, year, by)
    label = {"department": "责任单位", "industry": "重点产业", "year": "年度"}[by]
    headers = [label, "兑现笔数", "测算（万元）", "审定（万元）", "兑付（万元）", "追回（万元）"]
    data = [
        [
            r["label"],
            r["n"],
            formats.wan(r["computed"]),
            formats.wan(r["approved"]),
            formats.wan(r["paid"]),
            formats.wan(r["recovered"]),
        ]
        for r in rows
    ]
    title = f"{year}年度" if year else "历年"
    return exports.Table(f"{title}奖励兑现统计", [("奖励兑现", headers, data)], count=len(data))

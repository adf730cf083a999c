"""Supervision pages: the list, raising an item (on a project, a problem, a service ticket,
a target, or a department's work), the item with its progress, moves and accountability,
attachment downloads, and the progress notice (Word)."""

import datetime as dt
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.aftercare import queries as aftercare_queries
from zhaoshang.assessment.models import Target
from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.org.models import Department
from zhaoshang.org.scoping import DataScope, user_scope
from zhaoshang.pipeline.models import Problem
from zhaoshang.pipeline.projects import queries as project_queries

from . import notice, queries, services
from .forms import SUBJECTS_BY_PARAM, AccountabilityForm, ItemForm, ProgressUploadForm
from .models import Accountability, Item, ReportAttachment
from .workflow import ITEM_CLOCK, ITEMS, OPEN

VIEW = roles.VIEW_SUPERVISION
MANAGE = roles.MANAGE_SUPERVISION
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _choices():
    return {
        "statuses": Item.Status.choices,
        "subjects": Item.Subject.choices,
        "status_labels": dict(Item.Status.choices),
        "subject_labels": dict(Item.Subject.choices),
        "levels": dict(ITEM_CLOCK.chain),
        "open_statuses": list(OPEN),
    }


@require(VIEW)
def item_list(request):
    today = timezone.localdate()
    qs = queries.filtered(request.user, request.GET, today)
    rows = queries.list_order(qs, request.GET).values(*queries.LIST_VALUES)
    page = paginate(request, rows, count=qs.count())
    return render(
        request,
        "supervision/item_list.html",
        {
            "page": page,
            "today": today,
            "filters": request.GET,
            # The unit filter is for readers of every unit's items.
            "units": Department.objects.filter(is_active=True).order_by("sort_order", "pk")
            if user_scope(request.user) == DataScope.ALL
            else [],
            **_choices(),
        },
    )


def _subject(request):
    """(subject, record) named by the query (?project=, ?problem=, ?ticket=, ?target=),
    read through the user's own scope; (department, None) when none is named."""
    source = request.POST if request.method == "POST" else request.GET
    for param, subject in SUBJECTS_BY_PARAM.items():
        value = source.get(param, "")
        if param == "department" or not value:
            continue
        if not value.isdigit():
            raise Http404("督办对象不正确。")
        pk = int(value)
        if subject == Item.Subject.PROJECT:
            record = project_queries.projects(request.user).filter(pk=pk).first()
        elif subject == Item.Subject.PROBLEM:
            record = (
                Problem.objects.for_user(request.user)
                .select_related("project", "owner_department")
                .filter(pk=pk)
                .first()
            )
        elif subject == Item.Subject.TICKET:
            record = aftercare_queries.tickets(request.user).filter(pk=pk).first()
        else:
            record = Target.objects.for_user(request.user).filter(pk=pk).first()
        if record is None:
            raise Http404("没有找到该督办对象，或您无权查看。")
        return subject, record
    return Item.Subject.DEPARTMENT, None


@require(MANAGE)
def item_create(request):
    subject, record = _subject(request)
    by_department = subject == Item.Subject.DEPARTMENT
    form = ItemForm(request.POST or None, department_required=by_department)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_raise(
                actor=request.user,
                title=data["title"],
                requirement=data["requirement"],
                subject=subject,
                record=data["department"] if by_department else record,
                department=data["department"],
                leader=data["leader"],
                deadline_days=data["deadline_days"],
                due_on=data["due_on"],
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(
                request,
                f"督办事项已交办{item.department.name}，编号 {item.number}，"
                f"办结期限{item.due_on:%Y年%-m月%-d日}。",
            )
            return redirect("supervision:item_detail", pk=item.pk)
    return render(
        request,
        "supervision/item_form.html",
        {
            "form": form,
            "subject": subject,
            "subject_label": Item.Subject(subject).label,
            "record": record,
            "param": next((p for p, s in SUBJECTS_BY_PARAM.items() if s == subject), ""),
            "default_unit": services.subject_department(subject=subject, record=record)
            if record is not None
            else None,
        },
    )


def _item(request, pk):
    item = queries.item_for(request.user, pk)
    if item is None:
        raise Http404("没有找到该督办事项，或您无权查看。")
    return item


def _moves(user, item):
    """The moves this user may make on this item now (the table decides)."""
    out = []
    for dst, _ in ITEMS.moves_from(item.status):
        if dst == Item.Status.IN_PROGRESS:  # made by a progress report
            continue
        try:
            ITEMS.check(item.status, dst, actor=user, record=item, note="-")
        except ValidationError:
            continue
        out.append(dst)
    return out


@require(VIEW)
def item_detail(request, pk):
    item = _item(request, pk)
    user = request.user
    reports = item.reports.select_related("actor", "department").prefetch_related("files")
    next_level = ITEM_CLOCK.next_level(item.level) if item.status in OPEN else None
    may_report = (
        item.status in OPEN
        and user.has_perm(roles.REPORT_SUPERVISION)
        and user.department_id == item.department_id
    )
    return render(
        request,
        "supervision/item_detail.html",
        {
            "item": item,
            "steps": item.steps.select_related("actor"),
            "reports": reports,
            "accountabilities": item.accountabilities.select_related("department"),
            "moves": _moves(user, item),
            "may_report": may_report,
            "may_manage": user.has_perm(MANAGE),
            "progress_form": ProgressUploadForm() if may_report else None,
            "accountability_form": AccountabilityForm(item=item) if user.has_perm(MANAGE) else None,
            "today": timezone.localdate(),
            "level_label": ITEM_CLOCK.label(item.level),
            "next_level": next_level,
            "next_level_label": ITEM_CLOCK.label(next_level) if next_level else "",
            "is_open": item.status in OPEN,
        },
    )


def _version(post):
    return int(post["version"]) if post.get("version", "").isdigit() else None


@require(VIEW)
@require_POST
def item_action(request, pk):
    item = _item(request, pk)
    p = request.POST
    action = p.get("action", "")
    common = {"actor": request.user, "item": item, "version": _version(p)}
    try:
        if action == "submit":
            services.item_submit(result=p.get("note", ""), **common)
            done = "办理结果已报请督查室审核。"
        elif action == "close":
            services.item_close(**common)
            done = "督办事项已审核办结。"
        elif action == "return":
            services.item_return(reason=p.get("note", ""), **common)
            done = "督办事项已退回承办单位重办。"
        elif action == "escalate":
            services.item_escalate(note=p.get("note", ""), **common)
            done = "督办事项已升级督办。"
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("supervision:item_detail", pk=pk)


@require(roles.REPORT_SUPERVISION)
@require_POST
def item_report(request, pk):
    item = _item(request, pk)
    form = ProgressUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("supervision:item_detail", pk=pk)
    try:
        services.progress_report(
            actor=request.user,
            item=item,
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
            version=_version(request.POST),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "办理进展已报送。")
    return redirect("supervision:item_detail", pk=pk)


@require(MANAGE)
@require_POST
def accountability_add(request, pk):
    item = _item(request, pk)
    form = AccountabilityForm(request.POST, request.FILES, item=item)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("supervision:item_detail", pk=pk)
    try:
        services.accountability_record(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "问责记录已登记。")
    return redirect("supervision:item_detail", pk=pk)


def _download(field, name):
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name or PurePosixPath(field.name).name
    )


@require(VIEW)
def report_file(request, pk, file_pk):
    item = _item(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=file_pk, report__item=item)
    return _download(attachment.file, attachment.name)


@require(VIEW)
def decision_file(request, pk, record_pk):
    item = _item(request, pk)
    record = get_object_or_404(Accountability, pk=record_pk, item=item)
    if not record.decision_file:
        raise Http404("该问责记录没有上传决定文书。")
    return _download(record.decision_file, "")


def _since(params, today):
    try:
        return dt.date.fromisoformat(params.get("since", ""))
    except ValueError:
        return today.replace(day=1)


@require(VIEW)
def notice_page(request):
    today = timezone.localdate()
    since = _since(request.GET, today)
    data = notice.notice_data(request.user, today=today, since=since)
    return render(request, "supervision/notice.html", {"data": data, "since": since})


@require(VIEW)
def notice_download(request):
    today = timezone.localdate()
    since = _since(request.GET, today)
    data = notice.notice_data(request.user, today=today, since=since)
    name = f"督办事项进展通报（{today:%Y年%-m月%-d日}）.docx"
    exports.audit_document(
        actor=request.user,
        object_type="supervision.notice",
        filename=name,
        params={"since": since.isoformat()},
    )
    return exports.attachment(notice.notice_docx(data), name, DOCX)

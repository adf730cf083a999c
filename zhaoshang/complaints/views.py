"""Complaint pages: the discipline office's list, registration and the complaint with its
actions (accept, assign, conclude, rate, escalate, typical case); a department's tasks;
typical cases. Reading a complaint is logged (a confidential record)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import exports
from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.org.models import Department

from . import queries, services
from .models import Complaint, ComplaintTask, TypicalCase
from .workflow import COMPLAINT_CLOCK, COMPLAINTS

VIEW = roles.VIEW_COMPLAINT
HANDLE = roles.HANDLE_COMPLAINT
TASKS = roles.ANSWER_COMPLAINT_TASK


class ComplaintForm(StyledFormMixin, forms.Form):
    complainant_name = forms.CharField(label="投诉人", max_length=50)
    contact = forms.CharField(label="联系方式", max_length=100)
    enterprise_name = forms.CharField(label="所在企业", max_length=200, required=False)
    content = forms.CharField(label="投诉内容", widget=forms.Textarea(attrs={"rows": 5}))
    source = forms.ChoiceField(
        label="来源", choices=[c for c in Complaint.Source.choices if c[0] != "portal"]
    )


class CaseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(
        label="基本案情（须隐去投诉人与企业信息）", widget=forms.Textarea(attrs={"rows": 4})
    )
    handling = forms.CharField(label="处理情况", widget=forms.Textarea(attrs={"rows": 4}))


def _errors(form):
    return "；".join(e for errs in form.errors.values() for e in errs)


@require(VIEW)
def complaint_list(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "complaints.complaints", request.GET)
    qs = queries.filtered(request.user, request.GET, today).values(
        "pk",
        "number",
        "complainant_name",
        "enterprise_name",
        "status",
        "level",
        "due_on",
        "received_on",
        "source",
    )
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "page": paginate(request, qs),
            "today": today,
            "filters": request.GET,
            "statuses": Complaint.Status.choices,
            "status_labels": dict(Complaint.Status.choices),
            "levels": dict(COMPLAINT_CLOCK.chain),
        },
    )


@exports.register("complaints.complaints", object_type="complaints.complaint")
def complaint_table(user, params):
    qs = queries.filtered(user, params, timezone.localdate())
    statuses, ratings = dict(Complaint.Status.choices), dict(Complaint.Rating.choices)
    headers = [
        "投诉编号",
        "投诉人",
        "联系方式",
        "所在企业",
        "投诉内容",
        "来源",
        "状态",
        "收到日期",
        "受理日期",
        "期限",
        "处理结果",
        "处理日期",
        "是否按期",
        "投诉人评价",
    ]
    rows = qs.values_list(
        "number",
        "complainant_name",
        "contact",
        "enterprise_name",
        "content",
        "source",
        "status",
        "received_on",
        "accepted_on",
        "due_on",
        "result",
        "concluded_on",
        "on_time",
        "rating",
    )
    sources = dict(Complaint.Source.choices)

    def out():
        for r in rows.iterator():
            yield [
                *r[:5],
                str(sources[r[5]]),
                str(statuses[r[6]]),
                *r[7:12],
                {True: "按期", False: "超期", None: ""}[r[12]],
                str(ratings.get(r[13], "")),
            ]

    return exports.Table("投诉清单", [("投诉", headers, out())], count=qs.count())


@require(HANDLE)
def complaint_create(request):
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(
                request,
                f"投诉已登记，编号 {complaint.number}，请于{complaint.due_on:%Y年%-m月%-d日}前受理。",
            )
            return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form})


def _complaint(request, pk):
    complaint = queries.complaint_for(request.user, pk)
    if complaint is None:
        raise Http404("没有找到该投诉，或您无权查看。")
    return complaint


@require(VIEW)
def complaint_detail(request, pk):
    complaint = _complaint(request, pk)
    audit_record(AuditEvent.Action.VIEW, actor=request.user, obj=complaint, detail="查阅投诉")
    can = request.user.has_perm(HANDLE)
    moves = [dst for dst, _ in COMPLAINTS.moves_from(complaint.status)] if can else []
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "c": complaint,
            "steps": complaint.steps.select_related("actor"),
            "tasks": complaint.tasks.select_related("department"),
            "moves": moves,
            "can": can,
            "today": timezone.localdate(),
            "level_label": COMPLAINT_CLOCK.label(complaint.level),
            "next_level": COMPLAINT_CLOCK.next_level(complaint.level),
            "open": complaint.status in ("received", "accepted"),
            "departments": Department.objects.filter(is_active=True).exclude(
                kind__in=["discipline", "leadership"]
            ),
            "ratings": Complaint.Rating.choices,
            "case": TypicalCase.objects.filter(complaint=complaint).first(),
            "case_form": CaseForm(),
        },
    )


@require(HANDLE)
@require_POST
def complaint_action(request, pk):
    c = _complaint(request, pk)
    p = request.POST
    action = p.get("action", "")
    version = int(p["version"]) if p.get("version", "").isdigit() else None
    common = {"actor": request.user, "complaint": c, "version": version}
    rating = int(p["rating"]) if p.get("rating", "").isdigit() else None
    try:
        if action == "accept":
            services.complaint_accept(**common)
        elif action == "reject":
            services.complaint_reject(reason=p.get("note", ""), **common)
        elif action == "conclude":
            services.complaint_conclude(result=p.get("note", ""), **common)
        elif action == "rate":
            services.complaint_rate(rating=rating, **common)
        elif action == "reinvestigate":
            services.complaint_reinvestigate(reason=p.get("note", ""), **common)
        elif action == "escalate":
            services.complaint_escalate(note=p.get("note", ""), **common)
        elif action == "assign":
            unit = Department.objects.filter(pk=p.get("department") or 0).first()
            if unit is None:
                raise ValidationError("请选择承办单位。")
            days = int(p["days"]) if p.get("days", "").isdigit() else None
            services.complaint_assign(
                actor=request.user,
                complaint=c,
                department=unit,
                brief=p.get("brief", ""),
                days=days,
            )
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已办理。")
    return redirect("complaints:complaint_detail", pk=pk)


@require(HANDLE)
@require_POST
def case_edit(request, pk):
    c = _complaint(request, pk)
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("complaints:complaint_detail", pk=pk)
    try:
        services.typical_case_save(
            actor=request.user,
            complaint=c,
            case=TypicalCase.objects.filter(complaint=c).first(),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "典型案例已保存，公开前请再次核对已隐去投诉人信息。")
    return redirect("complaints:complaint_detail", pk=pk)


@require(HANDLE)
def case_list(request):
    return render(
        request,
        "complaints/case_list.html",
        {"page": paginate(request, queries.cases(request.user).order_by("-id"))},
    )


@require(HANDLE)
@require_POST
def case_publish(request, pk):
    case = get_object_or_404(queries.cases(request.user), pk=pk)
    publish = request.POST.get("publish") == "1"
    services.typical_case_publish(actor=request.user, case=case, publish=publish)
    messages.success(request, "典型案例已公开，门户网站可见。" if publish else "典型案例已撤回。")
    return redirect("complaints:case_list")


# --- A department's tasks: only the task's own columns ---------------------------------------
@require(TASKS)
def task_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "complaints.tasks", request.GET)
    return render(
        request,
        "complaints/task_list.html",
        {
            "page": paginate(request, queries.task_rows(request.user, request.GET)),
            "filters": request.GET,
            "statuses": ComplaintTask.Status.choices,
            "today": timezone.localdate(),
        },
    )


@exports.register("complaints.tasks", object_type="complaints.complainttask")
def task_table(user, params):
    rows = list(queries.task_rows(user, params))
    statuses = dict(ComplaintTask.Status.choices)
    headers = ["交办编号", "承办单位", "交办事项", "报送期限", "状态", "核查情况", "报送日期"]
    return exports.Table(
        "投诉核查交办事项",
        [
            (
                "交办事项",
                headers,
                [
                    [
                        r["reference"],
                        r["department__name"],
                        r["brief"],
                        r["due_on"],
                        str(statuses[r["status"]]),
                        r["findings"],
                        r["reported_on"],
                    ]
                    for r in rows
                ],
            )
        ],
        count=len(rows),
    )


@require(TASKS)
def task_detail(request, pk):
    task = queries.task_for(request.user, pk)
    if task is None:
        raise Http404("没有找到该交办事项，或您无权查看。")
    if request.method == "POST":
        row = ComplaintTask.objects.select_related("department").get(pk=task["pk"])
        version = (
            int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        )
        try:
            services.task_report(
                actor=request.user,
                task=row,
                findings=request.POST.get("findings", ""),
                version=version,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "核查情况已报送纪检监察部门。")
            return redirect("complaints:task_detail", pk=pk)
    return render(
        request,
        "complaints/task_detail.html",
        {
            "t": task,
            "mine": task["department_id"] == request.user.department_id,
            "today": timezone.localdate(),
        },
    )

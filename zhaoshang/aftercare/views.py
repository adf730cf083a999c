"""Aftercare pages: tickets (list, raise, the ticket with its actions), the dashboard,
ticket types and settings, key enterprises and visit coverage, visits and their calendar,
expansion. Thin: reads in queries.py, writes in services.py and workflow.py."""

import datetime as dt

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common.replica import reads_replica
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.reference.calendar import fallback_notice

from . import queries, services
from .forms import (
    ConfigForm,
    ExpansionForm,
    FindingForm,
    KeyEnterpriseForm,
    TicketActionForm,
    TicketForm,
    TicketTypeForm,
    VisitPlanForm,
    VisitRecordForm,
    units,
)
from .models import AftercareConfig, Ticket, TicketType, Visit
from .workflow import TICKET_CLOCK, TICKETS

VIEW = roles.VIEW_AFTERCARE
MANAGE = roles.MANAGE_AFTERCARE
COORDINATE = roles.COORDINATE_AFTERCARE


def _choices():
    # Units and ticket types kept a minute in the cache, so a list page does not spend
    # two queries on its filter lists (as the project list does).
    lists = cache.get("zs:aftercare-filters")
    if lists is None:
        lists = {
            "departments": list(units().values_list("pk", "name")),
            "types": list(TicketType.objects.values_list("pk", "name")),
        }
        cache.set("zs:aftercare-filters", lists, 60)
    return {
        **lists,
        "statuses": Ticket.Status.choices,
        "levels": TICKET_CLOCK.chain,
        "status_labels": dict(Ticket.Status.choices),
        "level_labels": dict(TICKET_CLOCK.chain),
    }


# --- Tickets ---------------------------------------------------------------------------------
@require(VIEW)
def ticket_list(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "aftercare.tickets", request.GET)
    qs = queries.filtered(request.user, request.GET, today)
    rows = queries.list_order(qs, request.GET).values(*queries.LIST_VALUES)
    page = paginate(request, rows, count=qs.count())
    return render(
        request,
        "aftercare/ticket_list.html",
        {"page": page, "today": today, "filters": request.GET, **_choices()},
    )


@exports.register("aftercare.tickets", object_type="aftercare.ticket")
def ticket_table(user, params):
    today = timezone.localdate()
    qs = queries.filtered(user, params, today)
    rows = queries.list_order(qs, params).values_list(
        "number",
        "enterprise__name",
        "ticket_type__name",
        "title",
        "department__name",
        "street__name",
        "status",
        "level",
        "raised_on",
        "due_on",
        "answered_on",
        "handling_days",
        "on_time",
        "rating",
    )
    statuses, levels = dict(Ticket.Status.choices), dict(TICKET_CLOCK.chain)
    ratings = dict(Ticket.Rating.choices)
    headers = [
        "诉求编号",
        "企业",
        "事项类型",
        "诉求事项",
        "责任单位",
        "所在街道",
        "状态",
        "协调层级",
        "登记日期",
        "办结期限",
        "答复日期",
        "办理用时（工作日）",
        "是否按期",
        "企业评价",
    ]

    def out():
        for r in rows.iterator(chunk_size=2000):
            on_time = {True: "按期", False: "超期", None: ""}[r[12]]
            yield [
                *r[:6],
                str(statuses[r[6]]),
                str(levels[r[7]]),
                *r[8:12],
                on_time,
                str(ratings.get(r[13], "")),
            ]

    return exports.Table("企业诉求清单", [("企业诉求", headers, out())], count=qs.count())


@require(MANAGE)
def ticket_create(request):
    form = TicketForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = services.ticket_raise(actor=request.user, **d)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            text = f"诉求已登记，编号 {ticket.number}，办结期限{ticket.due_on:%Y年%-m月%-d日}。"
            if notice := fallback_notice(ticket.due_on):
                text += f"（{notice}）"
            messages.success(request, text)
            return redirect("aftercare:ticket_detail", pk=ticket.pk)
    return render(request, "aftercare/ticket_form.html", {"form": form})


def _ticket(request, pk):
    ticket = queries.ticket_for(request.user, pk)
    if ticket is None:
        raise Http404("没有找到该诉求，或您无权查看。")
    return ticket


@require(VIEW)
def ticket_detail(request, pk):
    ticket = _ticket(request, pk)
    user = request.user
    actions = []
    if user.has_perm(MANAGE):
        if ticket.status == Ticket.Status.OPEN:
            actions = ["progress", "answer", "escalate"]
            if user.has_perm(COORDINATE):
                actions += ["transfer", "close"]
        elif ticket.status == Ticket.Status.ANSWERED:
            actions = ["rate", "reopen"]
    return render(
        request,
        "aftercare/ticket_detail.html",
        {
            "ticket": ticket,
            "steps": queries.steps_of(ticket),
            "actions": actions,
            "today": timezone.localdate(),
            "next_level": TICKET_CLOCK.next_level(ticket.level),
            "level_label": TICKET_CLOCK.label(ticket.level),
            "ratings": Ticket.Rating.choices,
            "departments": units(),
            "expansion_form": ExpansionForm(),
            "status_label": TICKETS.label(ticket.status),
        },
    )


@require(MANAGE)
@require_POST
def ticket_action(request, pk):
    ticket = _ticket(request, pk)
    form = TicketActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("aftercare:ticket_detail", pk=pk)
    d = form.cleaned_data
    common = {"actor": request.user, "ticket": ticket, "version": d["version"]}
    action = d["action"]
    try:
        if action == "progress":
            services.ticket_progress(note=d["note"], **common)
        elif action == "answer":
            services.ticket_answer(answer=d["note"], **common)
        elif action == "rate":
            services.ticket_rate(rating=d["rating"], note=d["note"], **common)
        elif action == "reopen":
            services.ticket_reopen(note=d["note"], **common)
        elif action == "escalate":
            services.ticket_escalate(note=d["note"], **common)
        elif action == "transfer":
            if d["department"] is None:
                raise ValidationError("请选择新的责任单位。")
            services.ticket_transfer(department=d["department"], note=d["note"], **common)
        else:
            services.ticket_close(note=d["note"], **common)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        ticket.refresh_from_db()
        text = f"诉求 {ticket.number}：{dict(TicketActionForm.base_fields['action'].choices)[action]}已记录。"
        if action in ("escalate", "reopen", "transfer"):
            text += f"新的办结期限为{ticket.due_on:%Y年%-m月%-d日}。"
        messages.success(request, text)
    return redirect("aftercare:ticket_detail", pk=pk)


@require(MANAGE)
@require_POST
def ticket_expansion(request, pk):
    ticket = _ticket(request, pk)
    return _expansion(request, ticket.enterprise, ticket=ticket)


def _expansion(request, enterprise, *, ticket=None, visit=None):
    form = ExpansionForm(request.POST)
    back = (
        redirect("aftercare:ticket_detail", pk=ticket.pk)
        if ticket
        else redirect("aftercare:visit_detail", pk=visit.pk)
    )
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return back
    d = form.cleaned_data
    try:
        expansion = services.expansion_record(
            actor=request.user,
            enterprise=enterprise,
            kind=d["kind"],
            estimated_investment=d["amount"],
            description=d["description"],
            ticket=ticket,
            visit=visit,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return back
    messages.success(
        request, f"增资扩产意向已登记，并已在项目库建立项目“{expansion.project.name}”。"
    )
    return redirect("pipeline:project_detail", pk=expansion.project_id)


# --- The dashboard ---------------------------------------------------------------------------
@require(VIEW)
@reads_replica
def dashboard(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "aftercare.dashboard", request.GET)
    data = queries.dashboard(request.user, request.GET, today)
    return render(
        request,
        "aftercare/dashboard.html",
        {"d": data, "years": range(today.year, today.year - 5, -1), "today": today},
    )


@exports.register("aftercare.dashboard", object_type="aftercare.ticket")
def dashboard_table(user, params):
    data = queries.dashboard(user, params, timezone.localdate())
    headers = [
        "名称",
        "答复件数",
        "按期件数",
        "按期办结率",
        "平均办理用时（工作日）",
        "已评价",
        "满意",
        "基本满意",
        "不满意",
        "满意率",
    ]

    def rows(items, key):
        return [
            [
                r[key],
                r["answered"],
                r["on_time"],
                formats.Rate(r["on_time_rate"]),
                r["days"],
                r["rated"],
                r["satisfied"],
                r["fair"],
                r["unsatisfied"],
                formats.Rate(r["satisfaction_rate"]),
            ]
            for r in items
        ]

    by_unit = rows(data["by_unit"], "department__name")
    by_type = rows(data["by_type"], "ticket_type__name")
    return exports.Table(
        f"{data['year']}年企业诉求办理情况",
        [("按责任单位", headers, by_unit), ("按事项类型", headers, by_type)],
        count=len(by_unit) + len(by_type),
    )


# --- Ticket types and settings (the office) ---------------------------------------------------
@require(COORDINATE)
def type_list(request):
    config = AftercareConfig.current()
    form = ConfigForm(
        request.POST or None, initial={"visit_interval_months": config.visit_interval_months}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.config_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "走访频次已保存。")
            return redirect("aftercare:type_list")
    types = TicketType.objects.select_related("default_department")
    return render(request, "aftercare/type_list.html", {"types": types, "form": form})


@require(COORDINATE)
def type_edit(request, pk=None):
    row = get_object_or_404(TicketType, pk=pk) if pk else None
    form = TicketTypeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in TicketTypeForm.Meta.fields}
        try:
            services.ticket_type_save(actor=request.user, data=data, ticket_type=row)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"事项类型“{data['name']}”已保存。")
            return redirect("aftercare:type_list")
    return render(request, "aftercare/type_form.html", {"form": form, "row": row})


# --- Key enterprises, coverage, visits ---------------------------------------------------------
@require(VIEW)
def coverage(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "aftercare.coverage", request.GET)
    qs, (first, last, months), counts = queries.coverage(request.user, today, request.GET)
    page = paginate(request, qs)
    last_visits = queries.last_visits([k.enterprise_id for k in page.object_list])
    form = KeyEnterpriseForm(user=request.user) if request.user.has_perm(COORDINATE) else None
    return render(
        request,
        "aftercare/coverage.html",
        {
            "page": page,
            "first": first,
            "last": last,
            "months": months,
            "counts": counts,
            "last_visits": last_visits,
            "filters": request.GET,
            "departments": list(units().values_list("pk", "name")),
            "form": form,
        },
    )


@exports.register("aftercare.coverage", object_type="aftercare.keyenterprise")
def coverage_table(user, params):
    today = timezone.localdate()
    qs, (first, last, months), _ = queries.coverage(user, today, params)
    rows = list(qs)
    last_visits = queries.last_visits([k.enterprise_id for k in rows])
    headers = [
        "企业",
        "包联单位",
        "所在街道",
        "列入日期",
        f"本期（{first}至{last}）已走访",
        "最近走访日期",
    ]
    return exports.Table(
        "重点企业走访情况",
        [
            (
                "走访情况",
                headers,
                [
                    [
                        k.enterprise.name,
                        k.department.name,
                        k.street.name if k.street else "",
                        k.since,
                        "是" if k.visited else "否",
                        last_visits.get(k.enterprise_id),
                    ]
                    for k in rows
                ],
            )
        ],
        count=len(rows),
    )


@require(COORDINATE)
@require_POST
def key_enterprise_add(request):
    form = KeyEnterpriseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.key_enterprise_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"“{form.cleaned_data['enterprise'].name}”已列为重点服务企业。"
            )
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("aftercare:coverage")


@require(VIEW)
def visit_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "aftercare.visits", request.GET)
    qs = _visit_filter(queries.visits(request.user), request.GET)
    page = paginate(
        request,
        qs.order_by("-planned_on", "-id").values(
            "pk",
            "planned_on",
            "visited_on",
            "status",
            "visitors",
            "purpose",
            "enterprise__name",
            "department__name",
        ),
    )
    form = VisitPlanForm(user=request.user) if request.user.has_perm(MANAGE) else None
    return render(
        request,
        "aftercare/visit_list.html",
        {"page": page, "form": form, "filters": request.GET, "statuses": Visit.Status.choices},
    )


def _visit_filter(qs, params):
    if (status := params.get("status", "")) in Visit.Status.values:
        qs = qs.filter(status=status)
    if q := params.get("q", "").strip()[:50]:
        qs = qs.filter(enterprise__name__contains=q)
    return qs


@exports.register("aftercare.visits", object_type="aftercare.visit")
def visit_table(user, params):
    qs = _visit_filter(queries.visits(user), params).order_by("-planned_on", "-id")
    statuses = dict(Visit.Status.choices)
    headers = [
        "企业",
        "走访单位",
        "状态",
        "计划日期",
        "走访日期",
        "走访人员",
        "企业接待人员",
        "走访事由",
        "发现的问题与诉求",
    ]
    rows = qs.values_list(
        "enterprise__name",
        "department__name",
        "status",
        "planned_on",
        "visited_on",
        "visitors",
        "met_with",
        "purpose",
        "findings",
    )
    return exports.Table(
        "走访记录",
        [
            (
                "走访记录",
                headers,
                ([r[0], r[1], str(statuses[r[2]]), *r[3:]] for r in rows.iterator()),
            )
        ],
        count=qs.count(),
    )


@require(MANAGE)
@require_POST
def visit_create(request):
    form = VisitPlanForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            visit = services.visit_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已安排{visit.planned_on:%Y年%-m月%-d日}走访“{visit.enterprise.name}”。"
            )
            return redirect("aftercare:visit_detail", pk=visit.pk)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("aftercare:visit_list")


def _visit(request, pk):
    visit = queries.visit_for(request.user, pk)
    if visit is None:
        raise Http404("没有找到该走访记录，或您无权查看。")
    return visit


@require(VIEW)
def visit_detail(request, pk):
    visit = _visit(request, pk)
    return render(
        request,
        "aftercare/visit_detail.html",
        {
            "visit": visit,
            "record_form": VisitRecordForm(
                initial={"version": visit.version, "visited_on": visit.planned_on}
            ),
            "finding_form": FindingForm(initial={"description": visit.findings}),
            "expansion_form": ExpansionForm(),
            "tickets": visit.tickets.values("pk", "number", "title", "status"),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@require(MANAGE)
@require_POST
def visit_action(request, pk):
    visit = _visit(request, pk)
    action = request.POST.get("action")
    try:
        if action == "record":
            form = VisitRecordForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            d = form.cleaned_data
            services.visit_record(
                actor=request.user,
                visit=visit,
                visited_on=d["visited_on"],
                met_with=d["met_with"],
                findings=d["findings"],
                version=d["version"],
            )
            messages.success(request, "走访情况已登记。")
        elif action == "cancel":
            services.visit_cancel(actor=request.user, visit=visit)
            messages.success(request, "走访已取消。")
        elif action == "ticket":
            form = FindingForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            ticket = services.visit_finding_to_ticket(
                actor=request.user, visit=visit, **form.cleaned_data
            )
            messages.success(
                request, f"已转为企业诉求 {ticket.number}，责任单位：{ticket.department.name}。"
            )
            return redirect("aftercare:ticket_detail", pk=ticket.pk)
        elif action == "expansion":
            return _expansion(request, visit.enterprise, visit=visit)
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("aftercare:visit_detail", pk=pk)


@require(VIEW)
def visit_calendar(request):
    today = timezone.localdate()
    try:
        month = dt.date(
            int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month)), 1
        )
    except ValueError:
        month = today.replace(day=1)
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "aftercare/visit_calendar.html",
        {
            "weeks": queries.planned_in_month(request.user, month.year, month.month),
            "month": month,
            "prev": prev,
            "next": nxt,
            "today": today,
        },
    )


@require(VIEW)
def expansion_list(request):
    page = paginate(request, queries.expansions(request.user).order_by("-id"))
    return render(request, "aftercare/expansion_list.html", {"page": page})

"""Event pages: the list (and .xlsx), registering and editing an event, the event with
its materials, leads and costs, a material's download, and the quota table (and .xlsx)
with the office's per-year setting. Thin: reads in queries.py, writes in services.py."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.budget.services import spending_for
from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import queries, services
from .forms import (
    CostForm,
    EventForm,
    LeadForm,
    MaterialForm,
    QuotaForm,
    ZoneQuotaForm,
    units,
)
from .models import EventMaterial, EventType, ZoneQuota

VIEW = roles.VIEW_EVENT
MANAGE = roles.MANAGE_EVENT
TYPES = dict(EventType.choices)


def _event(request, pk):
    event = queries.event_for(request.user, pk)
    if event is None:
        raise Http404("活动不存在或不在您的查阅范围内。")
    return event


def _may_edit(user, event):
    """The organiser's people (its scope) and the office edit an event; a partner reads."""
    return user.has_perm(MANAGE) and (
        user.has_perm(roles.MANAGE_EVENT_QUOTA)
        or event.organiser.path.startswith(user.department.path)
    )


@require(VIEW)
def event_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "events.events", request.GET)
    qs = queries.filtered(request.user, request.GET)
    page = paginate(request, queries.list_rows(qs), count=qs.count())
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "filters": request.GET,
            "types": EventType.choices,
            "type_labels": TYPES,
            "units": list(units().values_list("pk", "name")),
            "years": range(timezone.localdate().year + 1, 2019, -1),
        },
    )


@exports.register("events.events", object_type="events.event")
def event_table(user, params):
    qs = queries.filtered(user, params)
    rows = qs.order_by("-starts_on", "-id").values_list(
        "title", "event_type", "organiser__name", "starts_on", "ends_on", "city", "venue"
    )
    headers = ["活动名称", "活动类型", "主办单位", "开始日期", "结束日期", "举办城市", "地点"]

    def out():
        for r in rows.iterator(chunk_size=2000):
            yield [r[0], TYPES.get(r[1], r[1]), *r[2:]]

    return exports.Table("招商推介活动清单", [("推介活动", headers, out())], count=qs.count())


@require(MANAGE)
def event_create(request):
    initial = {"organiser": request.user.department_id, "city": "天津"}
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"活动“{event.title}”已登记。")
            return redirect("events:event_detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@require(MANAGE)
def event_edit(request, pk):
    event = _event(request, pk)
    if not _may_edit(request.user, event):
        raise Http404("只有主办单位可以修改活动。")
    initial = {
        "title": event.title,
        "event_type": event.event_type,
        "organiser": event.organiser_id,
        "partners": list(event.partners.all()),
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "city": event.city,
        "venue": event.venue,
        "description": event.description,
        "enterprise_names": "\n".join(e.name for e in event.enterprises.all()),
        "officials": list(event.officials.all()),
    }
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                actor=request.user,
                event=event,
                data=form.service_data(),
                version=int(request.POST.get("version") or event.version),
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "活动已修改。")
            return redirect("events:event_detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@require(VIEW)
def event_detail(request, pk):
    event = _event(request, pk)
    editable = _may_edit(request.user, event)
    costs = list(spending_for(event).order_by("occurred_on", "id"))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "editable": editable,
            "leads": queries.leads_of(event),
            "materials": event.materials.all(),
            "costs": costs,
            "cost_total": sum((c.amount for c in costs), 0),
            "material_form": MaterialForm() if editable else None,
            "lead_form": LeadForm(user=request.user)
            if request.user.has_perm(roles.MANAGE_PIPELINE) and request.user.has_perm(MANAGE)
            else None,
            "cost_form": CostForm(initial={"occurred_on": event.ends_on.isoformat()})
            if editable
            else None,
        },
    )


@require(MANAGE)
@require_POST
def event_action(request, pk):
    event = _event(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "lead":
            form = LeadForm(request.POST, user=request.user)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            lead = services.lead_register_from_event(
                actor=request.user,
                event=event,
                enterprise=form.cleaned_data["enterprise"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, f"已登记线索“{lead.name}”，并记为本次活动的成果。")
        elif not _may_edit(request.user, event):
            raise Http404("只有主办单位可以登记活动材料和费用。")
        elif action == "material":
            form = MaterialForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            services.material_add(
                actor=request.user,
                event=event,
                file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, "活动材料已上传。")
        elif action == "cost":
            form = CostForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            services.cost_post(actor=request.user, event=event, **form.cleaned_data)
            messages.success(request, "活动费用已计入本单位专项经费。")
        else:
            raise Http404("未知的操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("events:event_detail", pk=event.pk)


@require(VIEW)
def material_download(request, pk):
    row = get_object_or_404(EventMaterial.objects.select_related("event"), pk=pk)
    if queries.event_for(request.user, row.event_id) is None:
        raise Http404("材料不存在。")
    audit_record(AuditEvent.Action.VIEW, actor=request.user, obj=row.event, detail="下载活动材料")
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.file.name.rsplit("/", 1)[-1]
    )


# --- Quota -------------------------------------------------------------------------------------
def _year(params):
    year = str(params.get("year", ""))
    today = timezone.localdate()
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year


@require(VIEW)
def quota_list(request):
    year = _year(request.GET)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "events.quota", {"year": str(year)})
    today = timezone.localdate()
    as_of = min(today, dt.date(year, 12, 31))
    rows = queries.quota_rows(request.user, year, as_of)
    may_set = request.user.has_perm(roles.MANAGE_EVENT_QUOTA)
    return render(
        request,
        "events/quota_list.html",
        {
            "rows": rows,
            "year": year,
            "as_of": as_of,
            "met": sum(1 for r in rows if r["met"]),
            "years": range(today.year + 1, 2019, -1),
            "form": QuotaForm(initial={"year": year}) if may_set else None,
            "zone_form": ZoneQuotaForm() if may_set else None,
            "zones": ZoneQuota.objects.select_related("zone__department").order_by("zone__name"),
        },
    )


@exports.register("events.quota", object_type="events.event")
def quota_table(user, params):
    year = _year(params)
    as_of = min(timezone.localdate(), dt.date(year, 12, 31))
    rows = queries.quota_rows(user, year, as_of)
    headers = [
        "单位",
        "年度指标（场）",
        "指标来源",
        "已举办（场）",
        "已安排未举办（场）",
        "完成情况",
    ]
    data = [
        [
            r["name"],
            r["quota"],
            r["source"],
            r["held"],
            r["planned"],
            "已完成" if r["met"] else f"尚差 {r['missing']} 场",
        ]
        for r in rows
    ]
    return exports.Table(
        f"{year}年度招商推介活动指标完成情况", [("活动指标", headers, data)], count=len(data)
    )


@require(roles.MANAGE_EVENT_QUOTA)
@require_POST
def quota_set(request):
    form = QuotaForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.quota_set(actor=request.user, **d)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已设定{d['department'].name}{d['year']}年度活动指标为 {d['quota']} 场。"
            )
        return redirect(f"/events/quota/?year={d['year']}")
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("events:quota_list")


@require(roles.MANAGE_EVENT_QUOTA)
@require_POST
def zone_quota_set(request):
    form = ZoneQuotaForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.zone_quota_set(actor=request.user, zone=d["zone"], quota=d["quota"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已设定{d['zone'].name}每年活动指标为 {d['quota']} 场。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("events:quota_list")

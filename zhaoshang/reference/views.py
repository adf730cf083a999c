import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common import imports as import_files
from zhaoshang.common.views import (
    form_errors_to,
    job_import_detail,
    job_import_list,
    render_list,
)
from zhaoshang.org.access import paginate, require
from zhaoshang.org.roles import MANAGE_CALENDAR, MANAGE_REFERENCE, VIEW_REFERENCE

from . import calendar, imports, queries, services
from .forms import (
    CalendarDayForm,
    CalendarImportForm,
    CarrierForm,
    KeyIndustryForm,
    ZoneForm,
)
from .imports import (
    CALENDAR_COLUMNS,
    COLUMNS,
    calendar_dry_run,
    calendar_import_commit,
)
from .models import CalendarDay, Carrier, KeyIndustry, Region, Zone

VIEW = VIEW_REFERENCE
MANAGE = MANAGE_REFERENCE


def _edit(request, *, form_class, instance, create, update, template, title, back):
    """The shared create/edit flow: a versioned form, a service call, field errors back."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            obj = (
                create(actor=request.user, data=data)
                if instance is None
                else update(request.user, instance, data, form.cleaned_data["version"])
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"“{obj}”已保存。")
            return redirect(back)
    return render(
        request, template, {"form": form, "object": instance, "title": title, "back": back}
    )


@exports.register("reference.industries", object_type="reference.industry")
def industry_table(user, params):
    sections = queries.industry_tree(params.get("q", "").strip())
    rows = [[s.code, s.name, "", ""] for s in sections] + [
        [d.code, d.name, s.code, s.name] for s in sections for d in s.shown
    ]
    return exports.Table(
        "国民经济行业分类",
        [("GBT4754-2017", ["代码", "名称", "门类代码", "门类名称"], sorted(rows))],
        count=len(rows),
    )


@require(VIEW)
def industry_list(request):
    q = request.GET.get("q", "").strip()
    sections = queries.industry_tree(q)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "reference.industries", request.GET)
    return render_list(request, "reference/industry_list.html", {"sections": sections, "q": q})


@exports.register("reference.key_industries", object_type="reference.keyindustry")
def key_industry_table(user, params):
    items = queries.key_industries()
    return exports.Table(
        "重点产业",
        [
            (
                "重点产业",
                ["重点产业", "主管单位", "战略性新兴产业", "对应国民经济行业", "产业定位"],
                (
                    [
                        k.name,
                        k.department.name,
                        "是" if k.strategic_emerging else "否",
                        "、".join(str(d) for d in k.divisions.all()),
                        k.description,
                    ]
                    for k in items
                ),
            )
        ],
        count=len(items),
    )


@require(VIEW)
def key_industry_list(request):
    items = queries.key_industries()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "reference.key_industries", request.GET)
    return render(request, "reference/key_industry_list.html", {"items": items})


@require(MANAGE)
def key_industry_edit(request, pk=None):
    return _edit(
        request,
        form_class=KeyIndustryForm,
        instance=get_object_or_404(KeyIndustry, pk=pk) if pk else None,
        create=services.key_industry_create,
        update=lambda actor, obj, data, v: services.key_industry_update(
            actor=actor, key_industry=obj, data=data, version=v
        ),
        template="reference/edit.html",
        title="重点产业",
        back="reference:key_industry_list",
    )


@exports.register("reference.zones", object_type="reference.zone")
def zone_table(user, params):
    items = queries.zones()
    return exports.Table(
        "功能区",
        [
            (
                "功能区",
                ["功能区", "产业定位", "主导产业", "管理单位", "面积（平方公里）", "载体数"],
                (
                    [
                        z.name,
                        z.positioning,
                        "、".join(k.name for k in z.key_industries.all()),
                        z.department.name if z.department else "",
                        z.area_km2,
                        z.carrier_count,
                    ]
                    for z in items
                ),
            )
        ],
        count=len(items),
    )


@require(VIEW)
def zone_list(request):
    items = queries.zones()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "reference.zones", request.GET)
    return render(request, "reference/zone_list.html", {"items": items})


@require(MANAGE)
def zone_edit(request, pk=None):
    return _edit(
        request,
        form_class=ZoneForm,
        instance=get_object_or_404(Zone, pk=pk) if pk else None,
        create=services.zone_create,
        update=lambda actor, obj, data, v: services.zone_update(
            actor=actor, zone=obj, data=data, version=v
        ),
        template="reference/edit.html",
        title="功能区",
        back="reference:zone_list",
    )


@exports.register("reference.regions", object_type="reference.region")
def region_table(user, params):
    items = queries.regions(**{k: params.get(k, "") for k in ("kind", "area", "q")})
    return exports.Table(
        "地区",
        [
            (
                "地区",
                ["代码", "名称", "英文名", "类别", "所属经济区域"],
                (
                    [
                        r.code,
                        r.name,
                        r.name_en,
                        r.get_kind_display(),
                        "、".join(a.name for a in r.areas.all()),
                    ]
                    for r in items
                ),
            )
        ],
        count=items.count(),
    )


@require(VIEW)
def region_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("kind", "area", "q")}
    items = queries.regions(**filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "reference.regions", request.GET)
    context = {
        "page": paginate(request, items, per_page=100),
        "filters": filters,
        "areas": queries.economic_areas(),
        "kinds": Region.Kind.choices,
    }
    return render_list(request, "reference/region_list.html", context)


CARRIER_FILTERS = ("kind", "zone", "industry", "vacant", "reserve", "q")


@exports.register("reference.carriers", object_type="reference.carrier")
def carrier_table(user, params):
    items = queries.carriers(**{k: params.get(k, "") for k in CARRIER_FILTERS})
    return exports.Table(
        "载体",
        [
            (
                "载体",
                [c.label for c in COLUMNS] + ["面积单位", "空置率"],
                (
                    [
                        c.name,
                        c.get_kind_display(),
                        c.address,
                        c.zone.name if c.zone else "",
                        c.total_area,
                        c.vacant_area,
                        "、".join(k.name for k in c.leading_industries.all()),
                        c.operator,
                        c.contact_name,
                        c.contact_phone,
                        "是" if c.idle_reserve else "否",
                        "是" if c.reserved_for_major else "否",
                        c.area_unit,
                        formats.Rate(c.vacancy_rate),
                    ]
                    for c in items
                ),
            )
        ],
        count=items.count(),
    )


@require(VIEW)
def carrier_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in CARRIER_FILTERS}
    items = queries.carriers(**filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "reference.carriers", request.GET)
    context = {
        "page": paginate(request, items),
        "filters": filters,
        "kinds": Carrier.Kind.choices,
        "zones": Zone.objects.all(),
        "industries": KeyIndustry.objects.all(),
        "summary": queries.carrier_summary(),
    }
    return render_list(request, "reference/carrier_list.html", context)


@require(VIEW)
def carrier_detail(request, pk):
    carrier = get_object_or_404(queries.carriers(), pk=pk)
    return render(request, "reference/carrier_detail.html", {"carrier": carrier})


@require(MANAGE)
def carrier_edit(request, pk=None):
    carrier = get_object_or_404(Carrier, pk=pk) if pk else None
    return _edit(
        request,
        form_class=CarrierForm,
        instance=carrier,
        create=services.carrier_create,
        update=lambda actor, obj, data, v: services.carrier_update(
            actor=actor, carrier=obj, data=data, version=v
        ),
        template="reference/edit.html",
        title="载体",
        back="reference:carrier_list",
    )


@require(MANAGE)
def carrier_import(request):
    """Upload → mapping → dry run in the worker → commit (common/imports.JobImport)."""
    return job_import_list(request, imports.CARRIERS)


@require(MANAGE)
def carrier_import_detail(request, pk):
    return job_import_detail(request, imports.CARRIERS, pk)


# --- The working calendar ------------------------------------------------------------------
def _calendar_url(year):
    return f"{reverse('reference:calendar')}?year={year}"


@require(MANAGE_CALENDAR)
def calendar_page(request):
    """The years and their entered days; a POST enters (or corrects) one day."""
    today = timezone.localdate()
    years = queries.calendar_years(today)
    try:
        year = int(request.GET.get("year") or today.year + 1)
    except ValueError:
        year = today.year + 1
    if not 1900 < year < 2200:  # a typed address, not a year anyone keeps
        year = today.year + 1
    form = CalendarDayForm(request.POST or None, initial={"date": f"{year}-01-01"})
    if request.method == "POST" and form.is_valid():
        try:
            day, action = services.calendar_day_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            done = {"create": "已录入", "update": "已修改", "unchanged": "已录入过，未变化"}
            messages.success(request, f"{day}：{done[action]}。")
            return redirect(_calendar_url(day.date.year))
    context = {
        "years": years,
        "year": year,
        "current": next((y for y in years if y["year"] == year), None),
        "days": queries.calendar_days(year),
        "library_days": calendar.library_days(year),
        "library_last": calendar.LIBRARY_YEARS[-1],
        "covered": calendar.year_covered(year),
        "notice": calendar.fallback_notice(dt.date(year, 1, 1)),
        "form": form,
    }
    return render(request, "reference/calendar.html", context)


@require(MANAGE_CALENDAR)
@require_POST
def calendar_day_delete(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, f"已删除 {day}。")
    return redirect(_calendar_url(day.date.year))


@require(MANAGE_CALENDAR)
def calendar_import(request):
    """A year's notice from .xlsx (日期, 类型 放假/上班, 说明): upload → dry run with every
    rejected row's row, column and reason → commit, all or nothing."""
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": CALENDAR_COLUMNS}
    try:
        if request.method == "POST" and request.POST.get("token"):
            token, notice = request.POST["token"], request.POST.get("notice", "")
            result, counts = calendar_import_commit(token, actor=request.user, notice=notice)
            if counts is not None:
                import_files.discard(token)
                messages.success(
                    request,
                    f"导入完成：新增 {counts['create']} 天，更新 {counts['update']} 天，"
                    f"未变化 {counts['unchanged']} 天。",
                )
                return redirect("reference:calendar")
            context.update(result=result, token=token, notice=notice)
        elif request.method == "POST" and form.is_valid():
            token = import_files.store_upload(form.cleaned_data["file"])
            result, plan = calendar_dry_run(token)
            context.update(
                result=result, plan=plan, token=token, notice=form.cleaned_data["notice"]
            )
    except import_files.ImportFileError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form_errors_to(form, exc)
    return render(request, "reference/calendar_import.html", context)

"""Pages of the assessment: the scheme, results (computed in the worker), each unit's
score sheet and the records behind a figure, rankings, call-in list, issue and objections,
and the documents (quarterly bulletin, annual report)."""

import contextlib
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports, formats
from zhaoshang.common.views import reload_whole_page
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.org.models import Department

from . import documents, queries, registry, scoring, services
from .models import Objection, Result

VIEW = roles.VIEW_TARGET
MANAGE = roles.MANAGE_TARGET
GROUP_CHOICES = [
    (Department.Kind.DEPARTMENT, "行业主管部门"),
    (Department.Kind.STREET, "街道"),
    (Department.Kind.ZONE, "功能区"),
]


def _year(params):
    try:
        year = int(params.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# --- Scheme -----------------------------------------------------------------------------------
def _items_from_post(post):
    items = []
    for ind in registry.every():
        p = f"{ind.code}-"
        if not post.get(p + "on"):
            continue
        items.append(
            {
                "code": ind.code,
                "weight": post.get(p + "weight", ""),
                "method": post.get(p + "method", ""),
                "target": post.get(p + "target", "none"),
                "target_value": post.get(p + "target_value", ""),
                "cap": post.get(p + "cap", ""),
                "step": post.get(p + "step", ""),
                "per_case": post.get(p + "per_case", ""),
                "groups": post.getlist(p + "groups"),
            }
        )
    return items


def _call_in_from_post(post):
    rules = []
    for n in range(3):
        code, below = post.get(f"callin-{n}-code", ""), post.get(f"callin-{n}-below", "").strip()
        if code and below:
            rules.append({"code": code, "below": below})
    return rules


def _scheme_rows(items):
    chosen = {i["code"]: i for i in items}
    rows = []
    for ind in registry.every():
        item = chosen.get(ind.code)
        rows.append(
            {
                "ind": ind,
                "on": item is not None,
                "item": item
                or {
                    "weight": "0",
                    "method": scoring.RATE,
                    "target": "target" if ind.target_field else "none",
                    "target_value": "0",
                    "cap": "1",
                    "step": "0",
                    "per_case": "0",
                    "groups": [],
                },
                "unit": registry.KIND_UNITS[ind.kind],
            }
        )
    return rows


@require(VIEW)
def scheme(request):
    """The year's scheme: the latest version, editable by the office; saving makes the
    next version (a result names the version it was scored by)."""
    year = _year(request.GET)
    manage = request.user.has_perm(MANAGE)
    latest = queries.latest_scheme(year)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("您没有修改考核办法的权限。")
        items = _items_from_post(request.POST)
        try:
            saved = services.scheme_save(
                actor=request.user,
                year=year,
                items=items,
                call_in=_call_in_from_post(request.POST),
                call_in_last=bool(request.POST.get("call_in_last")),
                title=request.POST.get("title", ""),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            rules = _call_in_from_post(request.POST)
            context = _scheme_context(year, None, items, rules, manage)
            context["title"] = request.POST.get("title", "")
            context["call_in_last"] = bool(request.POST.get("call_in_last"))
            return render(request, "assessment/scheme.html", context, status=400)
        if latest is not None and saved.pk == latest.pk:
            messages.info(request, "考核办法没有变化，未生成新版本。")
        else:
            messages.success(request, f"已保存{year}年考核办法第{saved.version}版。")
        return redirect(f"{reverse('assessment:scheme')}?year={year}")
    items = latest.items if latest else services.default_items()
    context = _scheme_context(year, latest, items, latest.call_in if latest else [], manage)
    return render(request, "assessment/scheme.html", context)


def _scheme_context(year, latest, items, rules, manage):
    rules = list(rules) + [{"code": "", "below": ""}] * (3 - len(rules))
    weight = Decimal(0)
    for i in items:
        if i.get("method") != scoring.DEDUCT:
            # The message names a field that is not a number; the total counts the rest.
            with contextlib.suppress(InvalidOperation):
                weight += Decimal(str(i.get("weight") or 0))

    return {
        "year": year,
        "years": range(year - 2, year + 2),
        "scheme": latest,
        "title": latest.title if latest else f"{year}年度招商引资工作考核办法",
        "call_in_last": latest.call_in_last if latest else False,
        "rows": _scheme_rows(items),
        "rules": rules[:3],
        "indicators": registry.every(),
        "methods": scoring.METHODS.items(),
        "target_rules": scoring.TARGET_RULES.items(),
        "groups": GROUP_CHOICES,
        "weight": weight,
        "versions": queries.scheme_versions(year),
        "manage": manage,
    }


# --- Results ----------------------------------------------------------------------------------
@require(VIEW)
def result_list(request):
    year = _year(request.GET)
    manage = request.user.has_perm(MANAGE)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("您没有计算考核结果的权限。")
        kind = request.POST.get("kind", "")
        try:
            period = int(request.POST.get(f"period-{kind}") or 0)
        except ValueError:
            period = -1
        try:
            result = services.result_request(
                actor=request.user,
                year=year,
                kind=kind,
                period=period,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(f"{reverse('assessment:result_list')}?year={year}")
        messages.info(request, "已开始计算，可离开本页，稍后回来查看结果。")
        return redirect("assessment:result_detail", pk=result.pk)
    return render(
        request,
        "assessment/result_list.html",
        {
            "year": year,
            "years": range(year - 2, year + 2),
            "results": queries.results_for(request.user, year),
            "scheme": queries.latest_scheme(year),
            "manage": manage,
            "months": range(1, 13),
            "quarters": [(q, f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)],
        },
    )


def _result_or_404(request, pk):
    result = queries.result_for(request.user, pk)
    if result is None:
        raise Http404("没有找到该考核结果。")
    return result


def _groups(result, readable):
    data = result.data
    out = []
    for g in data.get("groups", []):
        rows = []
        for pk in g["units"]:
            sheet = data["units"][str(pk)]
            rows.append(
                {
                    "pk": pk,
                    "name": sheet["name"],
                    "place": sheet.get("place"),
                    "total": Decimal(sheet["total"]),
                    "scores": [
                        sheet["cells"].get(i["code"], {}).get("score", "—") for i in data["items"]
                    ],
                    "call_in": sheet.get("call_in", []),
                    "readable": readable is None or pk in readable,
                }
            )
        out.append({"label": g["label"], "rows": rows})
    return out


@require(VIEW)
def result_detail(request, pk):
    result = _result_or_404(request, pk)
    running = result.status in (Result.Status.QUEUED, Result.Status.RUNNING)
    if request.htmx and request.GET.get("poll"):
        if not running:
            return reload_whole_page()
        return render(request, "assessment/result_detail.html#status", {"result": result})
    every = queries.reads_every_unit(request.user)
    readable = None if every else queries.own_units(request.user)
    own = [] if every else sorted(readable & {int(k) for k in result.data.get("units", {})})
    today = timezone.localdate()
    return render(
        request,
        "assessment/result_detail.html",
        {
            "result": result,
            "running": running,
            "items": result.data.get("items", []),
            "groups": _groups(result, readable) if result.data else [],
            "call_in": result.data.get("call_in", []),
            "manage": request.user.has_perm(MANAGE),
            "objections": queries.objections_of(request.user, result),
            "own_units": Department.objects.filter(pk__in=own),
            "window_open": result.objection_until is not None and today <= result.objection_until,
            "lead_default": documents.default_lead(result) if result.data else "",
        },
    )


@require(VIEW)
def score_sheet(request, pk, unit):
    result = _result_or_404(request, pk)
    sheet = result.data.get("units", {}).get(str(unit))
    if sheet is None:
        raise Http404("该单位不在本次考核范围内。")
    if not queries.may_read_sheet(request.user, unit):
        raise PermissionDenied("您只能查看本单位的考核得分。")
    rows = []
    for item in result.data["items"]:
        cell = sheet["cells"].get(item["code"])
        if cell is None:
            rows.append({"item": item, "cell": None})
            continue
        link = cell.get("link") or (
            reverse("assessment:records", args=[result.pk, unit, item["code"]])
            if cell.get("ids")
            else ""
        )
        rows.append(
            {
                "item": item,
                "cell": cell,
                "figure": _shown(cell["figure"], item["kind"]),
                "target": _shown(cell["target"], item["kind"]),
                "rate": formats.percent(cell["rate"]),
                "link": link,
            }
        )
    return render(
        request,
        "assessment/score_sheet.html",
        {"result": result, "sheet": sheet, "rows": rows, "unit": unit},
    )


def _shown(value, kind):
    if value is None:
        return "—"
    if kind == registry.CNY:
        return formats.wan_number(value)
    if kind == registry.RATE:
        return f"{value}%"
    return formats.number(value, 0)


@require(VIEW)
def records(request, pk, unit, code):
    """The records a figure of a result counted (kept in the result), scoped to the user."""
    result = _result_or_404(request, pk)
    sheet = result.data.get("units", {}).get(str(unit))
    indicator = registry.get(code)
    if sheet is None or code not in sheet["cells"] or indicator is None:
        raise Http404("没有找到该项考核数据。")
    if not queries.may_read_sheet(request.user, unit):
        raise PermissionDenied("您只能查看本单位的考核数据。")
    ids = sheet["cells"][code].get("ids") or []
    headers, rows, links = indicator.records(request.user, ids)
    return render(
        request,
        "assessment/records.html",
        {
            "result": result,
            "sheet": sheet,
            "indicator": indicator,
            "headers": headers,
            "rows": list(zip(rows, links, strict=True)),
            "counted": len(ids),
            "unit": unit,
        },
    )


@require_POST
@require(MANAGE)
def result_issue(request, pk):
    result = get_object_or_404(Result, pk=pk)
    try:
        services.result_issue(actor=request.user, result=result, lead=request.POST.get("lead"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已发布{result.period_label}考核结果。")
    return redirect("assessment:result_detail", pk=pk)


@require_POST
@require(MANAGE)
def result_lead(request, pk):
    result = get_object_or_404(Result, pk=pk)
    try:
        services.result_lead_save(
            actor=request.user, result=result, lead=request.POST.get("lead", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已保存通报导语。")
    return redirect("assessment:result_detail", pk=pk)


@require_POST
@require(VIEW)
def objection_file(request, pk):
    result = _result_or_404(request, pk)
    try:
        unit_id = int(request.POST.get("unit") or 0)
    except ValueError:
        unit_id = 0
    if unit_id not in queries.own_units(request.user) or queries.reads_every_unit(request.user):
        raise PermissionDenied("只有被考核单位可以对本单位的结果提出异议。")
    try:
        services.objection_file(
            actor=request.user,
            result=result,
            unit=Department.objects.get(pk=unit_id),
            text=request.POST.get("text", ""),
            indicator=request.POST.get("indicator", ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已提交异议，招商办将予以答复。")
    return redirect("assessment:result_detail", pk=pk)


@require_POST
@require(MANAGE)
def objection_answer(request, pk):
    objection = get_object_or_404(Objection, pk=pk)
    try:
        services.objection_answer(
            actor=request.user,
            objection=objection,
            answer=request.POST.get("answer", ""),
            accepted=request.POST.get("accepted") == "1",
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已答复异议。")
    return redirect("assessment:result_detail", pk=objection.result_id)


@require(VIEW)
def result_download(request, pk, fmt):
    """The quarterly bulletin (季度通报) and the annual report as Word; the report as .xlsx."""
    result = _result_or_404(request, pk)
    if result.status not in (Result.Status.READY, Result.Status.ISSUED):
        raise Http404("考核结果尚未计算完成。")
    every = queries.reads_every_unit(request.user)
    if not every and result.kind != Result.Kind.QUARTER:
        raise PermissionDenied("年度考核报告包含各单位的得分明细，仅招商办和领导可下载。")
    if fmt == "docx":
        body, name = documents.result_docx(result), f"{documents.title(result)}.docx"
        mime = documents.DOCX
    elif fmt == "xlsx":
        body, name = documents.result_xlsx(result), f"{documents.title(result)}.xlsx"
        mime = exports.XLSX
    else:
        raise Http404("不支持的格式。")
    exports.audit_document(
        actor=request.user, object_type="assessment.result", filename=name, params={"pk": pk}
    )
    return exports.attachment(body, name, mime)


@require(roles.VIEW_REPORT)
def dispatch(request):
    """月调度: each unit's progress, stuck projects and overdue problems, as page and Word."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
    except ValueError:
        year, month = today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    from . import dispatch as packs

    pack = packs.dispatch_pack(year, month)
    if request.GET.get("format") == "docx":
        name = f"{pack['title']}.docx"
        exports.audit_document(
            actor=request.user, object_type="assessment.dispatch", filename=name, params=request.GET
        )
        return exports.attachment(packs.dispatch_docx(pack), name, documents.DOCX)
    return render(
        request,
        "assessment/dispatch.html",
        {"pack": pack, "years": range(today.year - 2, today.year + 1), "months": range(1, 13)},
    )

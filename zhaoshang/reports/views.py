from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.common import exports as common_exports
from zhaoshang.common import formats
from zhaoshang.common.excel import XLSX
from zhaoshang.common.replica import reads_replica
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import exports, queries, services
from .models import ExchangeRate, IssuedReport
from .monthly import PERIOD_LABELS, monthly_report

VIEW, VIEW_ISSUED = queries.VIEW, queries.VIEW_ISSUED
ISSUE = roles.ISSUE_REPORT
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _month(params):
    today = timezone.localdate()
    default = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    try:
        year = int(params.get("year") or default[0])
        month = int(params.get("month") or default[1])
    except ValueError:
        year, month = default
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = default
    return year, month


def _outputs(request, data, *, version=None, issued_on=None):
    """The report as .xlsx or .docx when asked for (with its audit line), else None."""
    kind = request.GET.get("export")
    if kind not in ("xlsx", "docx"):
        return None
    name = data["title"] + (f"（第{version}版）" if version else "")
    if kind == "xlsx":
        content, content_type = exports.xlsx_bytes(data), XLSX
    else:
        content = exports.docx_bytes(data, version=version, issued_on=issued_on)
        content_type = DOCX
    common_exports.audit_document(
        actor=request.user,
        object_type="reports.issuedreport" if version else "reports.monthly",
        filename=f"{name}.{kind}",
        params={"year": data["year"], "month": data["month"]},
    )
    return common_exports.attachment(content, f"{name}.{kind}", content_type)


BREAKDOWNS = [
    ("key_industry", "三、分重点产业签约情况", "重点产业"),
    ("section", "三（续）、分国民经济行业签约情况", "行业门类"),
    ("area", "四、分来源地签约情况", "来源地"),
    ("method", "四（续）、分招商方式签约情况", "招商方式"),
]


# The long lists of a city's month (hundreds of projects) show their first rows on the
# page; the list behind the figure and the Excel export carry them all.
PAGE_ROWS = 50


def _page_context(data):
    """What the charts draw (amounts in 万元), beside the tables."""
    unit_codes = exports.UNIT_TABLE_CODES
    return {
        "page_rows": PAGE_ROWS,
        "page_rows_slice": f":{PAGE_ROWS}",
        "unit_indicators": [i for i in data["indicators"] if i["code"] in unit_codes],
        "breakdown_tables": BREAKDOWNS,
        "charts": {
            "units": {
                "names": [u["name"] for u in data["units"]],
                "amount": [
                    str(formats.wan(u["cells"]["agreed_investment"]["done"])) for u in data["units"]
                ],
                "signed": [int(u["cells"]["signed_projects"]["done"]) for u in data["units"]],
            },
            **{
                dim: [{"name": r["label"], "value": int(r["ytd"])} for r in data["breakdowns"][dim]]
                for dim, _, _ in BREAKDOWNS
            },
        },
    }


@require(VIEW)
@reads_replica
def monthly(request):
    """The month's report computed now from the records (the live version)."""
    year, month = _month(request.GET)
    data = monthly_report(year, month)
    response = _outputs(request, data)
    if response:
        return response
    issued = list(IssuedReport.objects.filter(year=year, month=month).order_by("-version"))
    return render(
        request,
        "reports/monthly.html",
        {
            "data": data,
            "live": True,
            "issued": issued,
            "months": range(1, 13),
            **_page_context(data),
        },
    )


@require_POST
@require(ISSUE)
def issue(request):
    year, month = _month(request.POST)
    try:
        issued = services.report_issue(
            actor=request.user, year=year, month=month, note=request.POST.get("note", "")[:200]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"/reports/monthly/?year={year}&month={month}")
    messages.success(request, f"已发布{issued}。")
    return redirect("reports:issued_detail", pk=issued.pk)


# Issued versions and exchange rates are single rows read right after they are written
# (issue → its page; set a rate → the list): they stay on the primary, which has them.
@require(VIEW_ISSUED)
def issued_list(request):
    page = paginate(request, IssuedReport.objects.select_related("issued_by"), per_page=24)
    return render(request, "reports/issued_list.html", {"page": page})


@require(VIEW_ISSUED)
def issued_detail(request, pk):
    issued = get_object_or_404(IssuedReport, pk=pk)
    response = _outputs(
        request, issued.data, version=issued.version, issued_on=timezone.localdate(issued.issued_at)
    )
    if response:
        return response
    return render(
        request,
        "reports/monthly.html",
        {"data": issued.data, "live": False, "issued_report": issued, **_page_context(issued.data)},
    )


@common_exports.register("reports.records", object_type="reports.figure")
def records_table(user, params):
    """The records behind one figure, scoped to the user."""
    spec = queries.parse_spec(params)
    kind, rows, _ = queries.drill(user, spec)
    title = _figure_title(spec)
    return common_exports.Table(
        title, [(title[:31], *_record_table(kind, rows))], count=rows.count()
    )


@require()
@reads_replica
def records(request):
    """The records behind one figure, scoped to the user."""
    if not queries.may_read_figures(request.user):
        raise PermissionDenied("您没有访问此页面的权限。")
    try:
        spec = queries.parse_spec(request.GET)
    except queries.DrillError as exc:
        return render(request, "reports/records.html", {"error": str(exc)}, status=400)
    if request.GET.get("export") == "xlsx":
        return common_exports.respond(request, "reports.records", request.GET)
    kind, rows, value = queries.drill(request.user, spec)
    title = _figure_title(spec)
    page = paginate(request, rows)
    return render(
        request,
        "reports/records.html",
        {"kind": kind, "page": page, "title": title, "value": value, "spec": spec},
    )


def _figure_title(spec):
    from zhaoshang.assessment.models import INDICATOR_LABELS
    from zhaoshang.org.models import Department

    parts = [f"{spec['year']}年{spec['month']}月", PERIOD_LABELS[spec["period"]]]
    if spec["unit"]:
        parts.append(
            Department.objects.filter(pk=spec["unit"]).values_list("name", flat=True).first() or ""
        )
    if spec["dim"]:
        parts.append(_dim_label(spec["dim"]))
    parts.append(INDICATOR_LABELS[spec["code"]])
    return "·".join(p for p in parts if p)


def _dim_label(dim):
    from zhaoshang.pipeline.models import Method
    from zhaoshang.reference.models import EconomicArea, Industry, KeyIndustry

    kind, key = dim
    if kind == "method":
        return dict(Method.choices).get(key, key)
    if kind == "area":
        return (
            "其他来源地"
            if key == "other"
            else EconomicArea.objects.filter(code=key).values_list("name", flat=True).first() or key
        )
    model = KeyIndustry if kind == "key_industry" else Industry
    if key is None:
        return "未填写"
    return model.objects.filter(pk=key).values_list("name", flat=True).first() or ""


def _record_table(kind, rows):
    if kind == "funds":
        return (
            ["到位日期", "项目", "登记单位", "金额", "币种", "资金来源", "说明"],
            (
                [
                    formats.cn_date(f.received_on),
                    f.project.name,
                    f.project.department.name,
                    f.amount,
                    f.currency,
                    f.get_source_display(),
                    f.note,
                ]
                for f in rows.iterator(chunk_size=2000)
            ),
        )
    return (
        [
            "项目名称",
            "投资企业",
            "现责任单位",
            "阶段",
            "签约日期",
            "注册日期",
            "协议投资额（万元）",
        ],
        (
            [
                p.name,
                p.enterprise.name,
                p.department.name,
                p.get_stage_display(),
                formats.cn_date(p.signed_on) if p.signed_on else "",
                formats.cn_date(p.registered_on) if p.registered_on else "",
                formats.wan(p.agreed_investment or 0),
            ]
            for p in rows.iterator(chunk_size=2000)
        ),
    )


def _trend_chart(d):
    return {
        "months": [f"{t['month']}月" for t in d["trend"]],
        "signed": [t["signed"] for t in d["trend"]],
        "amount": [str(formats.wan(t["amount"])) for t in d["trend"]],
        "funds": [str(formats.wan(t["funds"])) for t in d["trend"]],
    }


def _dashboard(request, office):
    d = queries.district_dashboard()
    charts = {
        "trend": _trend_chart(d),
        "ranking": {
            "names": [r["name"] for r in d["ranking"]],
            "amount": [str(formats.wan(r["amount"])) for r in d["ranking"]],
        },
    }
    context = {"d": d, "office": office, "charts": charts}
    if office:
        context["overdue"] = queries.overdue()
    return render(request, "reports/dashboard.html", context)


@require(VIEW)
@reads_replica
def dashboard(request):
    """For leaders: district totals, the monthly trend, the unit ranking."""
    return _dashboard(request, office=False)


@require(VIEW, roles.COORDINATE_PIPELINE)
@reads_replica
def office_dashboard(request):
    """The leaders' view plus what the office chases: overdue ledgers and problems."""
    return _dashboard(request, office=True)


@require(roles.VIEW_UNIT_DASHBOARD)
@reads_replica
def unit_dashboard(request):
    """A unit's own progress against its own targets."""
    d = queries.unit_dashboard(request.user)
    return render(
        request, "reports/unit_dashboard.html", {"d": d, "charts": {"trend": _trend_chart(d)}}
    )


@require(VIEW)
def rate_list(request):
    error = None
    if request.method == "POST":
        if not request.user.has_perm(ISSUE):
            raise PermissionDenied("只有招商办可以设置汇率。")
        try:
            rate = services.exchange_rate_set(
                actor=request.user,
                year=int(request.POST.get("year") or 0),
                month=int(request.POST.get("month") or 0),
                currency=request.POST.get("currency", ""),
                rate=request.POST.get("rate", ""),
            )
        except (ValidationError, ValueError) as exc:
            error = "；".join(getattr(exc, "messages", None) or ["年度和月份应为数字。"])
        else:
            messages.success(request, f"已设置汇率：{rate}。")
            return redirect("reports:rate_list")
    page = paginate(request, ExchangeRate.objects.all(), per_page=36)
    today = timezone.localdate()
    return render(
        request,
        "reports/rate_list.html",
        {
            "page": page,
            "error": error,
            "year": today.year,
            "month": today.month,
            "post": request.POST,
        },
    )

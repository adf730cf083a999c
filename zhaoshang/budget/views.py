"""Budget pages: the execution report by unit and line (and its .xlsx), a line with its
adjustments and spending, setting up and adjusting lines (finance), the spending list
(and its .xlsx), posting a spending with its voucher, reversing one. Thin: reads in
queries.py, writes in services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import exports, formats
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import queries, services
from .forms import AdjustForm, LineForm, ReverseForm, SpendingForm, postable_lines, units
from .models import Category

VIEW = roles.VIEW_BUDGET
MANAGE = roles.MANAGE_BUDGET
POST = roles.POST_SPENDING
CATEGORIES = dict(Category.choices)


def _line(request, pk):
    line = queries.line_for(request.user, pk)
    if line is None:
        raise Http404("经费科目不存在或不在您的查阅范围内。")
    return line


# --- The report ------------------------------------------------------------------------------
@require(VIEW)
def report(request):
    today = timezone.localdate()
    year = queries.year_of(request.GET, today.year)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "budget.report", {"year": str(year)})
    return render(
        request,
        "budget/report.html",
        {
            "year": year,
            "years": queries.years(request.user, today.year),
            **queries.report(request.user, year),
        },
    )


@exports.register("budget.report", object_type="budget.budgetline")
def report_table(user, params):
    year = queries.year_of(params, timezone.localdate().year)
    data = queries.report(user, year)
    headers = [
        "单位",
        "科目",
        "批复（万元）",
        "调整（万元）",
        "可用（万元）",
        "已支出（万元）",
        "余额（万元）",
        "执行率（%）",
    ]
    keys = ("approved", "adjusted", "total", "spent", "balance")
    rows = []
    for unit in data["units"]:
        for r in unit["lines"]:
            rows.append(
                [unit["name"], r["category"], *(formats.wan(r[k]) for k in keys), r["rate"]]
            )
        s = unit["sum"]
        rows.append([unit["name"], "小计", *(formats.wan(s[k]) for k in keys), s["rate"]])
    t = data["total"]
    rows.append(["合计", "", *(formats.wan(t[k]) for k in keys), t["rate"]])
    return exports.Table(
        f"{year}年度招商专项经费执行情况", [("经费执行", headers, rows)], count=len(rows)
    )


# --- Lines -------------------------------------------------------------------------------------
@require(MANAGE)
def line_create(request):
    initial = {"year": timezone.localdate().year}
    form = LineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已设立经费科目：{line}。")
            return redirect("budget:line_detail", pk=line.pk)
    return render(request, "budget/line_form.html", {"form": form})


@require(VIEW)
def line_detail(request, pk):
    line = _line(request, pk)
    rows = queries.spending_rows(queries.spendings(request.user).filter(line=line))
    can_post = (
        request.user.has_perm(POST) and postable_lines(request.user).filter(pk=line.pk).exists()
    )
    return render(
        request,
        "budget/line_detail.html",
        {
            "line": line,
            "rate": queries.rate_percent(line.spent, line.total),
            "adjustments": line.adjustments.select_related("actor"),
            "page": paginate(request, rows, per_page=20),
            "adjust_form": AdjustForm() if request.user.has_perm(MANAGE) else None,
            "reverse_form": ReverseForm() if request.user.has_perm(MANAGE) else None,
            "can_post": can_post,
            "categories": CATEGORIES,
        },
    )


@require(MANAGE)
@require_POST
def line_adjust(request, pk):
    line = _line(request, pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            services.line_adjust(
                actor=request.user,
                line=line,
                amount=form.signed_amount(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "预算调整已登记。")
    else:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, f"预算调整未登记：{'；'.join(errors)}")
    return redirect("budget:line_detail", pk=line.pk)


# --- Spending ----------------------------------------------------------------------------------
@require(VIEW)
def spending_list(request):
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "budget.spendings", request.GET)
    qs = queries.filtered_spendings(request.user, request.GET)
    page = paginate(request, queries.spending_rows(qs), count=qs.count())
    return render(
        request,
        "budget/spending_list.html",
        {
            "page": page,
            "filters": request.GET,
            "categories": Category.choices,
            "category_labels": CATEGORIES,
            "departments": list(units().values_list("pk", "name")),
            "years": queries.years(request.user, timezone.localdate().year),
        },
    )


@exports.register("budget.spendings", object_type="budget.spending")
def spending_table(user, params):
    qs = queries.filtered_spendings(user, params)
    rows = qs.order_by("-occurred_on", "-id").values_list(
        "occurred_on", "department__name", "year", "line__category", "summary", "amount", "voucher"
    )
    headers = ["支出日期", "单位", "年度", "科目", "摘要", "金额（元）", "凭证"]

    def out():
        for r in rows.iterator(chunk_size=2000):
            yield [r[0], r[1], r[2], CATEGORIES.get(r[3], r[3]), r[4], r[5], "有" if r[6] else "无"]

    return exports.Table("招商专项经费支出明细", [("经费支出", headers, out())], count=qs.count())


@require(POST)
def spending_create(request):
    today = timezone.localdate()
    initial = {"occurred_on": today.isoformat()}
    if (line := request.GET.get("line", "")).isdigit():
        initial["line"] = int(line)
    form = SpendingForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        line = d["line"]
        try:
            spending = services.spending_post(
                actor=request.user,
                department=line.department,
                year=line.year,
                category=line.category,
                amount=d["amount"],
                occurred_on=d["occurred_on"],
                summary=d["summary"],
                voucher=d["voucher"],
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(
                request, f"已登记支出 {formats.wan_text(spending.amount)}：{spending.summary}。"
            )
            return redirect("budget:line_detail", pk=line.pk)
    return render(request, "budget/spending_form.html", {"form": form})


@require(VIEW)
def spending_voucher(request, pk):
    spending = queries.spending_for_user(request.user, pk)
    if spending is None or not spending.voucher:
        raise Http404("凭证不存在。")
    audit_record(
        AuditEvent.Action.VIEW, actor=request.user, obj=spending, detail="下载经费支出凭证"
    )
    return FileResponse(
        spending.voucher.open("rb"),
        as_attachment=True,
        filename=spending.voucher.name.rsplit("/", 1)[-1],
    )


@require(MANAGE)
@require_POST
def spending_reverse(request, pk):
    spending = queries.spending_for_user(request.user, pk)
    if spending is None:
        raise Http404("经费支出不存在。")
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.spending_reverse(
                actor=request.user, spending=spending, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已冲销该笔支出。")
    else:
        messages.error(request, "请填写冲销理由。")
    return redirect("budget:line_detail", pk=spending.line_id)

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zhaoshang.common import exports
from zhaoshang.common.views import form_errors_to, job_import_detail, job_import_list
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.org.models import Department

from . import importing, queries, services
from .forms import TargetForm
from .importing import UNIT_LABEL
from .models import INDICATORS, Target

VIEW = roles.VIEW_TARGET
MANAGE = roles.MANAGE_TARGET


def _year(params):
    try:
        year = int(params.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _target_rows(user, year):
    """(unit, target or None) for every assessed unit for the office and leaders, one's
    own unit for a department (scoped)."""
    targets = {t.department_id: t for t in queries.targets_for(user, year)}
    if user.has_perm(MANAGE):
        units = queries.assessed_units(year)
    else:
        units = list(Department.objects.for_user(user).filter(pk__in=targets))
    return [(u, targets.get(u.pk)) for u in units]


HEADERS = ["单位"] + [f"{label}（{UNIT_LABEL[kind]}）" for _, label, kind in INDICATORS]


@exports.register("assessment.targets", object_type="assessment.target")
def target_table(user, params):
    year = _year(params)
    rows = _target_rows(user, year)
    return exports.Table(
        f"{year}年目标任务",
        [
            (
                f"{year}年目标任务",
                ["年度", *HEADERS],
                (
                    [year, u.name]
                    + [
                        _shown(getattr(t, code, 0) if t else 0, kind)
                        for code, _, kind in INDICATORS
                    ]
                    for u, t in rows
                ),
            )
        ],
        count=len(rows),
    )


@require(VIEW)
def target_list(request):
    """Targets of a year: every assessed unit for the office and leaders, one's own unit
    for a department (scoped)."""
    year = _year(request.GET)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "assessment.targets", request.GET)
    rows = _target_rows(request.user, year)
    headers = HEADERS
    table = [
        (u, t, [_shown(getattr(t, code, 0) if t else 0, kind) for code, _, kind in INDICATORS])
        for u, t in rows
    ]
    return render(
        request,
        "assessment/target_list.html",
        {"year": year, "table": table, "headers": headers, "years": range(year - 2, year + 2)},
    )


def _shown(value, kind):
    if kind == "count":
        return int(value)
    return (Decimal(value) / 10000).quantize(Decimal("0.01"))


@require(MANAGE)
def target_edit(request, year, unit):
    unit = get_object_or_404(Department, pk=unit)
    target = Target.objects.filter(year=year, department=unit).first()
    form = TargetForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(actor=request.user, year=year, department=unit, data=form.values())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"已保存{unit.name}{year}年目标任务。")
            return redirect(f"/assessment/targets/?year={year}")
    return render(
        request, "assessment/target_edit.html", {"form": form, "unit": unit, "year": year}
    )


@require(MANAGE)
def target_import(request):
    """Upload → mapping → dry run in the worker → commit (common/imports.JobImport)."""
    return job_import_list(request, importing.TARGETS)


@require(MANAGE)
def target_import_detail(request, pk):
    return job_import_detail(request, importing.TARGETS, pk)

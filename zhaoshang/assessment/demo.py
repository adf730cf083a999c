"""Demo assessment: this year's scheme (the suggested one), the provisional result of the
last month, the quarterly bulletin of the last finished quarter issued with its lead, and
this year's result so far, computed at load (idempotent: each made once)."""

from django.utils import timezone

from . import services
from .models import Result, Scheme


def load_demo_assessment(*, departments):
    today = timezone.localdate()
    year = today.year
    if not Scheme.objects.filter(year=year).exists():
        services.scheme_save(
            actor=None,
            year=year,
            items=services.default_items(),
            call_in=[],
            call_in_last=False,
            note="示例：按建议方案制定",
        )
    scheme = Scheme.objects.filter(year=year).order_by("-version").first()
    month = max(today.month - 1, 1)
    quarter = max((today.month - 1) // 3, 1)
    for kind, period in ((Result.Kind.MONTH, month), (Result.Kind.QUARTER, quarter)):
        if Result.objects.filter(year=year, kind=kind, period=period).exists():
            continue
        result = Result.objects.create(year=year, kind=kind, period=period, scheme=scheme)
        result = services.result_run(result.pk)
        if kind == Result.Kind.QUARTER and result.status == Result.Status.READY:
            from .documents import default_lead

            services.result_issue(actor=None, result=result, lead=default_lead(result), today=today)

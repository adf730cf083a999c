"""The JSON API for other government systems, OpenAPI at /api/docs.

Session authentication (with CSRF on writes) for the browser; every endpoint reads
through the same ``for_user`` scoping as the pages. Each app adds its router here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

from zhaoshang.enterprises.api import router as enterprises_router
from zhaoshang.org.api import router as org_router
from zhaoshang.pipeline.leads.api import router as leads_router
from zhaoshang.pipeline.projects.api import router as pipeline_router
from zhaoshang.reference.api import router as reference_router

api = NinjaAPI(
    title="招商引资全流程管理平台 API",
    version="1.0",
    description="所有接口按调用者的数据范围返回数据。",
    auth=django_auth,
    docs_decorator=login_required,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "没有访问该接口的权限"}, status=403)


api.add_router("/org", org_router)
api.add_router("/reference", reference_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/pipeline", pipeline_router)
api.add_router("/leads", leads_router)

# --- Admission evaluation and tailored terms ---
from zhaoshang.pipeline.approvals.api import router as approvals_router  # noqa: E402

api.add_router("/approvals", approvals_router)

# --- The monthly report and the dashboards ---
from zhaoshang.reports.api import router as reports_router  # noqa: E402

api.add_router("/reports", reports_router)

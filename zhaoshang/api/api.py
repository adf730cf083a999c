"""The JSON API for other government systems, OpenAPI at /api/docs.

Two ways in: an API key in the ``X-API-Key`` header for machines (``auth.py``: no
CSRF, a service account with its key's role, modules and rate limit, every call
audited), and the session (with CSRF on writes) for the browser. Every endpoint reads
through the same ``for_user`` scoping as the pages. Each app adds its router here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RefusedInput
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError
from ninja.security import django_auth

from zhaoshang.common.errors import Conflict
from zhaoshang.enterprises.api import router as enterprises_router
from zhaoshang.org.api import router as org_router
from zhaoshang.pipeline.leads.api import router as leads_router
from zhaoshang.pipeline.projects.api import router as pipeline_router
from zhaoshang.reference.api import router as reference_router

from .auth import ApiKeyAuth, ApiKeyRateThrottle
from .openapi import document_refusals
from .parser import NulCharacter, NulRefusingParser


class ZhaoshangAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_refusals(super().get_openapi_schema(**kwargs))


api = ZhaoshangAPI(
    title="招商引资全流程管理平台 API",
    version="1.0",
    description=(
        "所有接口按调用者的数据范围返回数据。\n\n"
        "**其他系统调用**：在请求头 `X-API-Key` 中提供系统管理员发放的接口密钥"
        "（`zsk_` 开头，只在创建时显示一次）。密钥按其角色确定权限与数据范围，"
        "只能调用发放时选定的模块；只读密钥不能新增或修改数据。"
        "密钥无效、已吊销或已过期返回 401，越权返回 403，"
        "超过每分钟调用上限返回 429 并在 `Retry-After` 头中给出需等待的秒数。"
        "每次调用都记入审计日志。\n\n"
        "**浏览器**：使用登录会话，修改数据的请求须带 CSRF 令牌。"
    ),
    # The key first: a request that presents one is decided by it, never by a session.
    auth=[ApiKeyAuth(), django_auth],
    throttle=[ApiKeyRateThrottle()],
    parser=NulRefusingParser(),
    docs_decorator=login_required,
    urls_namespace="api",
)


# --- The one place a refusal becomes an answer -----------------------------------------
# Routes call services and let their errors through; these handlers turn them into the
# same answer everywhere, in Chinese: a service refusing the input (ValidationError) →
# 422 with the errors by field; someone else first (a move made meanwhile, a duplicate,
# a lead held by another unit: common.errors.Conflict) → 409 with what the caller needs
# to decide; no permission → 403; a body or parameter of the wrong type → 422 naming
# where. ninja picks the handler of the nearest class in the exception's MRO, so a
# Conflict that is also a ValidationError answers 409.
def field_errors(exc):
    """A ValidationError as {field: [messages]}; "__all__" for one not tied to a field."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": exc.messages}


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "没有访问该接口的权限"}, status=403)


@api.exception_handler(Conflict)
def conflict(request, exc):
    message = exc.messages[0] if hasattr(exc, "messages") else str(exc)
    return api.create_response(request, {"detail": message, **exc.api_extra()}, status=409)


@api.exception_handler(RefusedInput)
def refused_input(request, exc):
    return api.create_response(
        request, {"detail": "；".join(exc.messages), "errors": field_errors(exc)}, status=422
    )


PLACES = {"body": "请求体", "query": "查询参数", "path": "路径参数", "header": "请求头"}


@api.exception_handler(SchemaError)
def schema_error(request, exc):
    """ninja's own 422 keeps its list of errors (``detail``, each with ``loc``); the
    ``message`` says the same in Chinese for a person reading it."""
    where = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        place = PLACES.get(loc[0], loc[0]) if loc else ""
        where.append(f"{place}“{'.'.join(loc[1:])}”：{error.get('msg', '')}".strip("：“”"))
    message = "请求数据格式不正确：" + "；".join(where) if where else "请求数据格式不正确。"
    return api.create_response(request, {"detail": exc.errors, "message": message}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, NulCharacter):  # a NUL in the JSON body (parser.py)
        return api.on_exception(request, exc.__cause__.as_validation_error())
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    # The same answer for "no such record" and "not in your data scope": a caller must
    # not learn that a record it may not read exists.
    return api.create_response(
        request, {"detail": "记录不存在，或不在您的数据范围内。"}, status=404
    )


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "未登录或登录已超时；其他系统调用请在 X-API-Key 请求头中提供接口密钥。"},
        status=401,
    )


@api.exception_handler(Throttled)
def throttled(request, exc):
    key = getattr(request, "zs_api_key", None)
    limit = f"每分钟最多调用 {key.rate_per_minute} 次" if key else "调用过于频繁"
    return api.create_response(
        request,
        {"detail": f"调用过于频繁：该接口密钥{limit}，请按 Retry-After 头所示的秒数稍后再试。"},
        status=429,
    )


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

# --- Aftercare: service tickets; complaints (a department's tasks only) ---
from zhaoshang.aftercare.api import router as aftercare_router  # noqa: E402
from zhaoshang.complaints.api import router as complaints_router  # noqa: E402

api.add_router("/aftercare", aftercare_router)
api.add_router("/complaints", complaints_router)
# --- Agreements, incentives, disbursement and clawback (issue 12) ---
from zhaoshang.agreements.api import router as agreements_router  # noqa: E402

api.add_router("/agreements", agreements_router)

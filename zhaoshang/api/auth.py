"""How a call made with an API key is let in, refused and rate-limited.

The key authenticates first: a request carrying ``X-API-Key`` is decided by its key
alone, needs no CSRF token (it carries no cookie a browser could send on a user's
behalf), and never falls back to a session. Browsers keep session authentication with
CSRF (ninja's ``django_auth``), listed after the key in ``api.py``."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyHeader
from ninja.throttling import SimpleRateThrottle

from zhaoshang.common import formats
from zhaoshang.org.scoping import authorise_as_role

from . import keys, queries, services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiKeyAuth(APIKeyHeader):
    param_name = keys.HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        if key is None:
            return None  # not a machine call: the session decides
        request.zs_api_key_presented = True
        parsed = keys.parse(key)
        if parsed is None:
            raise HttpError(
                401, f"接口密钥格式不正确：{keys.HEADER} 应为系统发放的 zsk_ 开头的密钥。"
            )
        prefix, secret = parsed
        request.zs_api_key_prefix = prefix
        api_key = queries.key_for_call(prefix)
        if api_key is None or not keys.matches(api_key.secret_hash, secret):
            raise HttpError(401, "接口密钥无效，请向系统管理员核实。")
        request.zs_api_key = api_key
        now = timezone.now()
        if api_key.revoked_at is not None:
            when = formats.cn_datetime(api_key.revoked_at)
            raise HttpError(401, f"接口密钥已于 {when} 吊销，不能再调用。")
        if api_key.is_expired(now):
            raise HttpError(
                401, f"接口密钥已过有效期（有效期至 {formats.cn_date(api_key.expires_on)}）。"
            )
        if not api_key.user.is_active:
            raise HttpError(401, "接口密钥的服务账号已停用。")
        module = keys.module_of(request.path_info, reverse("api:api-root"))
        if module not in api_key.modules:
            name = keys.modules().get(module, module)
            raise HttpError(403, f"该接口密钥无权调用“{name}”模块的接口。")
        if api_key.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "该接口密钥为只读密钥，不能新增、修改或删除数据。")
        services.api_key_touch(key=api_key, now=now)
        user = api_key.user
        authorise_as_role(user, api_key.role)
        # Every endpoint, service and audit line reads request.user: the key acts as
        # its service account, so its data scope applies everywhere a person's does.
        request.user = user
        return api_key


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Each key's own calls per minute (``ApiKey.rate_per_minute``), counted in the
    Django cache (shared by every web process when it is Redis or the file cache).
    Session calls are not limited here: a person cannot click that fast.

    ninja keeps one throttle object per operation and sets its state per request; that
    is safe under gunicorn's sync workers (one request per process at a time)."""

    def __init__(self):
        super().__init__(rate="1/min")

    def get_cache_key(self, request):
        api_key = getattr(request, "zs_api_key", None)
        return None if api_key is None else f"zs-api-key-rate:{api_key.pk}"

    def allow_request(self, request):
        api_key = getattr(request, "zs_api_key", None)
        if api_key is not None:
            self.num_requests, self.duration = api_key.rate_per_minute, 60
        return super().allow_request(request)

from urllib.parse import unquote

from . import services


def readable(path):
    """Decoded, so an auditor reads ?q=华为 and not percent-escapes; control characters
    written as escapes (a NUL is refused by PostgreSQL, and unreadable anywhere)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in unquote(path))


class ApiKeyAuditMiddleware:
    """One audit line per call made with an API key, written once the answer is known
    (its status is part of the line). Refused calls are recorded too: a revoked key
    still in use, or someone trying keys, is what an auditor looks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "zs_api_key_presented", False):
            services.api_call_record(
                key=getattr(request, "zs_api_key", None),
                prefix=getattr(request, "zs_api_key_prefix", ""),
                method=request.method,
                path=readable(request.get_full_path())[:400],
                status=response.status_code,
            )
        return response

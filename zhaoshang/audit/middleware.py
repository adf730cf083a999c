from .context import current_ip


def client_ip(request):
    # Behind a proxy, configure the proxy to set REMOTE_ADDR (e.g. uwsgi/gunicorn
    # forwarded-allow-ips); a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

"""The client's network address, the same for the login lockout and the audit trail.

Directly exposed (``ZS_TRUSTED_PROXY_COUNT=0``, the default) the address is the peer's,
``REMOTE_ADDR``; an ``X-Forwarded-For`` the client sends is ignored, or anyone could
pose as any address. Behind N reverse proxies that each append the address they received
the request from (nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``),
the last N entries of the header were written by our proxies and the N-th from the right
is the client as the outermost proxy saw it; entries left of it are the client's own
claims and are never used. A request that carries fewer entries than that did not come
through the proxies, and is taken at its peer address.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:  # not an address our proxy would write: do not trust the header
        return remote

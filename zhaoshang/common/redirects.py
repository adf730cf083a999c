"""Where a view may send the browser next.

``next`` comes from the address bar or a form, so anyone can write a link that carries
``next=https://evil.example/`` to a colleague: after signing in, the page would forward
them to a look-alike site. Every view that reads ``next`` (or any other address the
user supplied) goes through ``safe_next``, which accepts only addresses on this site;
Django's ``url_has_allowed_host_and_scheme`` also refuses the tricks browsers read as
another host (``//evil.example``, ``/\\evil.example``, ``https:evil.example`` …).
"""

from urllib.parse import urlsplit

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_url(request, url):
    """True when ``url`` leads to this site (same host; HTTPS kept when the request was)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, default="org:home"):
    """The request's ``next`` (form field first, then query string) when it leads to this
    site; otherwise ``default`` (a URL name or path; "" for none)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if is_local_url(request, url):
        return url
    return resolve_url(default) if default else ""


def local_path(request, url):
    """The path and query of ``url`` when it is on this site, else "" (for an address the
    browser reports, such as htmx's HX-Current-URL, used as the page to come back to)."""
    if not is_local_url(request, url):
        return ""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path

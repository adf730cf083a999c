"""The public portal: anonymous pages under /portal/ (Chinese) and /portal/en/ (English).

Every page reads through ``queries`` (published rows only). Pages are cached per URL for
``ZS_PORTAL_CACHE_SECONDS`` (the language is in the URL, so each language has its own
entry) and carry no inline script, so a cached body never needs a fresh CSP nonce; the
two forms are not cached (each has its own CSRF token and CAPTCHA). The language is the
URL's, not the browser's: the staff system stays Chinese whatever the portal does."""

import hashlib
import mimetypes
from functools import wraps
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_page

from zhaoshang.common.net import client_ip
from zhaoshang.opportunities.models import Cooperation
from zhaoshang.org.queries import district_name
from zhaoshang.reference.models import Carrier

from . import queries, services
from .forms import ComplaintForm, EnquiryForm
from .models import Submission

ZH, EN = "zh-hans", "en"


def _switch_url(path, lang):
    """The same page in the other language."""
    if lang == EN:
        return path.replace("/portal/en/", "/portal/", 1)
    return path.replace("/portal/", "/portal/en/", 1)


def portal_page(cached=True):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, lang=ZH, **kwargs):
            with translation.override(lang):
                request.portal_lang = lang
                request.portal_switch = _switch_url(request.path, lang)
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            response.headers["Content-Language"] = "en" if lang == EN else "zh-Hans"
            return response

        if cached:
            return cache_page(settings.ZS_PORTAL_CACHE_SECONDS, key_prefix="portal")(wrapped)
        return wrapped

    return decorator


class CountedPaginator(Paginator):
    """A paginator whose total is kept in the cache as long as a page is: counting 50,000
    published rows on every request costs more than the page itself, and "共 N 条" may be
    as old as the cached pages are."""

    @property
    def count(self):
        if not hasattr(self, "_zs_count"):
            sql, params = self.object_list.query.sql_with_params()
            key = "zs:portal-count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
            value = cache.get(key)
            if value is None:
                value = self.object_list.count()
                cache.set(key, value, settings.ZS_PORTAL_CACHE_SECONDS or 60)
            self._zs_count = value
        return self._zs_count


def _page(request, qs):
    page = CountedPaginator(qs, queries.PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    return page


def _q(request, name, limit=50):
    return (request.GET.get(name) or "").strip()[:limit]


def _context(request, **extra):
    return {
        "lang": request.portal_lang,
        "switch_url": request.portal_switch,
        "profile": queries.profile(),
        "district": district_name(),
        "complaints_enabled": services.complaints_enabled(),
        **extra,
    }


@portal_page()
def home(request):
    return render(
        request,
        "portal/home.html",
        _context(
            request,
            industries=queries.key_industries(),
            opportunities=list(queries.opportunities()[:6]),
            policies=list(queries.policies()[:6]),
            bulletins=list(queries.bulletins()[:3]),
            results=queries.latest_results(),
        ),
    )


@portal_page()
def zones(request):
    zone_list = queries.zones()
    return render(
        request,
        "portal/zones.html",
        _context(request, zones=zone_list, diagram=_diagram(zone_list)),
    )


def _diagram(zone_list):
    """Positions of the zones around the core for the SVG diagram (一核 in the middle,
    the others on a ring): plain numbers, drawn by the template."""
    import math

    if not zone_list:
        return []
    out = [{"x": 300, "y": 170, "r": 62, "name": zone_list[0].name, "core": True}]
    rest = zone_list[1:]
    for i, zone in enumerate(rest):
        angle = 2 * math.pi * i / max(len(rest), 1) - math.pi / 2
        out.append(
            {
                "x": round(300 + 210 * math.cos(angle)),
                "y": round(170 + 120 * math.sin(angle)),
                "r": 44,
                "name": zone.name,
                "core": False,
            }
        )
    return out


@portal_page()
def carriers(request):
    kind, zone = _q(request, "kind", 10), _q(request, "zone", 10)
    return render(
        request,
        "portal/carriers.html",
        _context(
            request,
            page=_page(request, queries.carriers(kind=kind, zone=zone)),
            kinds=Carrier.Kind.choices,
            zones=[(z.pk, z.name) for z in queries.zones()],
            kind=kind,
            zone=zone,
        ),
    )


@portal_page()
def opportunity_list(request):
    q, industry = _q(request, "q"), _q(request, "industry", 10)
    return render(
        request,
        "portal/opportunity_list.html",
        _context(
            request,
            page=_page(request, queries.opportunities(q=q, industry=industry)),
            industries=queries.key_industries(),
            q=q,
            industry=industry,
            cooperation=dict(Cooperation.choices),
        ),
    )


@portal_page()
def opportunity_detail(request, pk):
    item = queries.opportunity(pk)
    if item is None:
        raise Http404
    return render(request, "portal/opportunity_detail.html", _context(request, item=item))


@portal_page()
def policy_list(request):
    q, industry = _q(request, "q"), _q(request, "industry", 10)
    return render(
        request,
        "portal/policy_list.html",
        _context(
            request,
            page=_page(request, queries.policies(q=q, industry=industry)),
            industries=queries.key_industries(),
            q=q,
            industry=industry,
        ),
    )


@portal_page()
def policy_detail(request, pk):
    from zhaoshang.policies.queries import history

    item = queries.policy(pk)
    if item is None:
        raise Http404
    return render(
        request,
        "portal/policy_detail.html",
        _context(request, item=item, versions=history(item, public_only=True)),
    )


def _file(field):
    name = PurePosixPath(field.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@portal_page(cached=False)
def policy_file(request, pk, file_pk):
    attachment = queries.policy_attachment(pk, file_pk)
    if attachment is None:
        raise Http404
    return _file(attachment.file)


@portal_page(cached=False)
def opportunity_file(request, pk, doc_pk):
    document = queries.opportunity_document(pk, doc_pk)
    if document is None:
        raise Http404
    return _file(document.file)


@portal_page()
def enterprises(request):
    return render(
        request,
        "portal/enterprises.html",
        _context(request, page=_page(request, queries.showcases())),
    )


@portal_page()
def results(request):
    return render(
        request, "portal/results.html", _context(request, results=queries.latest_results())
    )


@portal_page()
def bulletin_list(request):
    return render(
        request,
        "portal/bulletin_list.html",
        _context(request, page=_page(request, queries.bulletins())),
    )


@portal_page()
def bulletin_detail(request, pk):
    item = queries.bulletin(pk)
    if item is None:
        raise Http404
    return render(request, "portal/bulletin_detail.html", _context(request, item=item))


@portal_page()
def cases(request):
    found = queries.typical_cases()
    if found is None:
        raise Http404
    return render(request, "portal/cases.html", _context(request, cases=found))


def _submit(request, *, kind, form_class, template):
    initial = {}
    opportunity = None
    raw = request.GET.get("opportunity") or request.POST.get("opportunity")
    if raw and str(raw).isdigit():
        opportunity = queries.opportunity(int(raw))
        if opportunity is not None:
            initial["opportunity"] = opportunity.pk
    form = form_class(request.POST or None, initial=initial)
    address = client_ip(request)
    limited = services.rate_limited(kind, address)
    if request.method == "POST" and not limited and form.is_valid():
        data = {**form.cleaned_data, "opportunity": opportunity}
        try:
            submission = services.submission_submit(
                kind=kind, data=data, address=address, language=request.portal_lang
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(
                request,
                "portal/submitted.html",
                _context(request, submission=submission),
            )
    return render(
        request,
        template,
        _context(request, form=form, limited=limited, opportunity=opportunity),
        status=429 if limited and request.method == "POST" else 200,
    )


@portal_page(cached=False)
def enquiry(request):
    return _submit(
        request,
        kind=Submission.Kind.ENQUIRY,
        form_class=EnquiryForm,
        template="portal/enquiry.html",
    )


@portal_page(cached=False)
def complaint(request):
    if not services.complaints_enabled():
        raise Http404
    return _submit(
        request,
        kind=Submission.Kind.COMPLAINT,
        form_class=ComplaintForm,
        template="portal/complaint.html",
    )


def portal_url(name, lang, *args):
    return reverse(f"portal:{name}{'_en' if lang == EN else ''}", args=args)

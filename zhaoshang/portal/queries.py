"""Every read the portal makes, and only these: published rows, nothing else.

The portal is anonymous, so there is no user to scope by; instead each read starts from
the model's ``public()`` rows (or reference data, which is public by nature), and the
portal's own database role sees no other rows at all (docs/deployment.md), so a read
that forgot ``public()`` would find nothing rather than leak. Results come from issued
monthly reports only, never from live figures.

Lists page by keyset-free small pages (the portal lists at most ``PAGE`` rows a page and
says how many there are)."""

import json
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, Q

from zhaoshang.opportunities.models import Opportunity, OpportunityDocument
from zhaoshang.policies.models import Policy, PolicyAttachment
from zhaoshang.reference.models import Carrier, KeyIndustry, Zone
from zhaoshang.reports.models import Bulletin

from .models import Profile, PublishedResult, Showcase

PAGE = 20


def profile() -> Any:
    return Profile.current()


def key_industries() -> Any:
    return list(
        KeyIndustry.objects.order_by("sort_order", "id").only(
            "id", "name", "description", "strategic_emerging"
        )
    )


def zones() -> Any:
    return list(
        Zone.objects.order_by("id").prefetch_related(
            Prefetch("key_industries", queryset=KeyIndustry.objects.only("id", "name"))
        )
    )


def carriers(*, kind: str = "", zone: str = "") -> Any:
    qs = Carrier.objects.select_related("zone").order_by("-vacant_area", "id")
    if kind in Carrier.Kind.values:
        qs = qs.filter(kind=kind)
    if str(zone).isdigit():
        qs = qs.filter(zone_id=int(zone))
    return qs.only(
        "id",
        "kind",
        "name",
        "address",
        "total_area",
        "vacant_area",
        "zone__name",
        "operator",
        "contact_phone",
        "description",
    )


def opportunities(*, q: str = "", industry: str = "") -> Any:
    qs = (
        Opportunity.objects.public()
        .select_related("key_industry", "zone", "carrier")
        .only(
            "id",
            "name",
            "summary",
            "investment",
            "cooperation",
            "status",
            "key_industry__name",
            "zone__name",
            "carrier__name",
        )
        .order_by("-id")
    )
    if q:
        qs = qs.filter(name__icontains=q)
    if str(industry).isdigit():
        qs = qs.filter(key_industry_id=int(industry))
    return qs


def opportunity(pk: int) -> Any:
    return (
        Opportunity.objects.public()
        .select_related("key_industry", "industry", "zone", "carrier", "department")
        .prefetch_related(
            Prefetch("documents", queryset=OpportunityDocument.objects.filter(public=True))
        )
        .filter(pk=pk)
        .first()
    )


def opportunity_document(pk: int, doc_pk: int) -> Any:
    return OpportunityDocument.objects.filter(
        pk=doc_pk, opportunity_id=pk, public=True, opportunity__in=Opportunity.objects.public()
    ).first()


def policies(*, q: str = "", industry: str = "") -> Any:
    qs = (
        Policy.objects.public()
        .select_related("department")
        .only(
            "id", "title", "doc_number", "status", "valid_from", "valid_until", "department__name"
        )
        .order_by("-valid_from", "-id")
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q))
    if str(industry).isdigit():
        qs = qs.filter(industries=int(industry))
    return qs


def policy(pk: int) -> Any:
    return (
        Policy.objects.public()
        .select_related("department")
        .prefetch_related("industries", "attachments")
        .filter(pk=pk)
        .first()
    )


def policy_attachment(pk: int, file_pk: int) -> Any:
    return PolicyAttachment.objects.filter(
        pk=file_pk, policy_id=pk, policy__in=Policy.objects.public()
    ).first()


def showcases() -> Any:
    return Showcase.objects.select_related("key_industry").order_by("sort_order", "id")


def latest_results() -> Any:
    """The main indicators of the latest issued monthly report (its latest version),
    read through the ``portal_results`` view, never the report's whole snapshot."""
    issued = PublishedResult.objects.order_by("-year", "-month", "-version").first()
    if issued is None:
        return None
    indicators = issued.indicators
    if isinstance(indicators, str):  # SQLite's json_extract hands back text
        indicators = json.loads(indicators)
    return {
        "year": issued.year,
        "month": issued.month,
        "version": issued.version,
        "issued_at": issued.issued_at,
        "indicators": indicators,
    }


def bulletins() -> Any:
    return Bulletin.objects.filter(status=Bulletin.Status.ISSUED).order_by("-issued_at", "-id")


def bulletin(pk: int) -> Any:
    return Bulletin.objects.filter(status=Bulletin.Status.ISSUED, pk=pk).first()


def typical_cases() -> Any:
    """Published typical complaint cases, when the complaints app is installed."""
    if not apps.is_installed("zhaoshang.complaints"):
        return None
    from zhaoshang.complaints.queries import published_cases

    return list(published_cases())

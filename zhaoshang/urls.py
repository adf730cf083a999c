from django.urls import include, path

from zhaoshang.api.api import api

urlpatterns = [
    path("", include("zhaoshang.org.urls")),
    path("audit/", include("zhaoshang.audit.urls")),
    path("reference/", include("zhaoshang.reference.urls")),
    path("enterprises/", include("zhaoshang.enterprises.urls")),
    path("pipeline/", include("zhaoshang.pipeline.urls")),
    # Targets, the monthly report and dashboards (issue 5).
    path("assessment/", include("zhaoshang.assessment.urls")),
    path("reports/", include("zhaoshang.reports.urls")),
    # Aftercare (issue 13): service tickets, visits, expansion; complaints.
    path("aftercare/", include("zhaoshang.aftercare.urls")),
    path("partners/", include("zhaoshang.partners.urls")),
    path("complaints/", include("zhaoshang.complaints.urls")),
    path("supervision/", include("zhaoshang.supervision.urls")),
    # Agreements, incentives, disbursement and clawback (issue 12).
    path("agreements/", include("zhaoshang.agreements.urls")),
    path("notifications/", include("zhaoshang.notifications.urls")),
    # Large exports written by the worker: progress and the download.
    path("exports/", include("zhaoshang.common.urls")),
    # API keys for other systems (the system administrator's pages; zhaoshang/api).
    path("org/api-keys/", include("zhaoshang.api.urls")),
    path("api/", api.urls),
    # The opportunity library and the policy library (staff pages; issue 14).
    path("opportunities/", include("zhaoshang.opportunities.urls")),
    path("policies/", include("zhaoshang.policies.urls")),
    # Industry chains: links, gaps, ranked targets, the chain map and report (issue 15).
    path("chains/", include("zhaoshang.chains.urls")),
    # The public portal (anonymous; Chinese and English) and its CAPTCHA images.
    path("portal/", include("zhaoshang.portal.urls")),
    path("portal/captcha/", include("captcha.urls")),
    path("portal-admin/", include("zhaoshang.portal.staff_urls")),
    # The promotion budget (issue 16).
    path("budget/", include("zhaoshang.budget.urls")),
    path("events/", include("zhaoshang.events.urls")),
]

handler403 = "zhaoshang.common.errors.forbidden"
handler404 = "zhaoshang.common.errors.not_found"
handler500 = "zhaoshang.common.errors.server_error"

from django.urls import path  # noqa: F401

from . import lead_views

app_name = "pipeline"

# Projects (views.py), leads (lead_views.py) and approvals (approval_views.py) add here.
urlpatterns = []

# Leads
urlpatterns += [
    path("leads/", lead_views.lead_list, name="lead_list"),
    path("leads/pool/", lead_views.lead_pool, name="lead_pool"),
    path("leads/new/", lead_views.lead_register, name="lead_register"),
    path("leads/enterprises/", lead_views.lead_enterprise_search, name="lead_enterprise_search"),
    path("leads/attribution/", lead_views.lead_attribution, name="lead_attribution"),
    path("leads/<int:pk>/", lead_views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/claim/", lead_views.lead_claim, name="lead_claim"),
    path("leads/<int:pk>/push/", lead_views.lead_push, name="lead_push"),
    path("leads/<int:pk>/request/", lead_views.lead_request, name="lead_request"),
    path("leads/<int:pk>/reassign/", lead_views.lead_reassign, name="lead_reassign"),
    path("leads/pushes/", lead_views.lead_push_list, name="lead_push_list"),
    path("leads/pushes/<int:pk>/answer/", lead_views.lead_push_answer, name="lead_push_answer"),
    path(
        "leads/pushes/<int:pk>/withdraw/", lead_views.lead_push_withdraw, name="lead_push_withdraw"
    ),
]

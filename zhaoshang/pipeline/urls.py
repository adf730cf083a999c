from django.urls import path  # noqa: F401

from .approvals import views as approval_views
from .leads import views as lead_views
from .projects import imports_views, views

app_name = "pipeline"

# Projects (views.py), leads (lead_views.py) and approvals (approval_views.py) add here.
urlpatterns = []

# --- Projects, stages, ledger, funds, problems (views.py) ---
urlpatterns += [
    path("", views.kanban, name="kanban"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_edit, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/move/", views.project_move, name="project_move"),
    path("projects/<int:pk>/ledger/", views.ledger_add, name="ledger_add"),
    path("projects/<int:pk>/funds/", views.funds_add, name="funds_add"),
    path("projects/<int:pk>/funds/<int:entry>/delete/", views.funds_delete, name="funds_delete"),
    path("projects/<int:pk>/problems/", views.problem_add, name="problem_add"),
    path(
        "projects/<int:pk>/problems/<int:problem>/",
        views.problem_action,
        name="problem_action",
    ),
    path("projects/<int:pk>/members/", views.member_add, name="member_add"),
    path(
        "projects/<int:pk>/members/<int:member>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("overdue-ledgers/", views.overdue_ledgers, name="overdue_ledgers"),
    path("problems/", views.problem_list, name="problem_list"),
    path("funnel/", views.funnel, name="funnel"),
    path("settings/", views.config_edit, name="config"),
    path("imports/", imports_views.import_list, name="import_list"),
    path("imports/<int:pk>/", imports_views.import_detail, name="import_detail"),
]

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

# --- Admission evaluation and tailored terms (approval_views.py) ---
urlpatterns += [
    path(
        "evaluation-templates/",
        approval_views.template_list,
        name="evaluation_template_list",
    ),
    path(
        "evaluation-templates/<int:pk>/",
        approval_views.template_edit,
        name="evaluation_template_edit",
    ),
    path(
        "evaluation-templates/<int:pk>/copy/",
        approval_views.template_copy,
        name="evaluation_template_copy",
    ),
    path(
        "evaluation-criteria/<int:pk>/delete/",
        approval_views.criterion_delete,
        name="evaluation_criterion_delete",
    ),
    path("evaluations/", approval_views.evaluation_list, name="evaluation_list"),
    path("evaluations/mine/", approval_views.review_list, name="review_list"),
    path("evaluations/<int:pk>/", approval_views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/score/", approval_views.evaluation_score, name="evaluation_score"),
    path(
        "evaluations/<int:pk>/decide/", approval_views.evaluation_decide, name="evaluation_decide"
    ),
    path(
        "projects/<int:pk>/evaluations/new/",
        approval_views.evaluation_create,
        name="evaluation_create",
    ),
    path("projects/<int:pk>/terms/", approval_views.project_terms, name="project_terms"),
    path("projects/<int:pk>/terms/start/", approval_views.terms_start, name="terms_start"),
    path("terms/", approval_views.terms_list, name="terms_list"),
    path("terms/<int:pk>/<str:kind>/edit/", approval_views.terms_document, name="terms_document"),
    path("terms/<int:pk>/submit/", approval_views.terms_submit, name="terms_submit"),
    path("terms/<int:pk>/meeting/", approval_views.terms_meeting, name="terms_meeting"),
    path("terms/files/<str:kind>/<int:pk>/", approval_views.terms_file, name="terms_file"),
]

from django.urls import path  # noqa: F401

from . import approval_views

app_name = "pipeline"

# Projects (views.py), leads (lead_views.py) and approvals (approval_views.py) add here.
urlpatterns = []

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

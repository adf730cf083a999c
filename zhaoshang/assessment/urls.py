from django.urls import path

from . import result_views, views

app_name = "assessment"

urlpatterns = [
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:year>/<int:unit>/", views.target_edit, name="target_edit"),
    path("targets/import/", views.target_import, name="target_import"),
    path("targets/import/<int:pk>/", views.target_import_detail, name="target_import_detail"),
    path("scheme/", result_views.scheme, name="scheme"),
    path("results/", result_views.result_list, name="result_list"),
    path("results/<int:pk>/", result_views.result_detail, name="result_detail"),
    path("results/<int:pk>/issue/", result_views.result_issue, name="result_issue"),
    path("results/<int:pk>/lead/", result_views.result_lead, name="result_lead"),
    path("results/<int:pk>/objections/", result_views.objection_file, name="objection_file"),
    path(
        "results/<int:pk>/download/<str:fmt>/",
        result_views.result_download,
        name="result_download",
    ),
    path("results/<int:pk>/units/<int:unit>/", result_views.score_sheet, name="score_sheet"),
    path(
        "results/<int:pk>/units/<int:unit>/<str:code>/",
        result_views.records,
        name="records",
    ),
    path("objections/<int:pk>/answer/", result_views.objection_answer, name="objection_answer"),
    path("dispatch/", result_views.dispatch, name="dispatch"),
]

from django.urls import path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="opportunity_list"),
    path("new/", views.opportunity_create, name="opportunity_create"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("<int:pk>/status/", views.opportunity_status, name="opportunity_status"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
]

from django.urls import path

from . import imports_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_edit, name="enterprise_create"),
    path("duplicates/", views.duplicate_check, name="duplicate_check"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/rankings/", views.ranking_add, name="ranking_add"),
    path("<int:pk>/former-names/", views.former_name_add, name="former_name_add"),
    path("<int:pk>/merge/<int:other>/", views.merge, name="merge"),
    path("imports/", imports_views.import_list, name="import_list"),
    path("imports/<int:pk>/", imports_views.import_detail, name="import_detail"),
]

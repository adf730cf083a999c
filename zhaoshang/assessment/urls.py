from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:year>/<int:unit>/", views.target_edit, name="target_edit"),
    path("targets/import/", views.target_import, name="target_import"),
    path("targets/import/<int:pk>/", views.target_import_detail, name="target_import_detail"),
]

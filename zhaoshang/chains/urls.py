from django.urls import path

from . import views

app_name = "chains"

urlpatterns = [
    path("", views.chain_list, name="chain_list"),
    path("new/", views.chain_create, name="chain_create"),
    path("weights/", views.weights, name="weights"),
    path("report/", views.report, name="report"),
    path("import/", views.import_list, name="import_list"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/", views.chain_detail, name="chain_detail"),
    path("<int:pk>/map.json", views.chain_data, name="chain_data"),
    path("<int:pk>/edit/", views.chain_edit, name="chain_edit"),
    path("<int:pk>/copy/", views.chain_copy, name="chain_copy"),
    path("<int:pk>/delete/", views.chain_delete, name="chain_delete"),
    path("<int:pk>/recompute/", views.chain_recompute, name="chain_recompute"),
    path("<int:pk>/links/new/", views.link_create, name="link_create"),
    path("<int:pk>/links/<int:link_pk>/", views.link_panel, name="link_panel"),
    path("<int:pk>/links/<int:link_pk>/edit/", views.link_edit, name="link_edit"),
    path("<int:pk>/links/<int:link_pk>/delete/", views.link_delete, name="link_delete"),
    path("<int:pk>/links/<int:link_pk>/place/", views.placement_add, name="placement_add"),
    path("<int:pk>/links/<int:link_pk>/remove/", views.placement_remove, name="placement_remove"),
    path("<int:pk>/links/<int:link_pk>/register/", views.target_register, name="target_register"),
]

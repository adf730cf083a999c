from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/action/", views.event_action, name="event_action"),
    path("materials/<int:pk>/", views.material_download, name="material_download"),
    path("quota/", views.quota_list, name="quota_list"),
    path("quota/set/", views.quota_set, name="quota_set"),
    path("quota/zones/", views.zone_quota_set, name="zone_quota_set"),
]

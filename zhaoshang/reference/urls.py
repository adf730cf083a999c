from django.urls import path

from . import views

app_name = "reference"

urlpatterns = [
    path("industries/", views.industry_list, name="industry_list"),
    path("key-industries/", views.key_industry_list, name="key_industry_list"),
    path("key-industries/new/", views.key_industry_edit, name="key_industry_create"),
    path("key-industries/<int:pk>/edit/", views.key_industry_edit, name="key_industry_edit"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/new/", views.zone_edit, name="zone_create"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("regions/", views.region_list, name="region_list"),
    path("carriers/", views.carrier_list, name="carrier_list"),
    path("carriers/new/", views.carrier_edit, name="carrier_create"),
    path("carriers/import/", views.carrier_import, name="carrier_import"),
    path("carriers/import/<int:pk>/", views.carrier_import_detail, name="carrier_import_detail"),
    path("carriers/<int:pk>/", views.carrier_detail, name="carrier_detail"),
    path("carriers/<int:pk>/edit/", views.carrier_edit, name="carrier_edit"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
]

from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/action/", views.ticket_action, name="ticket_action"),
    path("tickets/<int:pk>/expansion/", views.ticket_expansion, name="ticket_expansion"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_edit, name="type_create"),
    path("types/<int:pk>/", views.type_edit, name="type_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("key-enterprises/add/", views.key_enterprise_add, name="key_enterprise_add"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/calendar/", views.visit_calendar, name="visit_calendar"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/action/", views.visit_action, name="visit_action"),
    path("expansions/", views.expansion_list, name="expansion_list"),
]

from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("new/", views.partner_edit, name="partner_create"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("<int:pk>/fees/", views.fee_pay, name="fee_pay"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rewards/", views.reward_list, name="reward_list"),
    path("rewards/propose/", views.reward_propose, name="reward_propose"),
    path("rewards/<int:pk>/", views.reward_detail, name="reward_detail"),
    path("rewards/<int:pk>/action/", views.reward_action, name="reward_action"),
]

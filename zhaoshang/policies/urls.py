from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", views.policy_create, name="policy_create"),
    path("<int:pk>/", views.policy_detail, name="policy_detail"),
    path("<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/revise/", views.policy_revise, name="policy_revise"),
    path("<int:pk>/publish/", views.policy_publish, name="policy_publish"),
    path("<int:pk>/repeal/", views.policy_repeal, name="policy_repeal"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:file_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]

from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/action/", views.complaint_action, name="complaint_action"),
    path("<int:pk>/case/", views.case_edit, name="case_edit"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/publish/", views.case_publish, name="case_publish"),
]

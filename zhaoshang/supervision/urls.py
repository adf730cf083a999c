from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("notice/", views.notice_page, name="notice"),
    path("notice/download/", views.notice_download, name="notice_download"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/action/", views.item_action, name="item_action"),
    path("<int:pk>/report/", views.item_report, name="item_report"),
    path("<int:pk>/accountability/", views.accountability_add, name="accountability_add"),
    path("<int:pk>/files/<int:file_pk>/", views.report_file, name="report_file"),
    path("<int:pk>/decisions/<int:record_pk>/", views.decision_file, name="decision_file"),
]

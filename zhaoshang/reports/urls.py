from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/issue/", views.issue, name="issue"),
    path("issued/", views.issued_list, name="issued_list"),
    path("issued/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("records/", views.records, name="records"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/office/", views.office_dashboard, name="office_dashboard"),
    path("dashboard/unit/", views.unit_dashboard, name="unit_dashboard"),
    path("rates/", views.rate_list, name="rate_list"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/generate/", views.bulletin_generate, name="bulletin_generate"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/action/", views.bulletin_action, name="bulletin_action"),
]

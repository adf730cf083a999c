from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.report, name="report"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("lines/<int:pk>/adjust/", views.line_adjust, name="line_adjust"),
    path("spending/", views.spending_list, name="spending_list"),
    path("spending/new/", views.spending_create, name="spending_create"),
    path("spending/<int:pk>/voucher/", views.spending_voucher, name="spending_voucher"),
    path("spending/<int:pk>/reverse/", views.spending_reverse, name="spending_reverse"),
]

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("<str:token>/", views.status, name="status"),
    path("<str:token>/download/", views.download, name="download"),
]

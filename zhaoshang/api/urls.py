from django.urls import path

from . import views

app_name = "apikeys"

urlpatterns = [
    path("", views.key_list, name="key_list"),
    path("new/", views.key_create, name="key_create"),
    path("<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
]

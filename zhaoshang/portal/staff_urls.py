from django.urls import path

from . import staff_views

app_name = "portal_admin"

urlpatterns = [
    path("profile/", staff_views.profile, name="profile"),
    path("showcases/", staff_views.showcase_list, name="showcase_list"),
    path("showcases/<int:pk>/remove/", staff_views.showcase_remove, name="showcase_remove"),
    path("submissions/", staff_views.submission_list, name="submission_list"),
]

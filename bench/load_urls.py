"""The product's URLs, plus the raw-SQL floor under /bench/raw/ (bench settings only)."""

from django.urls import path

from bench import load_views
from zhaoshang.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

urlpatterns = [
    path("bench/raw/kanban/", load_views.kanban),
    path("bench/raw/projects/", load_views.project_list),
    path("bench/raw/projects/<int:pk>/", load_views.project_detail),
    path("bench/raw/enterprises/", load_views.enterprise_search),
    path("bench/raw/dashboard/", load_views.dashboard),
    *urlpatterns,
]

from django.urls import path  # noqa: F401

app_name = "pipeline"

# Projects (views.py), leads (lead_views.py) and approvals (approval_views.py) add here.
urlpatterns = []

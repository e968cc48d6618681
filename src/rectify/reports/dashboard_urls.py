"""The leader dashboard (mounted at /dashboard/)."""

from django.urls import path

from rectify.reports import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard_page, name="index"),
]

"""Warnings, extension requests and data-quality checks (mounted at /ledger/watch/)."""

from django.urls import path

from rectify.problems import watch_views as views

app_name = "ledger_watch"

urlpatterns = [
    path("", views.warnings, name="warnings"),
    path("escalations/", views.escalations, name="escalations"),
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("problems/<int:pk>/extension/", views.extension_new, name="extension_new"),
    path("quality/", views.quality_page, name="quality"),
]

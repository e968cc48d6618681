"""Warnings, extension requests and data-quality checks."""

from django.urls import path  # noqa: F401

app_name = "ledger_watch"

urlpatterns: list = []

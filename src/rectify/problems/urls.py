"""Ledger pages (list, detail, forms, inspections)."""

from django.urls import path  # noqa: F401

app_name = "problems"

urlpatterns: list = []

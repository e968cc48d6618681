"""Ledger spreadsheet upload and download."""

from django.urls import path  # noqa: F401

app_name = "ledger_excel"

urlpatterns: list = []

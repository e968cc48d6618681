"""Ledger spreadsheet upload and download."""

from django.urls import path

from rectify.problems import excel_views

app_name = "ledger_excel"

urlpatterns = [
    path("import/", excel_views.upload, name="upload"),
    path("export/", excel_views.export, name="export"),
]

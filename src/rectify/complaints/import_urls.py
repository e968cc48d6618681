"""Complaints spreadsheet upload and download; mounted at /complaints/import/."""

from django.urls import path

from rectify.complaints import import_views

app_name = "complaints_import"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("export/", import_views.export, name="export"),
]

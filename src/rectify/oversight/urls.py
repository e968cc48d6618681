"""Oversight pages; mounted at /oversight/ by the root URLconf."""

from django.urls import path  # noqa: F401

app_name = "oversight"

urlpatterns: list = []

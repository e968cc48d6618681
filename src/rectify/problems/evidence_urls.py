"""Evidence pages; mounted at /ledger/evidence/ by the root URLconf."""

from django.urls import path

from rectify.problems import evidence_views as views

app_name = "ledger_evidence"

urlpatterns = [
    path("problems/<int:pk>/", views.evidence_list, name="list"),
    path("problems/<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/image/", views.image, name="image"),
    path("<int:pk>/remove/", views.remove, name="remove"),
]

"""The office's 边督边改 publication pages; mounted at /complaints/publications/."""

from django.urls import path

from rectify.complaints import publication_views as views

app_name = "complaints_pub"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("preview/", views.preview, name="preview"),
    path("publish/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/publication.xlsx", views.download, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:pk>/publication.docx", views.download, {"fmt": "docx"}, name="docx"),
]

"""Disclosure pages; mounted at /reports/ by the root URLconf."""

from django.urls import path

from rectify.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.disclosure_list, name="list"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("<int:pk>/narratives/", views.save_narrative, name="narrative"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/disclosure.<str:fmt>", views.download, name="download"),
]

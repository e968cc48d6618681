from django.urls import path

from rectify.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_list, name="list"),
    path("<str:code>/", views.org_detail, name="detail"),
]

"""Public complaints pages; mounted at /complaints/ by the root URLconf."""

from django.urls import path

from rectify.complaints.views import detail, pages

app_name = "complaints"

urlpatterns = [
    path("", pages.complaint_list, name="list"),
    path("mine/", pages.mine, name="mine"),
    path("batches/", pages.batch_list, name="batches"),
    path("batches/assign/", pages.batch_assign, name="batch_assign"),
    path("stats/", pages.stats_page, name="stats"),
    path("<int:pk>/", detail.complaint_detail, name="detail"),
    path("<int:pk>/assign/", detail.complaint_assign, name="assign"),
    path("<int:pk>/result/", detail.complaint_result, name="result"),
    path("<int:pk>/close/", detail.complaint_close, name="close"),
    path("<int:pk>/return/", detail.complaint_return, name="return"),
    path("<int:pk>/edit/", detail.complaint_edit, name="edit"),
    path("<int:pk>/repeat/", detail.complaint_repeat, name="repeat"),
    path("<int:pk>/not-repeat/", detail.complaint_not_repeat, name="not_repeat"),
    path("<int:pk>/problem/", detail.complaint_problem, name="problem"),
    path("<int:pk>/reveal/", detail.complaint_reveal, name="reveal"),
]

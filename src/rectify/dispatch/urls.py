"""Dispatch pages; mounted at /dispatch/ by the root URLconf."""

from django.urls import path

from rectify.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.period_list, name="periods"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("mine/", views.my_reports, name="my_reports"),
    path(
        "periods/<int:period_pk>/problems/<int:problem_pk>/report/",
        views.write_report,
        name="write",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/review/", views.review_report, name="review"),
    path("reviews/", views.review_queue, name="reviews"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.docx", views.quarterly_docx, name="quarterly_docx"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/bell/", views.bell, name="bell"),
]

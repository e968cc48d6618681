"""Sign-off pages: applications, review steps, notices, the working-day calendar."""

from django.urls import path

from rectify.signoff import calendar_views, views

app_name = "signoff"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("problems/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/step/", views.step, name="step"),
    path("applications/<int:pk>/notice/", views.notice_page, name="notice"),
    path("applications/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/days/new/", calendar_views.day_save, name="calendar_day_add"),
    path("calendar/days/<int:pk>/", calendar_views.day_edit, name="calendar_day_edit"),
    path("calendar/days/<int:pk>/save/", calendar_views.day_save, name="calendar_day_save"),
    path("calendar/days/<int:pk>/delete/", calendar_views.day_delete, name="calendar_day_delete"),
    path("calendar/years/", calendar_views.year_save, name="calendar_year"),
]

from django.urls import path

from rectify.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("notices/<int:pk>/objection/", views.object_to_notice, name="object"),
]

"""Oversight pages; mounted at /oversight/ by the root URLconf."""

from django.urls import path

from rectify.oversight.views import accountability, files, home, records, supervision, teams

app_name = "oversight"

urlpatterns = [
    path("", home.home, name="home"),
    path("accountability/", accountability.case_list, name="cases"),
    path("accountability/new/", accountability.case_create, name="case_create"),
    path("accountability/<int:pk>/", accountability.case_detail, name="case"),
    path("accountability/<int:pk>/edit/", accountability.case_edit, name="case_edit"),
    path("accountability/<int:pk>/status/", accountability.case_transition, name="case_transition"),
    path(
        "accountability/<int:pk>/organizations/",
        accountability.case_add_org,
        name="case_add_org",
    ),
    path(
        "accountability/<int:pk>/persons/", accountability.case_add_person, name="case_add_person"
    ),
    path(
        "accountability/organizations/<int:pk>/remove/",
        accountability.org_remove,
        name="org_remove",
    ),
    path(
        "accountability/persons/<int:pk>/remove/",
        accountability.person_remove,
        name="person_remove",
    ),
    path("supervision/", supervision.action_list, name="actions"),
    path("supervision/new/", supervision.action_create, name="action_create"),
    path("supervision/<int:pk>/", supervision.action_detail, name="action"),
    path("supervision/<int:pk>/edit/", supervision.action_edit, name="action_edit"),
    path(
        "supervision/<int:pk>/findings/", supervision.action_add_finding, name="action_add_finding"
    ),
    path(
        "supervision/findings/<int:pk>/convert/",
        supervision.finding_convert,
        name="finding_convert",
    ),
    path("meetings/", records.meeting_list, name="meetings"),
    path("meetings/<int:pk>/edit/", records.meeting_edit, name="meeting_edit"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/problems/", teams.team_list_problem, name="team_list_problem"),
    path(
        "teams/<int:pk>/problems/<int:problem_pk>/remove/",
        teams.team_unlist_problem,
        name="team_unlist_problem",
    ),
    path("teams/<int:pk>/visits/", teams.team_visit, name="team_visit"),
    path("letters/", records.letter_list, name="letters"),
    path("letters/new/", records.letter_create, name="letter_create"),
    path("letters/<int:pk>/", records.letter_detail, name="letter"),
    path("letters/<int:pk>/edit/", records.letter_edit, name="letter_edit"),
    path("documents/<str:owner>/<int:pk>/upload/", files.upload_documents, name="upload"),
    path("documents/<int:pk>/", files.document, name="document"),
    path("excel/", files.excel, name="excel"),
    path("excel/accountability.xlsx", files.export_persons_view, name="export_persons"),
    path("excel/supervision.xlsx", files.export_actions_view, name="export_actions"),
]

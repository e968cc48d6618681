from django.urls import path

from rectify.portal import complaint_views as complaints
from rectify.portal import disclosure_views as disclosures
from rectify.portal import home_views as home
from rectify.portal import opendata_views as opendata
from rectify.portal import problem_views as problems
from rectify.portal import views

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("notices/<int:pk>/objection/", views.object_to_notice, name="object"),
    path("complaints/", complaints.complaint_publications, name="complaint_publications"),
    path("complaints/<int:pk>/", complaints.complaint_publication, name="complaint_publication"),
    path(
        "complaints/<int:pk>/publication.xlsx", complaints.publication_xlsx, name="complaint_xlsx"
    ),
    path(
        "complaints/<int:pk>/publication.docx", complaints.publication_docx, name="complaint_docx"
    ),
    path("complaints/<int:pk>/rows.csv", complaints.rows_csv, name="complaint_csv"),
    path("complaints/<int:pk>/rows.json", complaints.rows_json, name="complaint_json"),
    path("disclosures/", disclosures.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", disclosures.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/figures.json", disclosures.disclosure_json, name="disclosure_json"),
    path(
        "disclosures/<int:pk>/disclosure.docx", disclosures.disclosure_docx, name="disclosure_docx"
    ),
    path("inspections/", problems.inspection_list, name="inspections"),
    path("inspections/<slug:code>/", problems.problem_list, name="problems"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("opendata/", opendata.index, name="opendata"),
    path(
        "opendata/problems/<slug:code>.csv",
        opendata.problems_csv,
        name="opendata_problems_csv",
    ),
    path(
        "opendata/problems/<slug:code>.json",
        opendata.problems_json,
        name="opendata_problems_json",
    ),
    path(
        "opendata/disclosures.csv",
        opendata.disclosures_csv,
        name="opendata_disclosures_csv",
    ),
    path(
        "opendata/disclosures.json",
        opendata.disclosures_json,
        name="opendata_disclosures_json",
    ),
    path(
        "opendata/complaint-handling.csv",
        opendata.complaints_csv,
        name="opendata_complaints_csv",
    ),
    path(
        "opendata/complaint-handling.json",
        opendata.complaints_json,
        name="opendata_complaints_json",
    ),
]

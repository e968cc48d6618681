from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from rectify import views
from rectify.accounts.audit_views import urlpatterns as audit_urls
from rectify.accounts.urls import admin_urlpatterns as user_admin_urls
from rectify.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("rectify.core.urls")),
    path("accounts/", include("rectify.accounts.urls")),
    path("users/", include((user_admin_urls, "users"))),
    path("audit/", include((audit_urls, "audit"))),
    path("orgs/", include("rectify.orgs.urls")),
    path("ledger/", include("rectify.problems.urls")),
    path("ledger/excel/", include("rectify.problems.excel_urls")),
    path("ledger/watch/", include("rectify.problems.watch_urls")),
    path("ledger/evidence/", include("rectify.problems.evidence_urls")),
    path("signoff/", include("rectify.signoff.urls")),
    path("dispatch/", include("rectify.dispatch.urls")),
    path("complaints/import/", include("rectify.complaints.import_urls")),
    path("complaints/publications/", include("rectify.complaints.publication_urls")),
    path("complaints/", include("rectify.complaints.urls")),
    path("oversight/", include("rectify.oversight.urls")),
    path("reports/", include("rectify.reports.urls")),
    path("dashboard/", include("rectify.reports.dashboard_urls")),
    path("public/", include("rectify.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
]

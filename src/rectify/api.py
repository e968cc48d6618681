"""The JSON API under /api/v1: each app's ninja router, one error format for all."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rectify import __version__
from rectify.accounts.api import router as accounts_router
from rectify.accounts.api_auth import AUTH
from rectify.complaints.api import router as complaints_router
from rectify.core.errors import ConflictError
from rectify.dispatch.api import router as dispatch_router
from rectify.orgs.api import router as orgs_router
from rectify.oversight.api import router as oversight_router
from rectify.problems.api import router as problems_router
from rectify.reports.api import router as reports_router
from rectify.reports.dashboard_api import router as dashboard_router
from rectify.signoff.api import router as signoff_router

api = NinjaAPI(
    title="Rectify API",
    version=f"1 ({__version__})",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
)


def error(request, code: str, message: str, status: int, **extra):
    """Every error body: {"code": ..., "message": ...} plus details."""
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return error(request, "invalid_input", _("The request is not valid."), 422, errors=errors)


@api.exception_handler(ValidationError)
def on_action_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": msg}
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    else:
        errors = [{"field": None, "message": msg} for msg in exc.messages]
    return error(request, "invalid_input", _("The request is not valid."), 422, errors=errors)


@api.exception_handler(DataError)
def on_unstorable_value(request, exc: DataError):
    # A value the schema admits but the column cannot hold: a NUL character in a text on
    # PostgreSQL, a number past the column's range. The client's input, not a server fault;
    # the failed statement was the request's own, in its own transaction or in autocommit.
    return error(
        request, "invalid_input", _("The request holds a value that cannot be stored."), 422
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, "unauthenticated", _("Sign in or send a valid API token."), 401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, "not_found", _("Not found."), 404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, "forbidden", _("You may not do this."), 403)


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return error(request, "conflict", str(exc), 409)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error(request, f"http_{exc.status_code}", str(exc), exc.status_code)


api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", problems_router)
api.add_router("", signoff_router)
api.add_router("", dispatch_router)
api.add_router("", complaints_router)
api.add_router("", oversight_router)
api.add_router("", reports_router)
api.add_router("", dashboard_router)

"""What every oversight page shares: the role checks, the sub-navigation flags, running an
action from a form, and uploads with the size limit in place before the body is read."""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from rectify.core import files
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx
from rectify.core.scoping import scope_of
from rectify.oversight.permissions import can_manage, can_view, sees_names


def require_view(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 on every oversight page."""
    if not can_view(user):
        raise Http404


def require_manage(user) -> None:
    require_view(user)
    if not can_manage(user):
        raise PermissionDenied


def province_wide(user) -> bool:
    """Office and leaders: they see the province's figures, not only their scope's."""
    return scope_of(user).all


def flags(user) -> dict:
    return {
        "can_manage": can_manage(user),
        "sees_names": sees_names(user),
        "province_wide": province_wide(user),
    }


def page(request, template: str, context: dict, *, here: str, status: int = 200, partial=""):
    """Render a page (or, for htmx, its named partial) with the sub-navigation flags."""
    context = {**context, "here": here, **flags(request.user)}
    name = f"{template}#{partial}" if partial and is_htmx(request) else template
    return render(request, name, context, status=status)


def run_form_action(form, fn) -> tuple[object | None, int]:
    """Call an action with a valid form; its errors go onto the form. (result, status)."""
    try:
        return fn(), 200
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return None, 409
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None, 200


def with_upload_limit(view):
    """Put the upload size limit in place before Django reads the body (so before the CSRF
    check, which reads POST): exempt the outer view, protect the inner one again."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        handler = files.SizeLimitUploadHandler(request)
        request.upload_handlers.insert(0, handler)
        request.upload_refused = handler
        return protected(request, *args, **kwargs)

    return wrapper


def refuse_too_large(request, form, field: str = "file") -> bool:
    """Put "too large" errors on the form; True when a file was refused."""
    handler = getattr(request, "upload_refused", None)
    if handler is None or not handler.refused:
        return False
    form.errors.pop(field, None)
    for name in handler.refused:
        form.add_error(field, files.too_large_error(name))
    return True

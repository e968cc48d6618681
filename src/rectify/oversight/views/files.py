"""Documents of oversight records (upload by the office, scope-checked download) and the
Excel import page and exports."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core import files
from rectify.oversight import actions, queries
from rectify.oversight.excel.actions import check_import_actions, export_actions
from rectify.oversight.excel.persons import check_import_persons, export_persons
from rectify.oversight.forms import DocumentForm, ImportForm
from rectify.oversight.permissions import can_manage
from rectify.oversight.views.common import (
    page,
    refuse_too_large,
    require_manage,
    require_view,
    run_form_action,
    with_upload_limit,
)
from rectify.problems.models import Inspection

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OWNERS = {
    "case": (queries.access_case, "oversight:case"),
    "action": (queries.access_action, "oversight:action"),
    "letter": (queries.access_letter, "oversight:letter"),
    "meeting": (queries.access_meeting, "oversight:meetings"),
}


@login_required
@require_POST
@with_upload_limit
def upload_documents(request, owner: str, pk: int):
    user = request.user
    if owner not in OWNERS:
        raise Http404
    access, url_name = OWNERS[owner]
    record = access(user, pk)
    require_manage(user)
    form = DocumentForm(request.POST, request.FILES)
    valid = form.is_valid()
    if not refuse_too_large(request, form) and valid:
        stored, _status = run_form_action(
            form,
            lambda: actions.check_attach_documents(
                owner,
                record,
                actor=user,
                uploaded_files=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            ),
        )
        if stored is not None:
            messages.success(request, _("The documents were attached."))
    if form.errors:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    target = reverse(url_name) if owner == "meeting" else reverse(url_name, kwargs={"pk": pk})
    return redirect(target)


@login_required
def document(request, pk: int):
    user = request.user
    require_view(user)
    item = queries.access_document(user, pk)
    try:
        handle = files.open_stored(item.file)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=files.download_name(item.file),
        content_type=item.file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Excel -------------------------------------------------------------------------------------


@login_required
@with_upload_limit
def excel(request):
    user = request.user
    require_view(user)
    outcome = None
    form = None
    status = 200
    if request.method == "POST":
        require_manage(user)
        form = ImportForm(request.POST, request.FILES)
        valid = form.is_valid()
        if not refuse_too_large(request, form) and valid:
            d = form.cleaned_data
            run = check_import_persons if d["subject"] == "persons" else check_import_actions
            upload = d["file"]
            outcome = run(
                upload,
                inspection=d["inspection"],
                actor=user,
                dry_run=d["dry_run"],
                filename=upload.name,
            )
            status = 200 if outcome.ok else 400
            if outcome.ok and not outcome.dry_run:
                messages.success(request, outcome.summary())
        else:
            status = 400
    elif can_manage(user):
        form = ImportForm()
    inspections = Inspection.objects.order_by("-feedback_date", "code")
    context = {"form": form, "outcome": outcome, "inspections": inspections}
    return page(request, "oversight/excel.html", context, here="excel", status=status)


def _inspection(request) -> Inspection:
    inspection = Inspection.objects.filter(code=request.GET.get("inspection", "")).first()
    if inspection is None:
        raise Http404
    return inspection


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_persons_view(request):
    user = request.user
    require_view(user)
    inspection = _inspection(request)
    out = io.BytesIO()
    cases = queries.visible_cases(user).filter(inspection=inspection)
    export_persons(user, cases, out, exported_by=user.get_username())
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx(out.getvalue(), f"accountability-{inspection.code}-{stamp}.xlsx")


@login_required
def export_actions_view(request):
    user = request.user
    require_view(user)
    inspection = _inspection(request)
    out = io.BytesIO()
    export_actions(
        queries.visible_actions(user).filter(inspection=inspection),
        out,
        exported_by=user.get_username(),
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx(out.getvalue(), f"supervision-{inspection.code}-{stamp}.xlsx")

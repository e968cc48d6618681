"""Complaints spreadsheet pages: upload a batch (check first, then confirm) and download.

The upload keeps the file between the check and the confirmation as the ledger's upload
does (problems/excel_views.py): in the private upload folder under var/, named by a random
token that only the uploader's session knows, deleted after the import and after a day
at the latest. Downloads hold only the complaints the caller may see, and never complainant
data.
"""

import io
import secrets
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints.excel.exporter import export_complaints
from rectify.complaints.excel.importer import import_complaints
from rectify.complaints.permissions import manages
from rectify.complaints.queries import visible_batches, visible_complaints
from rectify.core.htmx import render_page_or_partial
from rectify.problems.excel.safety import MB, limits
from rectify.problems.excel_views import XLSX, UploadForm, remove_stale, upload_dir
from rectify.problems.models import Inspection

SESSION_KEY = "complaint_excel_uploads"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintUploadForm(UploadForm):
    """The ledger's upload form (its file checks), with a batch instead of an as-of date."""

    as_of = None
    batch = forms.IntegerField(label=gettext_lazy("Batch number"), min_value=1, max_value=999)
    received_on = forms.DateField(
        label=gettext_lazy("Received on"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Needed when the batch is new: the day the team transferred it."),
    )
    stated_count = forms.IntegerField(
        label=gettext_lazy("Number of complaints stated by the team"),
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "As the transfer letter says (第N批M件). Left empty for a new batch: the rows of "
            "the file."
        ),
    )
    field_order = ["inspection", "batch", "received_on", "stated_count", "file"]

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return value


class ComplaintExportForm(forms.Form):
    inspection = forms.ModelChoiceField(
        label=gettext_lazy("Inspection"), queryset=Inspection.objects.none(), to_field_name="code"
    )
    batch = forms.IntegerField(
        label=gettext_lazy("Batch number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Empty: every batch of the inspection."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["inspection"].queryset = Inspection.objects.filter(
            pk__in=visible_batches(user).values("inspection_id")
        ).order_by("-onsite_start", "code")

    def clean(self):
        data = super().clean()
        inspection, number = data.get("inspection"), data.get("batch")
        visible = visible_batches(self.user)
        if (
            inspection is not None
            and number is not None
            and not visible.filter(inspection=inspection, number=number).exists()
        ):
            self.add_error("batch", _("This inspection has no batch %(n)d.") % {"n": number})
        return data


def _require_manager(request) -> None:
    if not manages(request.user):
        raise PermissionDenied


def _run(request, path_or_stream, entry: dict, *, dry_run: bool):
    inspection = Inspection.objects.filter(code=entry["inspection"]).first()
    if inspection is None:
        raise Http404
    received_on = entry.get("received_on")
    return inspection, import_complaints(
        path_or_stream,
        inspection=inspection,
        batch_number=entry["batch"],
        actor=request.user,
        received_on=date.fromisoformat(received_on) if received_on else None,
        stated_count=entry.get("stated_count"),
        dry_run=dry_run,
        filename=entry["filename"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a batch's workbook, see the dry-run report, then confirm the import."""
    _require_manager(request)
    template = "complaints/import/upload.html"
    pending = request.session.get(SESSION_KEY, {})
    context: dict = {"result": None, "token": None, "limit_mb": limits().max_file_bytes // MB}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        entry = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        path = upload_dir() / f"{token}.xlsx"
        context["form"] = ComplaintUploadForm()
        if entry is None or not path.is_file():
            context["expired"] = True
            return render_page_or_partial(request, template, "result", context)
        try:
            inspection, context["result"] = _run(request, path, entry, dry_run=False)
        finally:
            path.unlink(missing_ok=True)
        context.update(inspection=inspection, entry=entry)
        context["form"] = ComplaintUploadForm(initial={"inspection": entry["inspection"]})
        return render_page_or_partial(request, template, "result", context)
    if request.method == "POST":
        form = ComplaintUploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render_page_or_partial(request, template, "result", context, status=400)
        upload = form.cleaned_data["file"]
        received_on = form.cleaned_data["received_on"]
        entry = {
            "inspection": form.cleaned_data["inspection"].code,
            "batch": form.cleaned_data["batch"],
            "received_on": received_on.isoformat() if received_on else None,
            "stated_count": form.cleaned_data["stated_count"],
            "filename": upload.name,
        }
        data = b"".join(upload.chunks())
        inspection, result = _run(request, io.BytesIO(data), entry, dry_run=True)
        context.update(result=result, inspection=inspection, entry=entry)
        if result.ok and result.changed:
            folder = upload_dir()
            remove_stale(folder)
            token = secrets.token_urlsafe(24)
            path = folder / f"{token}.xlsx"
            path.write_bytes(data)
            path.chmod(0o600)
            pending[token] = entry
            request.session[SESSION_KEY] = pending
            context["token"] = token
        return render_page_or_partial(request, template, "result", context)
    context["form"] = ComplaintUploadForm()
    return render_page_or_partial(request, template, "result", context)


@login_required
def export(request):
    """Download the complaints of an inspection or one batch: only those the caller sees."""
    if not has_cap(request.user, Cap.VIEW_BUSINESS):
        raise PermissionDenied
    template = "complaints/import/export.html"
    if "inspection" not in request.GET:
        form = ComplaintExportForm(user=request.user)
        return render_page_or_partial(request, template, "form", {"form": form})
    form = ComplaintExportForm(request.GET, user=request.user)
    if not form.is_valid():
        if "inspection" in form.errors:
            raise Http404  # an inspection the caller sees no complaint of: as if missing
        return render_page_or_partial(request, template, "form", {"form": form}, status=400)
    inspection, number = form.cleaned_data["inspection"], form.cleaned_data["batch"]
    qs = visible_complaints(request.user).filter(batch__inspection=inspection)
    title, name = inspection.name, f"信访举报件-{inspection.code}"
    if number is not None:
        qs = qs.filter(batch__number=number)
        title, name = f"{inspection.name} 第{number}批", f"{name}-第{number}批"
    out = io.BytesIO()
    export_complaints(
        qs,
        out,
        title=title,
        exported_by=request.user.get_username(),
        accountability=has_cap(request.user, Cap.VIEW_OFFICIAL_NAMES),
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}-{timezone.localdate().isoformat()}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response

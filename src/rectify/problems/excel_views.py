"""Ledger spreadsheet pages: upload (check first, then confirm) and download.

Uploads go to a private folder under var/ (never static or media), are checked with a dry
run, and only a confirmed upload is imported; the file is deleted afterwards and stale
ones after a day. Downloads hold only the caller's visible problems.
"""

import io
import secrets
import time
from datetime import date
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rectify.accounts.roles import Cap, has_cap
from rectify.core.htmx import render_page_or_partial
from rectify.problems.excel.exporter import export_ledger
from rectify.problems.excel.importer import check_import_ledger
from rectify.problems.excel.safety import MB, limits
from rectify.problems.models import Inspection
from rectify.problems.queries import visible_inspections, visible_problems

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "ledger_excel_uploads"
STALE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )
    inspection = forms.ModelChoiceField(
        label=gettext_lazy("Inspection"), queryset=Inspection.objects.all(), to_field_name="code"
    )
    as_of = forms.DateField(
        label=gettext_lazy("The file describes the ledger as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Status dates missing from the file (完成时间, 销号时间, 进度填报时间) default "
            "to this day."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = limits().max_file_bytes
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": limit // MB}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        return upload

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return value


class ExportForm(forms.Form):
    inspection = forms.ModelChoiceField(
        label=gettext_lazy("Inspection"), queryset=Inspection.objects.none(), to_field_name="code"
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = visible_inspections(user)


def _require_editor(request) -> None:
    if not has_cap(request.user, Cap.EDIT_LEDGER):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a workbook, see the dry-run report, then confirm the import."""
    _require_editor(request)
    pending = request.session.get(SESSION_KEY, {})
    context: dict = {"result": None, "token": None, "limit_mb": limits().max_file_bytes // MB}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        entry = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        path = upload_dir() / f"{token}.xlsx"
        if entry is None or not path.is_file():
            context["expired"] = True
            form = UploadForm(initial={"as_of": timezone.localdate()})
        else:
            inspection = Inspection.objects.filter(code=entry["inspection"]).first()
            form = UploadForm(initial={"as_of": entry["as_of"], "inspection": entry["inspection"]})
            if inspection is None:
                raise Http404
            try:
                context["result"] = check_import_ledger(
                    path,
                    inspection=inspection,
                    actor=request.user,
                    as_of=date.fromisoformat(entry["as_of"]),
                    filename=entry["filename"],
                )
            finally:
                path.unlink(missing_ok=True)
            context["inspection"] = inspection
        context["form"] = form
        return render_page_or_partial(request, "problems/excel/upload.html", "result", context)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            inspection = form.cleaned_data["inspection"]
            as_of = form.cleaned_data["as_of"]
            data = b"".join(upload.chunks())
            result = check_import_ledger(
                io.BytesIO(data),
                inspection=inspection,
                actor=request.user,
                as_of=as_of,
                dry_run=True,
                filename=upload.name,
            )
            context.update(result=result, inspection=inspection)
            if result.ok and result.changed:
                folder = upload_dir()
                remove_stale(folder)
                token = secrets.token_urlsafe(24)
                path = folder / f"{token}.xlsx"
                path.write_bytes(data)
                path.chmod(0o600)
                pending[token] = {
                    "inspection": inspection.code,
                    "as_of": as_of.isoformat(),
                    "filename": upload.name,
                }
                request.session[SESSION_KEY] = pending
                context["token"] = token
        status = 200 if form.is_valid() else 400
        context["form"] = form
        return render_page_or_partial(
            request, "problems/excel/upload.html", "result", context, status=status
        )
    context["form"] = UploadForm(initial={"as_of": timezone.localdate()})
    return render_page_or_partial(request, "problems/excel/upload.html", "result", context)


@login_required
def export(request):
    """Download the ledger of an inspection as of a date: only the caller's visible problems."""
    if not has_cap(request.user, Cap.VIEW_BUSINESS):
        raise Http404
    if "inspection" not in request.GET:
        form = ExportForm(user=request.user, initial={"as_of": timezone.localdate()})
        return render_page_or_partial(request, "problems/excel/export.html", "form", {"form": form})
    code = request.GET.get("inspection", "")
    if not visible_inspections(request.user).filter(code=code).exists():
        raise Http404
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render_page_or_partial(
            request, "problems/excel/export.html", "form", {"form": form}, status=400
        )
    inspection = form.cleaned_data["inspection"]
    as_of = form.cleaned_data["as_of"] or timezone.localdate()
    out = io.BytesIO()
    export_ledger(
        visible_problems(request.user),
        out,
        inspection=inspection,
        as_of=as_of,
        exported_by=request.user.get_username(),
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"整改台账-{inspection.code}-{as_of.isoformat()}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response

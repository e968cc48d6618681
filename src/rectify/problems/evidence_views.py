"""Evidence pages: upload, list per problem, scope-checked download and the stripped image.

Files are never served from a media URL: every byte goes out through `download` (as an
attachment with its stored type and nosniff) or, for images, `image` (the re-encoded copy
without metadata, inline).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from rectify.core import files
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import render_page_or_partial
from rectify.problems import evidence as actions
from rectify.problems.models import StatusEvent
from rectify.problems.queries import access_problem

ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx,.pptx,image/jpeg,image/png,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class EvidenceForm(forms.Form):
    file = MultipleFileField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "Photos (JPEG, PNG, WebP), PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx)."
        ),
    )
    caption = forms.CharField(
        label=gettext_lazy("Caption"), max_length=actions.CAPTION_MAX, required=False
    )
    event = forms.ModelChoiceField(
        label=gettext_lazy("Event it proves"),
        queryset=StatusEvent.objects.none(),
        required=False,
        empty_label=gettext_lazy("(the problem as a whole)"),
    )

    def __init__(self, problem, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mb = files.max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = "{} {}".format(
            self.fields["file"].help_text,
            _("At most %(mb)s MB per file; archives are not accepted.") % {"mb": mb},
        )
        event = self.fields["event"]
        event.queryset = problem.events.order_by("-effective_date", "-id")
        event.label_from_instance = _event_label


def _event_label(e: StatusEvent) -> str:
    text = f"{e.effective_date:%Y-%m-%d} {e.get_kind_display()}"
    return f"{text} {e.percent}%" if e.percent is not None else text


def _problem_url(problem) -> str | None:
    try:
        return reverse("problems:detail", args=[problem.pk])
    except NoReverseMatch:
        return None


@csrf_exempt
@login_required
def upload(request, pk: int):
    # The size limit must be in place before Django reads the body, so before the CSRF
    # check (which reads POST): exempt here, protected again in `_upload`.
    handler = files.SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _upload(request, pk, handler)


@csrf_protect
def _upload(request, pk: int, handler: files.SizeLimitUploadHandler):
    problem = access_problem(request.user, pk)
    if not actions.can_attach(request.user, problem):
        raise PermissionDenied
    if request.method == "POST":
        form = EvidenceForm(problem, request.POST, request.FILES)
        valid = form.is_valid()
        if handler.refused:
            form.errors.pop("file", None)
            for name in handler.refused:
                form.add_error("file", files.too_large_error(name))
        elif valid:
            try:
                attached = actions.check_attach_evidence_files(
                    problem,
                    actor=request.user,
                    uploaded_files=form.cleaned_data["file"],
                    caption=form.cleaned_data["caption"],
                    event=form.cleaned_data["event"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                n = len(attached)
                messages.success(
                    request,
                    ngettext("%(n)s file attached.", "%(n)s files attached.", n) % {"n": n},
                )
                return redirect("ledger_evidence:list", pk=problem.pk)
    else:
        form = EvidenceForm(problem)
    return render(
        request,
        "problems/evidence/upload.html",
        {"problem": problem, "form": form, "problem_url": _problem_url(problem)},
    )


@login_required
def evidence_list(request, pk: int):
    problem = access_problem(request.user, pk)
    items = actions.visible_evidence(request.user).filter(problem=problem)
    context = {
        "problem": problem,
        "items": items,
        "can_attach": actions.can_attach(request.user, problem),
        "can_remove": actions.can_remove(request.user),
        "problem_url": _problem_url(problem),
    }
    return render_page_or_partial(request, "problems/evidence/list.html", "evidence_list", context)


def _file_response(handle, *, content_type: str, filename: str, attachment: bool):
    response = FileResponse(
        handle, as_attachment=attachment, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def download(request, pk: int):
    item = actions.access_evidence(request.user, pk)
    stored = item.file
    try:
        handle = files.open_stored(stored)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _file_response(
        handle,
        content_type=stored.content_type,
        filename=files.download_name(stored),
        attachment=True,
    )


@login_required
def image(request, pk: int):
    """The metadata-free copy of an image, inline: the only way an image is shown."""
    item = actions.access_evidence(request.user, pk)
    stored = item.file
    if not stored.is_image or not stored.public_name:
        raise Http404
    try:
        handle = files.open_stored(stored, public=True)
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = ".png" if stored.public_content_type == "image/png" else ".jpg"
    return _file_response(
        handle,
        content_type=stored.public_content_type,
        filename=f"evidence-{item.pk}{ext}",
        attachment=False,
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def remove(request, pk: int):
    item = actions.access_evidence(request.user, pk)
    if not actions.can_remove(request.user):
        raise PermissionDenied
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_remove_evidence(
                item, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The evidence was removed."))
            return redirect("ledger_evidence:list", pk=item.problem_id)
    return render(
        request,
        "problems/evidence/remove.html",
        {"item": item, "problem": item.problem, "form": form},
    )

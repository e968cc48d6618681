"""Disclosure pages, mounted at /reports/: the list, a new draft, the preview with the figures
beside the text and the office's narratives edited per section (htmx), publish, withdraw,
downloads, and "recompute and compare" on a published disclosure.

Thin: rows from reports.queries (out of scope → 404), flags from reports.permissions,
every write from reports.actions, every format from reports.render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error
from rectify.core.htmx import is_htmx, render_page_or_partial
from rectify.reports import actions, permissions, queries
from rectify.reports import render as formats
from rectify.reports.forms import CreateForm, NarrativeForm, VersionForm, WithdrawForm
from rectify.reports.models import Disclosure
from rectify.reports.text import NARRATIVE_KEYS

# What each narrative slot is, in the UI language (the text itself is the document's).
NARRATIVE_LABELS = {
    "opening": gettext_lazy("Opening: woven into the first paragraph, before the figures"),
    "responsibility": gettext_lazy("Political responsibility"),
    "leadership": gettext_lazy("Leadership, meetings and responsibility letters"),
    "followup": gettext_lazy("Provincial follow-up inspections"),
    "supervision": gettext_lazy("Dispatch and supervision"),
    "accountability": gettext_lazy("Accountability"),
    "ledger": gettext_lazy("Ledger: after the category breakdown"),
    "complaints": gettext_lazy("Public complaints: after the figures"),
    "battle_teams": gettext_lazy("Battle teams"),
    "next_steps": gettext_lazy("Next steps: replaces the generated sentence"),
}
DOWNLOADS = ("docx", "json", "text")


def _require_view(user) -> None:
    """Roles without business data (sysadmin, auditor) get 404 on every report page."""
    if not permissions.can_view(user):
        raise Http404


def _form_error(form, exc) -> None:
    if isinstance(exc, ConflictError):
        form.add_error(None, str(exc))
    else:
        apply_validation_error(form, exc)


@login_required
def disclosure_list(request):
    user = request.user
    _require_view(user)
    can_manage = permissions.can_manage(user)
    form = None
    status = 200
    if can_manage:
        form = CreateForm(
            queries.disclosure_inspections(user).order_by("-feedback_date", "code"),
            request.POST or None,
            initial={"as_of": timezone.localdate(), "lang": "zh"},
        )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                disclosure = actions.check_create_disclosure(
                    data["inspection"], data["as_of"], data["lang"], actor=user
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The draft is created; add the office's text."))
                return redirect("reports:detail", pk=disclosure.pk)
        status = 400
    rows = queries.visible_disclosures(user).order_by("-as_of", "inspection__code", "lang", "-pk")
    context = {
        "disclosures": rows,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "reports/list.html", context, status=status)


def _editors(disclosure: Disclosure, document) -> tuple[dict, list]:
    """The narrative editor of each slot: those of sections on the page, and the rest."""
    narratives = disclosure.narratives or {}
    shown = {s.key for s in document.sections}
    editors = {
        key: {"key": key, "label": NARRATIVE_LABELS[key], "text": narratives.get(key, "")}
        for key in NARRATIVE_KEYS
    }
    others = [editors[k] for k in NARRATIVE_KEYS if k not in shown]
    return editors, others


def _detail_context(user, disclosure: Disclosure, **extra) -> dict:
    document = formats.document_of(disclosure)
    editable = permissions.can_edit(user, disclosure)
    editors, others = _editors(disclosure, document) if editable else ({}, [])
    sections = [(s, editors.get(s.key)) for s in document.sections]
    return {
        "d": disclosure,
        "doc": document,
        "sections": sections,
        "other_editors": others,
        "rows": document.rows,
        "caption": formats.figures_caption(document),
        "can_edit": editable,
        "can_publish": permissions.can_publish(user, disclosure),
        "can_withdraw": permissions.can_withdraw(user, disclosure),
        "can_compare": permissions.can_compare(user, disclosure),
        "withdraw_form": WithdrawForm(initial={"version": disclosure.version}),
        "downloads": DOWNLOADS,
        **extra,
    }


@login_required
def disclosure_detail(request, pk: int):
    user = request.user
    _require_view(user)
    disclosure = queries.access_disclosure(user, pk)
    return render(request, "reports/detail.html", _detail_context(user, disclosure))


@login_required
@require_POST
def save_narrative(request, pk: int):
    user = request.user
    _require_view(user)
    disclosure = queries.access_disclosure(user, pk, for_write=True)
    form = NarrativeForm(request.POST)
    error = ""
    saved = ""
    if form.is_valid():
        key = form.cleaned_data["key"]
        try:
            disclosure = actions.check_update_narratives(
                disclosure,
                {key: form.cleaned_data["text"]},
                expected_version=form.cleaned_data["version"],
                actor=user,
            )
        except (ValidationError, ConflictError) as exc:
            error = str(exc) if isinstance(exc, ConflictError) else " ".join(exc.messages)
        else:
            saved = key
    else:
        error = " ".join(str(m) for errors in form.errors.values() for m in errors)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("The text is saved."))
        return redirect("reports:detail", pk=disclosure.pk)
    disclosure = queries.access_disclosure(user, disclosure.pk)
    context = _detail_context(user, disclosure, error=error, saved=saved)
    return render_page_or_partial(
        request, "reports/detail.html", "workspace", context, status=400 if error else 200
    )


def _versioned_action(request, pk: int, action, success: str, form_class=VersionForm):
    user = request.user
    _require_view(user)
    disclosure = queries.access_disclosure(user, pk, for_write=True)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("reports:detail", pk=disclosure.pk)
    try:
        action(disclosure, form.cleaned_data)
    except ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("reports:detail", pk=disclosure.pk)


@login_required
@require_POST
def publish(request, pk: int):
    return _versioned_action(
        request,
        pk,
        lambda d, data: actions.check_publish_disclosure(
            d, expected_version=data["version"], actor=request.user
        ),
        _("The disclosure is published; its figures and text are frozen."),
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    return _versioned_action(
        request,
        pk,
        lambda d, data: actions.check_withdraw_disclosure(
            d, reason=data["reason"], expected_version=data["version"], actor=request.user
        ),
        _("The disclosure is withdrawn."),
        form_class=WithdrawForm,
    )


@login_required
def download(request, pk: int, fmt: str):
    user = request.user
    _require_view(user)
    if fmt not in DOWNLOADS:
        raise Http404
    disclosure = queries.access_disclosure(user, pk)
    document = formats.document_of(disclosure)
    response = HttpResponse(formats.render(document, fmt), content_type=formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{formats.filename(document, fmt)}"'
    return response


@login_required
def compare(request, pk: int):
    """Recompute the figures of a frozen disclosure for its date and show every difference."""
    user = request.user
    _require_view(user)
    disclosure = queries.access_disclosure(user, pk)
    if not permissions.can_compare(user, disclosure):
        raise Http404
    context = {
        "d": disclosure,
        "differences": actions.recompute_diff(disclosure),
        "compared_at": timezone.now(),
    }
    return render_page_or_partial(request, "reports/compare.html", "differences", context)

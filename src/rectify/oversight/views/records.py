"""Meetings (counted by kind) and responsibility letters (by year: who signed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.htmx import is_htmx
from rectify.orgs.models import Org, OrgKind
from rectify.oversight import actions, queries
from rectify.oversight.forms import LetterForm, MeetingForm
from rectify.oversight.models import MeetingKind
from rectify.oversight.permissions import can_manage
from rectify.oversight.views.common import (
    page,
    province_wide,
    require_manage,
    require_view,
    run_form_action,
)


def _meetings_context(user, form=None):
    meetings = queries.visible_meetings(user)
    counts = dict(meetings.order_by().values_list("kind__name").annotate(n=Count("id")))
    kinds = [(k.name, counts.get(k.name, 0)) for k in MeetingKind.objects.all()]
    return {
        "meetings": meetings.order_by("-date", "-id"),
        "kinds": kinds,
        "total": sum(counts.values()),
        "form": form
        or (MeetingForm(initial={"date": timezone.localdate()}) if can_manage(user) else None),
    }


@login_required
def meeting_list(request):
    user = request.user
    require_view(user)
    form = None
    saved = None
    if request.method == "POST":
        require_manage(user)
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            saved, _status = run_form_action(
                form, lambda: actions.check_create_meeting(actor=user, data=data)
            )
        if saved is not None and not is_htmx(request):
            messages.success(request, _("The meeting was recorded."))
            return redirect("oversight:meetings")
    context = _meetings_context(user, None if saved else form)
    return page(
        request, "oversight/meeting_list.html", context, here="meetings", partial="meetings"
    )


@login_required
def meeting_edit(request, pk: int):
    user = request.user
    meeting = queries.access_meeting(user, pk)
    require_manage(user)
    initial = {
        "date": meeting.date,
        "kind": meeting.kind_id,
        "topic": meeting.topic,
        "inspection": meeting.inspection.code if meeting.inspection_id else None,
        "chaired_by": meeting.chaired_by,
        "notes": meeting.notes,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        saved, status = run_form_action(
            form,
            lambda: actions.check_update_meeting(
                meeting, actor=user, expected_version=form.cleaned_data["version"], changes=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The meeting was saved."))
            return redirect("oversight:meetings")
    context = {"form": form, "title": _("Edit the meeting"), "back": "oversight:meetings"}
    return page(request, "oversight/form.html", context, here="meetings", status=status)


# --- responsibility letters ----------------------------------------------------------------


def _signing_orgs():
    """Who signs letters with the province: the prefectures, 贵安新区, the departments."""
    kinds = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.DEPARTMENT)
    return Org.objects.filter(is_active=True, kind__in=kinds).order_by("kind", "code")


@login_required
def letter_list(request):
    user = request.user
    require_view(user)
    letters = queries.visible_letters(user)
    years = sorted(set(letters.values_list("year", flat=True)), reverse=True)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or (years[0] if years else today.year))
    except ValueError:
        year = today.year
    of_year = {
        letter.org_id: letter
        for letter in letters.filter(year=year).annotate(n_targets=Count("targets"))
    }
    if province_wide(user):
        orgs = list(_signing_orgs())
        orgs += [letter.org for letter in of_year.values() if letter.org not in orgs]
    else:
        orgs = [letter.org for letter in of_year.values()]
    rows = [{"org": org, "letter": of_year.get(org.pk)} for org in orgs]
    regions = (OrgKind.PREFECTURE, OrgKind.NEW_AREA)
    groups = [
        (_("Prefectures"), [r for r in rows if r["org"].kind in regions]),
        (_("Provincial departments"), [r for r in rows if r["org"].kind == OrgKind.DEPARTMENT]),
        (
            _("Other units"),
            [r for r in rows if r["org"].kind not in (*regions, OrgKind.DEPARTMENT)],
        ),
    ]
    context = {
        "year": year,
        "years": sorted(set(years) | {year, today.year}, reverse=True),
        "groups": [(label, items) for label, items in groups if items],
        "signed": sum(1 for r in rows if r["letter"] and r["letter"].signed_on),
        "total": len(rows),
    }
    return page(request, "oversight/letter_list.html", context, here="letters")


@login_required
def letter_create(request):
    user = request.user
    require_manage(user)
    initial = {"year": timezone.localdate().year}
    if request.GET.get("year", "").isdigit():
        initial["year"] = int(request.GET["year"])
    if request.GET.get("org"):
        org = Org.objects.filter(code=request.GET["org"]).first()
        if org is not None:
            initial["org"] = org.pk
            initial["title"] = _(
                "%(year)s responsibility letter on pollution control and inspection rectification"
            ) % {"year": initial["year"]}
    form = LetterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.letter_data()
        letter, status = run_form_action(
            form, lambda: actions.check_create_letter(actor=user, data=data)
        )
        if letter is not None:
            messages.success(request, _("The responsibility letter was recorded."))
            return redirect(f"{reverse('oversight:letters')}?year={letter.year}")
    context = {"form": form, "title": _("New responsibility letter"), "back": "oversight:letters"}
    return page(request, "oversight/form.html", context, here="letters", status=status)


@login_required
def letter_detail(request, pk: int):
    user = request.user
    require_view(user)
    letter = queries.access_letter(user, pk)
    context = {
        "letter": letter,
        "targets": letter.targets.all(),
        "documents": letter.documents.select_related("file", "uploaded_by"),
        "upload_owner": "letter",
    }
    return page(request, "oversight/letter_detail.html", context, here="letters")


@login_required
def letter_edit(request, pk: int):
    user = request.user
    letter = queries.access_letter(user, pk)
    require_manage(user)
    initial = {
        "year": letter.year,
        "org": letter.org_id,
        "inspection": letter.inspection.code if letter.inspection_id else None,
        "title": letter.title,
        "signed_on": letter.signed_on,
        "signatory": letter.signatory,
        "targets": "\n".join(letter.targets.values_list("text", flat=True)),
        "version": letter.version,
    }
    form = LetterForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.letter_data()
        for key in ("year", "org"):
            data.pop(key, None)
        saved, status = run_form_action(
            form,
            lambda: actions.check_update_letter(
                letter, actor=user, expected_version=form.cleaned_data["version"], changes=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The responsibility letter was saved."))
            return redirect("oversight:letter", pk=letter.pk)
    context = {
        "form": form,
        "title": _("Edit the responsibility letter"),
        "back_url": reverse("oversight:letter", kwargs={"pk": letter.pk}),
    }
    return page(request, "oversight/form.html", context, here="letters", status=status)

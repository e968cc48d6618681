"""Ledger forms: list filters, problem create/edit with inline measures and milestones,
dated events and inspections. Forms parse input; rules live in actions and validation."""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import apply_validation_error
from rectify.orgs.models import REGION_KINDS, Org, OrgKind
from rectify.problems.actions import EVENT_CAPS
from rectify.problems.models import Aspect, Category, Inspection, InspectionKind, InspectionLevel
from rectify.problems.states import Colour, DeadlineKind, EventKind, Source, Status

INDENT = "\u3000"  # a full-width space indents a tree level in a <select>


class LedgerForm(forms.Form):
    """Labels stand above their inputs on these pages: no ":" after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OrgChoiceField(forms.ModelChoiceField):
    """An org select showing the tree by indentation."""

    def label_from_instance(self, obj: Org) -> str:
        return INDENT * obj.depth + obj.name


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return INDENT * obj.depth + obj.name


def region_orgs() -> QuerySet[Org]:
    return Org.objects.filter(is_active=True, kind__in=REGION_KINDS).order_by("path")


def all_orgs() -> QuerySet[Org]:
    return Org.objects.filter(is_active=True).order_by("path")


def aspect_choices(inspections) -> list:
    """Aspects grouped by inspection, for a <select> with <optgroup>s."""
    groups: dict[int, tuple[str, list]] = {}
    for inspection in inspections:
        groups[inspection.pk] = (inspection.name, [])
    for aspect in Aspect.objects.filter(inspection__in=list(groups)).order_by(
        "inspection", "number"
    ):
        groups[aspect.inspection_id][1].append((aspect.pk, aspect.name))
    return [("", "---------")] + [(name, rows) for name, rows in groups.values() if rows]


# --- list filters ---------------------------------------------------------------------

SORTS = {
    "number": _("Number"),
    "-number": _("Number, descending"),
    "deadline": _("Deadline, earliest first"),
    "-deadline": _("Deadline, latest first"),
    "status": _("Status, most urgent first"),
    "percent": _("Reported percent, lowest first"),
    "-percent": _("Reported percent, highest first"),
}


class ProblemFilterForm(LedgerForm):
    """GET filters of the ledger list; every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    inspection = forms.ModelChoiceField(
        label=_("Inspection"),
        queryset=Inspection.objects.none(),
        required=False,
        to_field_name="code",
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    aspect = forms.TypedChoiceField(label=_("Aspect"), coerce=int, required=False, empty_value=None)
    region = OrgChoiceField(
        label=_("Region"), queryset=Org.objects.none(), required=False, to_field_name="code"
    )
    lead_unit = OrgChoiceField(
        label=_("Lead unit"), queryset=Org.objects.none(), required=False, to_field_name="code"
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *Status.choices], required=False
    )
    colour = forms.ChoiceField(
        label=_("Warning"), choices=[("", "---------"), *Colour.choices], required=False
    )
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(SORTS.items()), required=False)

    def __init__(self, *args, inspections, regions, lead_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["aspect"].choices = aspect_choices(inspections)
        self.fields["region"].queryset = regions
        self.fields["lead_unit"].queryset = lead_units
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        # The list refreshes when a select or date changes (class "autosubmit", see the
        # template's hx-trigger) and while typing in the search box, not when it blurs.
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "autosubmit"


# --- problem create / edit ---------------------------------------------------------------


class ProblemForm(LedgerForm):
    """The problem's own fields; children come from MeasureFormSet and MilestoneFormSet."""

    inspection = forms.ModelChoiceField(label=_("Inspection"), queryset=Inspection.objects.all())
    number = forms.CharField(label=_("Problem number"), max_length=30)
    title = forms.CharField(
        label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    aspect = forms.TypedChoiceField(label=_("Aspect"), coerce=int, required=False, empty_value=None)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    region = OrgChoiceField(label=_("Region"), queryset=region_orgs())
    lead_unit = OrgChoiceField(label=_("Lead unit"), queryset=all_orgs())
    cooperating_units = OrgMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=all_orgs(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    responsible_leader = forms.CharField(
        label=_("Responsible leader"), max_length=100, required=False
    )
    responsible_person = forms.CharField(
        label=_("Responsible person"), max_length=100, required=False
    )
    target = forms.CharField(
        label=_("Rectification target"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline_kind = forms.ChoiceField(
        label=_("Kind of deadline"), choices=DeadlineKind.choices, initial=DeadlineKind.BY_DATE
    )
    original_deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for an ongoing problem. Later changes need an extension request."),
    )
    start_date = forms.DateField(
        label=_("Plan starts"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the inspection's feedback date."),
    )
    warning_days = forms.IntegerField(label=_("Warning days"), min_value=0, initial=30)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.FEEDBACK)
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem = problem
        inspections = Inspection.objects.order_by("-feedback_date", "code")
        if problem is not None:
            # The inspection and the deadline are fixed once filed (deadlines move only
            # through approved extension requests); the page shows them as text.
            del self.fields["inspection"]
            del self.fields["original_deadline"]
            inspections = inspections.filter(pk=problem.inspection_id)
            self.fields["version"].required = True
        self.fields["aspect"].choices = aspect_choices(inspections)

    def clean(self):
        data = super().clean()
        aspect_id = data.get("aspect")
        inspection = self.problem.inspection if self.problem else data.get("inspection")
        if aspect_id is not None and inspection is not None:
            aspect = Aspect.objects.filter(pk=aspect_id).first()
            if aspect is None or aspect.inspection_id != inspection.pk:
                self.add_error("aspect", gettext("This aspect belongs to another inspection."))
            else:
                data["aspect"] = aspect
        return data

    def problem_data(self) -> dict[str, Any]:
        """The cleaned fields as the actions expect them (empty start date: the default)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if data.get("start_date") is None:
            data.pop("start_date", None)
        if data.get("aspect") is not None and not isinstance(data["aspect"], Aspect):
            data["aspect"] = None
        data["cooperating_units"] = list(data.get("cooperating_units") or [])
        return data


class MeasureForm(LedgerForm):
    text = forms.CharField(
        label=_("Measure"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_unit = OrgChoiceField(
        label=_("Responsible unit"), queryset=all_orgs(), required=False
    )
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    done = forms.BooleanField(label=_("Done"), required=False)
    done_date = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MilestoneForm(LedgerForm):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    percent = forms.IntegerField(
        label=_("Planned percent"), required=False, min_value=0, max_value=100
    )


MeasureFormSet = forms.formset_factory(MeasureForm, extra=2, can_delete=True)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True)


def filled_rows(formset) -> list[tuple[forms.Form, dict[str, Any]]]:
    """(form, data) of each row that has content and is not marked for deletion, in order."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE"):
            continue
        values = {k: v for k, v in data.items() if k != "DELETE"}
        if not any(v not in (None, "", False) for v in values.values()):
            continue
        rows.append((form, values))
    return rows


ROW_ERROR = re.compile(r"^(measures|milestones)\[(\d+)\]$")


def attach_errors(form: forms.Form, formsets: dict[str, Any], exc: ValidationError) -> None:
    """Put an action's errors on the form's fields and on the inline rows they name.

    Keys like `milestones[2]` count the filled rows sent to the action from 1; an error
    whose row cannot be found is shown above the form, naming the row.
    """
    if not hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
        return
    rest: dict[str, list[str]] = {}
    row_labels = {"measures": _("Measure %(n)s"), "milestones": _("Milestone %(n)s")}
    for key, messages in exc.message_dict.items():
        match = ROW_ERROR.match(key)
        if not match:
            rest[key] = messages
            continue
        prefix, n = match.group(1), int(match.group(2))
        formset, rows = formsets[prefix]
        shown = n  # the row number the page shows (blank rows count there)
        if 1 <= n <= len(rows):
            row_form = rows[n - 1][0]
            row_form.add_error(None, messages)
            shown = formset.forms.index(row_form) + 1
        label = row_labels[prefix] % {"n": shown}
        # Also above the form, so the error is seen without scrolling to the row.
        form.add_error(
            None, [gettext("%(row)s: %(message)s") % {"row": label, "message": m} for m in messages]
        )
    if rest:
        apply_validation_error(form, ValidationError(rest))


def initial_measures(problem) -> list[dict[str, Any]]:
    return [
        {
            "text": m.text,
            "responsible_unit": m.responsible_unit,
            "due_date": m.due_date,
            "done": m.done,
            "done_date": m.done_date,
        }
        for m in problem.measures.select_related("responsible_unit")
    ]


def initial_milestones(problem) -> list[dict[str, Any]]:
    return [{"date": m.date, "percent": m.percent} for m in problem.milestones.all()]


def initial_problem(problem) -> dict[str, Any]:
    fields = [
        "number",
        "title",
        "description",
        "category",
        "region",
        "lead_unit",
        "responsible_leader",
        "responsible_person",
        "target",
        "deadline_kind",
        "start_date",
        "warning_days",
        "source",
        "longitude",
        "latitude",
        "version",
    ]
    data = {f: getattr(problem, f) for f in fields}
    data["aspect"] = problem.aspect_id
    data["cooperating_units"] = list(problem.cooperating_units.all())
    return data


# --- events ------------------------------------------------------------------------------


class EventForm(LedgerForm):
    kind = forms.ChoiceField(label=_("Event"))
    effective_date = forms.DateField(
        label=_("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the change took effect (business date), not today's date."),
    )
    percent = forms.IntegerField(
        label=_("Reported percent"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Required for a progress report."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, allowed_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(EventKind.choices)
        # Every recordable kind is accepted, so that the action (not the form) refuses a
        # kind the user may not record; the select offers only the allowed ones.
        self.fields["kind"].choices = [(str(k), labels[k]) for k in EVENT_CAPS]
        self.fields["kind"].widget.choices = [(str(k), labels[k]) for k in allowed_kinds]
        self.fields["effective_date"].initial = timezone.localdate()


# --- inspections -------------------------------------------------------------------------


class InspectionForm(LedgerForm):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Like central-2018-lookback.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=InspectionLevel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    target_region = OrgChoiceField(
        label=_("Inspected region"),
        queryset=Org.objects.filter(
            is_active=True, kind__in=(OrgKind.PROVINCE, OrgKind.PREFECTURE, OrgKind.NEW_AREA)
        ).order_by("path"),
    )
    team = forms.CharField(label=_("Inspection team"), max_length=120, required=False)
    onsite_start = forms.DateField(
        label=_("On site from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    onsite_end = forms.DateField(
        label=_("On site until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    feedback_date = forms.DateField(
        label=_("Feedback date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Inspection.objects.order_by("-feedback_date"),
        required=False,
        help_text=_("The campaign this inspection follows up, if any."),
    )


def parse_as_of(value: str | None) -> date:
    """The `as_of` query parameter as a date; today when missing or malformed."""
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()

"""Forms of the warnings, escalations, extension-request and data-quality pages.

Filter forms are read with `values()`: a bad field is reported and falls back to its
default while the valid fields still apply, so a page never fails on a bad query string.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.orgs.models import Org, OrgKind
from rectify.orgs.queries import visible_orgs
from rectify.problems.queries import visible_inspections, visible_problems
from rectify.problems.states import Colour, ExtensionStatus
from rectify.problems.watch import INTERVIEW, LETTER, PROPOSAL_LABELS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _FilterForm(forms.Form):
    # No ids: these forms sit inside the htmx-swapped results, and htmx's settle step would
    # copy attributes between old and new elements sharing an id (a CSP-blocked style write).
    # Each field is wrapped by its <label>, so ids are not needed to label it.
    def __init__(self, data=None, **kwargs):
        super().__init__(data, auto_id=False, **kwargs)

    def values(self) -> dict:
        """Cleaned values of the valid fields; None for missing or invalid ones."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


def _inspection_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Inspection"),
        queryset=visible_inspections(user),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )


class WarningFilterForm(_FilterForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    since = forms.DateField(
        label=_("Compare with"),
        required=False,
        widget=DateInput(),
        help_text=_("Default: the first day of the previous month."),
    )
    colour = forms.ChoiceField(
        label=_("Colour"), required=False, choices=[("", _("All")), *Colour.choices]
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["prefecture"] = forms.ModelChoiceField(
            label=_("Prefecture"),
            queryset=visible_orgs(user).filter(kind__in=(OrgKind.PREFECTURE, OrgKind.NEW_AREA)),
            to_field_name="code",
            required=False,
            empty_label=_("All"),
        )
        self.fields["lead_unit"] = forms.ModelChoiceField(
            label=_("Lead unit"),
            queryset=Org.objects.filter(
                pk__in=visible_problems(user).order_by().values("lead_unit_id")
            ),
            to_field_name="code",
            required=False,
            empty_label=_("All"),
        )
        self.fields["inspection"] = _inspection_field(user)

    def clean(self):
        data = super().clean()
        as_of = data.get("as_of") or timezone.localdate()
        since = data.get("since")
        if since and since >= as_of:
            self.add_error("since", _("Compare with a date before the “as of” date."))
        return data


class EscalationFilterForm(_FilterForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    since = forms.DateField(
        label=_("Triggered since"),
        required=False,
        widget=DateInput(),
    )
    kind = forms.ChoiceField(
        label=_("Proposal"),
        required=False,
        choices=[
            ("", _("All")),
            (LETTER, PROPOSAL_LABELS[LETTER]),
            (INTERVIEW, PROPOSAL_LABELS[INTERVIEW]),
        ],
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["inspection"] = _inspection_field(user)


class QualityFilterForm(_FilterForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    period_start = forms.DateField(
        label=_("Period starts"),
        required=False,
        widget=DateInput(),
        help_text=_("Default: the first day of the month of the “as of” date."),
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["inspection"] = _inspection_field(user)

    def clean(self):
        data = super().clean()
        as_of = data.get("as_of") or timezone.localdate()
        start = data.get("period_start")
        if start and start > as_of:
            self.add_error("period_start", _("The period cannot start after the “as of” date."))
        return data


class ExtensionListForm(_FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ExtensionStatus.choices],
    )


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateField(label=_("Requested deadline"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the deadline cannot be met, and what has been done so far."),
    )


class ExtensionDecisionForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            (ExtensionStatus.APPROVED, _("Approve")),
            (ExtensionStatus.REFUSED, _("Refuse")),
            (ExtensionStatus.WITHDRAWN, _("Withdraw")),
        ]
    )
    note = forms.CharField(label=_("Decision note"), max_length=2000, required=False)
    effective_date = forms.DateField(
        label=_("Decision date"),
        required=False,
        widget=DateInput(),
        help_text=_("The date the new deadline takes effect; default today."),
    )

    def __init__(self, data=None, *, extension=None):
        super().__init__(data)
        self.extension = extension

    def clean_effective_date(self) -> date | None:
        value = self.cleaned_data.get("effective_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        requested_on = timezone.localdate(self.extension.requested_at) if self.extension else None
        if value and requested_on and value < requested_on:
            raise forms.ValidationError(_("The decision date is before the request was made."))
        return value

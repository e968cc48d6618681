"""Forms of the sign-off pages. They parse input; the actions decide what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.signoff.actions import DEFAULT_NOTICE_DAYS
from rectify.signoff.models import AppState, StepKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today():
    return timezone.localdate()


class ApplyForm(forms.Form):
    completion_report = forms.CharField(
        label=_("Completion report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What was done, against each measure; it is published in the sign-off notice, "
            "so leave out personal data."
        ),
    )
    effective_date = forms.DateField(
        label=_("Date of the application"), initial=_today, widget=DateInput()
    )
    notice_days = forms.IntegerField(
        label=_("Public notice (working days)"),
        initial=DEFAULT_NOTICE_DAYS,
        min_value=1,
        max_value=30,
    )


# What each step asks for: (field, label, required). Acceptance needs a named signer, an
# opinion and the on-site record; returns, objections and rebounds need reasons.
STEP_FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    StepKind.ACCEPT: [
        ("signer_name", _("Signed by"), True),
        ("opinion", _("Acceptance opinion"), True),
        ("onsite_record", _("On-site check record"), True),
    ],
    StepKind.RETURN: [("opinion", _("Reasons for returning it"), True)],
    StepKind.WITHDRAW: [("opinion", _("Reason (optional)"), False)],
    StepKind.OBJECT: [("opinion", _("The objection"), True)],
    StepKind.SIGN_OFF: [("opinion", _("Note (optional)"), False)],
    StepKind.REBOUND: [("opinion", _("How the problem recurred"), True)],
    StepKind.SCHEDULE: [],
}

# The button of each step.
STEP_BUTTONS = {
    StepKind.ACCEPT: _("Accept"),
    StepKind.RETURN: _("Return for rework"),
    StepKind.WITHDRAW: _("Withdraw the application"),
    StepKind.OBJECT: _("Record an objection"),
    StepKind.SIGN_OFF: _("Sign off"),
    StepKind.REBOUND: _("Reopen as rebound"),
    StepKind.SCHEDULE: _("Schedule the notice again"),
}


class StepForm(forms.Form):
    """One step of the workflow; which text fields show depends on the step."""

    step = forms.ChoiceField(choices=[(s, s) for s in STEP_FIELDS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    signer_name = forms.CharField(label=_("Signed by"), required=False, max_length=100)
    opinion = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    onsite_record = forms.CharField(
        label=_("On-site check record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    effective_date = forms.DateField(label=_("Date"), initial=_today, widget=DateInput())

    def __init__(self, *args, step: str, version: int, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"step": step, "version": version, **kwargs["initial"]}
        kwargs.setdefault("prefix", f"step-{step}")
        super().__init__(*args, **kwargs)
        # Not `step`/`button`: a template's f.step would find the field named step first.
        self.step_kind = step
        self.button_label = STEP_BUTTONS[step]
        shown = {name: (label, required) for name, label, required in STEP_FIELDS[step]}
        for name in ("signer_name", "opinion", "onsite_record"):
            if name not in shown:
                del self.fields[name]
                continue
            label, required = shown[name]
            self.fields[name].label = label
            self.fields[name].required = required

    def clean_step(self):
        value = self.cleaned_data["step"]
        if value != self.step_kind:
            raise forms.ValidationError(_("The form does not match the step."))
        return value

    def text(self, name: str) -> str:
        return self.cleaned_data.get(name) or ""


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *AppState.choices]
    )

    def state_value(self) -> str:
        return self.cleaned_data.get("state", "") if self.is_valid() else ""


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("Kind"),
        coerce=lambda v: v == "1",
        choices=[("0", _("Day off (holiday)")), ("1", _("Working day (adjusted, 调休)"))],
    )
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("e.g. 春节, 国庆节调休"))


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    complete = forms.BooleanField(
        label=_("All days off and adjusted working days of the year are entered"),
        required=False,
    )
    source = forms.CharField(
        label=_("Source document"),
        max_length=200,
        required=False,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）"),
    )

"""Forms of the dispatch pages; they only parse input, the actions validate it."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core import files
from rectify.dispatch.models import DispatchPeriod, ProgressReport
from rectify.problems.models import Problem

ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx,.pptx,image/jpeg,image/png,image/webp"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items if d]


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"), coerce=int, choices=[(m, m) for m in range(1, 13)]
    )
    due_date = forms.DateField(
        label=gettext_lazy("Reports due"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Empty: the 5th of the following month."),
    )


class ReportForm(forms.Form):
    effective_date = forms.DateField(label=gettext_lazy("Report date"), widget=DATE)
    percent = forms.IntegerField(
        label=gettext_lazy("Reported percent"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    text = forms.CharField(
        label=gettext_lazy("Progress and open issues"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "What was done in the period, what is left and what stands in the way."
        ),
    )
    decrease_reason = forms.CharField(
        label=gettext_lazy("Reason the percent went down"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only when the percent is below the previous report's."),
    )
    measures_done = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Measures done"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = MultipleFileField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy(
            "Photos (JPEG, PNG, WebP), PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx)."
        ),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)

    def __init__(
        self,
        problem: Problem,
        period: DispatchPeriod,
        report: ProgressReport | None,
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        mb = files.max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = "{} {}".format(
            self.fields["file"].help_text,
            _("At most %(mb)s MB per file; archives are not accepted. Attached on submission.")
            % {"mb": mb},
        )
        ticked = {m["seq"] for m in report.measures_done} if report else set()
        choices = []
        self.done_measures = []
        for m in problem.measures.all():
            if m.done and m.seq not in ticked:
                self.done_measures.append(m)
            else:
                choices.append((m.seq, f"{m.seq}. {m.text}"))
        self.fields["measures_done"].choices = choices
        if not choices:
            del self.fields["measures_done"]
        date_field = self.fields["effective_date"]
        date_field.widget.attrs.update(
            {"min": period.start_date.isoformat(), "max": period.last_report_date.isoformat()}
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Reviewed: the report is accepted and frozen")),
            ("return", gettext_lazy("Return for correction")),
        ],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the report is returned: say what to correct."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"), coerce=int, choices=[(q, q) for q in range(1, 5)]
    )

"""Forms of the disclosure pages; they only parse input, the actions validate it."""

from django import forms
from django.utils.translation import gettext_lazy

from rectify.reports.text import MAX_NARRATIVE_CHARS, NARRATIVE_KEYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANG_CHOICES = [("zh", gettext_lazy("Chinese")), ("en", gettext_lazy("English"))]


class CreateForm(forms.Form):
    inspection = forms.ModelChoiceField(
        label=gettext_lazy("Inspection"),
        queryset=None,
        to_field_name="code",
        empty_label=None,
    )
    as_of = forms.DateField(label=gettext_lazy("Figures as of"), widget=DATE)
    lang = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANG_CHOICES, initial="zh")

    def __init__(self, inspections, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections


class NarrativeForm(forms.Form):
    key = forms.ChoiceField(choices=[(k, k) for k in NARRATIVE_KEYS])
    text = forms.CharField(
        required=False,
        max_length=MAX_NARRATIVE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

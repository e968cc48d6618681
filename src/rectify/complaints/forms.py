"""Forms of the complaints pages. They parse input; the rules live in complaints.actions."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rectify.complaints.actions import ResultData
from rectify.complaints.models import ComplaintBatch, PollutionType
from rectify.complaints.states import ENFORCEMENT_FIELDS, Industry, State, Step, Verdict
from rectify.orgs.models import Org
from rectify.problems.forms import LedgerForm, OrgChoiceField, all_orgs, region_orgs
from rectify.problems.models import Inspection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EMPTY = ("", "---------")


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ComplaintBatch) -> str:
        return f"{obj.inspection.name[:24]} · {_('batch %(n)s') % {'n': obj.number}}"


# --- list filters -------------------------------------------------------------------------

REPEAT_CHOICES = [
    EMPTY,
    ("yes", _("Repeats only")),
    ("no", _("Without repeats")),
]
YES_NO = [EMPTY, ("yes", _("Yes")), ("no", _("No"))]


class ComplaintFilterForm(LedgerForm):
    """GET filters of the complaints list (and of its export link); every field optional."""

    q = forms.CharField(label=_("Acceptance number or text"), required=False, max_length=100)
    inspection = forms.ModelChoiceField(
        label=_("Inspection"),
        queryset=Inspection.objects.none(),
        required=False,
        to_field_name="code",
    )
    batch = BatchChoiceField(
        label=_("Batch"), queryset=ComplaintBatch.objects.none(), required=False
    )
    state = forms.ChoiceField(label=_("State"), choices=[EMPTY, *State.choices], required=False)
    region = OrgChoiceField(
        label=_("Region"), queryset=Org.objects.none(), required=False, to_field_name="code"
    )
    lead_unit = OrgChoiceField(
        label=_("Lead unit"), queryset=Org.objects.none(), required=False, to_field_name="code"
    )
    pollution_type = forms.ModelChoiceField(
        label=_("Pollution type"),
        queryset=PollutionType.objects.all(),
        required=False,
        to_field_name="code",
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[EMPTY, *Verdict.choices], required=False
    )
    key = forms.ChoiceField(label=_("Key case"), choices=YES_NO, required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), choices=YES_NO, required=False)
    repeats = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)

    def __init__(self, *args, inspections, batches, regions, lead_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["batch"].queryset = batches
        self.fields["region"].queryset = regions
        self.fields["lead_unit"].queryset = lead_units
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "autosubmit"


class StatsForm(LedgerForm):
    inspection = forms.ModelChoiceField(
        label=_("Inspection"),
        queryset=Inspection.objects.none(),
        required=False,
        to_field_name="code",
    )
    batch = BatchChoiceField(
        label=_("Batch"), queryset=ComplaintBatch.objects.none(), required=False
    )
    region = OrgChoiceField(
        label=_("Region"), queryset=Org.objects.none(), required=False, to_field_name="code"
    )
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)

    def __init__(self, *args, inspections, batches, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["batch"].queryset = batches
        self.fields["region"].queryset = regions


# --- batches ------------------------------------------------------------------------------


class BatchForm(LedgerForm):
    inspection = forms.ModelChoiceField(label=_("Inspection"), queryset=Inspection.objects.all())
    number = forms.IntegerField(label=_("Batch number"), min_value=1, max_value=999)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    stated_count = forms.IntegerField(
        label=_("Number of complaints stated by the team"), min_value=0, max_value=100_000
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AssignBatchForm(LedgerForm):
    batch = forms.ModelChoiceField(queryset=ComplaintBatch.objects.all(), widget=forms.HiddenInput)
    effective_date = forms.DateField(label=_("Assigned on"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


# --- one complaint --------------------------------------------------------------------------


class VersionedForm(LedgerForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(VersionedForm):
    lead_unit = OrgChoiceField(label=_("Lead unit"), queryset=Org.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = all_orgs()


class CloseForm(VersionedForm):
    step = forms.ChoiceField(
        label=_("Closure"),
        choices=[(Step.CLOSE, _("Closed")), (Step.CLOSE_STAGE, _("Closed for this stage"))],
        widget=forms.RadioSelect,
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)


class ReturnForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=False)


class ResultForm(VersionedForm):
    """The texts and the verdict are checked by the action (all errors at once); an empty
    count is zero."""

    investigation = forms.CharField(
        label=_("Investigation findings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[EMPTY, *Verdict.choices], required=False
    )
    handling = forms.CharField(
        label=_("Handling and rectification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    ordered_rectify = _count(_("Ordered to rectify (firms)"))
    penalty_cases = _count(_("Penalty cases (firms)"))
    fines_yuan = forms.DecimalField(
        label=_("Fines (yuan)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    criminal_cases = _count(_("Criminal cases opened"))
    admin_detained = _count(_("Administrative detentions"))
    criminal_detained = _count(_("Criminal detentions"))
    interviewed = _count(_("Officials interviewed"))
    held_accountable = _count(_("Officials held accountable"))
    accountability = forms.CharField(
        label=_("Accountability details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    effective_date = forms.DateField(label=_("Date"), widget=DATE)
    close = forms.ChoiceField(
        label=_("With this result"),
        choices=[
            ("", _("Keep the complaint in progress")),
            (Step.CLOSE, _("Close the complaint")),
            (Step.CLOSE_STAGE, _("Close it for this stage")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    enforcement_names = tuple(ENFORCEMENT_FIELDS)

    def enforcement_fields(self):
        return [self[name] for name in self.enforcement_names]

    @staticmethod
    def result_data(data: dict) -> ResultData:
        """The cleaned data as the action's ResultData (empty counts are zero)."""
        return ResultData(
            investigation=data["investigation"],
            verdict=data["verdict"],
            handling=data["handling"],
            accountability=data["accountability"],
            **{name: data[name] or 0 for name in ENFORCEMENT_FIELDS},
        )


class EditComplaintForm(VersionedForm):
    content = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 5}))
    region = OrgChoiceField(label=_("Region"), queryset=Org.objects.none())
    pollution_types = forms.ModelMultipleChoiceField(
        label=_("Pollution types"),
        queryset=PollutionType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[EMPTY, *Industry.choices], required=False
    )
    is_key = forms.BooleanField(label=_("Key case"), required=False)
    confirm_region = forms.BooleanField(label=_("The region is confirmed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_orgs()


class RepeatForm(VersionedForm):
    repeat_of = forms.CharField(label=_("Acceptance number of the first complaint"), max_length=40)


class NotRepeatForm(LedgerForm):
    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProblemLinkForm(VersionedForm):
    inspection = forms.ModelChoiceField(
        label=_("Inspection"), queryset=Inspection.objects.all(), to_field_name="code"
    )
    number = forms.CharField(label=_("Problem number"), max_length=30)


class RevealForm(LedgerForm):
    reason = forms.CharField(
        label=_("Why do you need the complainant's identity?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )


def inspection_choices(batches: QuerySet[ComplaintBatch]) -> QuerySet[Inspection]:
    """Inspections that have batches among `batches`, latest first."""
    return Inspection.objects.filter(pk__in=batches.values("inspection_id")).order_by(
        "-feedback_date", "code"
    )

"""Forms of the oversight pages; they parse input, the actions validate it."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.dispatch.forms import MultipleFileField
from rectify.orgs.models import Org, OrgKind
from rectify.oversight.models import MeetingKind, Rank, SanctionClass
from rectify.oversight.states import ActionKind, CaseSource, CaseStatus, SpotCheckKind, Verdict
from rectify.problems.forms import LedgerForm, OrgChoiceField, OrgMultipleChoiceField, all_orgs
from rectify.problems.models import Category, Inspection, Problem
from rectify.problems.states import DeadlineKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
_NUMBERS = re.compile(r"[\s,，、;；]+")


def inspection_field(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=gettext_lazy("Inspection"),
        queryset=Inspection.objects.order_by("-feedback_date", "code"),
        to_field_name="code",
        required=required,
    )


def parse_problem_numbers(form: forms.Form, field: str, inspection: Inspection | None):
    """The problems named by numbers ("3、7 12") in an inspection, or a field error."""
    text = (form.cleaned_data.get(field) or "").strip()
    if not text:
        return []
    if inspection is None:
        form.add_error(field, _("Choose the inspection first."))
        return []
    numbers = [n for n in _NUMBERS.split(text) if n]
    found = {p.number: p for p in Problem.objects.filter(inspection=inspection, number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        form.add_error(
            field,
            _("No problem numbered %(numbers)s in %(inspection)s.")
            % {"numbers": "、".join(missing), "inspection": inspection.code},
        )
        return []
    return [found[n] for n in dict.fromkeys(numbers)]


def problem_numbers(problems) -> str:
    return "、".join(p.number for p in problems)


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FiguresForm(LedgerForm):
    inspection = inspection_field()
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=DATE)
    followups = forms.BooleanField(
        label=gettext_lazy("Include follow-up inspections"), required=False
    )


# --- accountability --------------------------------------------------------------------------


class CaseForm(VersionMixin, LedgerForm):
    inspection = inspection_field()
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=40)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=CaseSource.choices)
    received_date = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    decision_date = forms.DateField(
        label=gettext_lazy("Decided on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Only when the case is decided already."),
    )
    summary = forms.CharField(label=gettext_lazy("Summary"), widget=TEXT, required=False)
    problem_numbers = forms.CharField(
        label=gettext_lazy("Linked problems"),
        required=False,
        help_text=gettext_lazy("Problem numbers in the inspection, separated by 、 or spaces."),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Published as a typical case"),
        required=False,
        help_text=gettext_lazy("Shown on the public portal, without names."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["inspection"].disabled = True

    def case_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["problems"] = parse_problem_numbers(self, "problem_numbers", data.get("inspection"))
        data.pop("problem_numbers", None)
        data.pop("version", None)
        return data


class CaseTransitionForm(LedgerForm):
    to = forms.ChoiceField(label=gettext_lazy("New status"), choices=CaseStatus.choices)
    effective_date = forms.DateField(label=gettext_lazy("Effective date"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class HeldOrgForm(LedgerForm):
    name = forms.CharField(
        label=gettext_lazy("Party organisation"),
        max_length=200,
        help_text=gettext_lazy("As the decision names it, e.g. 中共××县委, ××局党组."),
    )
    org = OrgChoiceField(
        label=gettext_lazy("Belongs to"), queryset=Org.objects.none(), required=False
    )
    handling = forms.CharField(label=gettext_lazy("Handling"), max_length=200, required=False)
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Decided on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Empty: the case's decision date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = all_orgs()


class HeldPersonForm(LedgerForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    post = forms.CharField(label=gettext_lazy("Post"), max_length=200, required=False)
    unit_name = forms.CharField(label=gettext_lazy("Unit"), max_length=200, required=False)
    org = OrgChoiceField(
        label=gettext_lazy("Belongs to"), queryset=Org.objects.none(), required=False
    )
    rank = forms.ModelChoiceField(label=gettext_lazy("Rank"), queryset=Rank.objects.none())
    sanction = forms.ModelChoiceField(
        label=gettext_lazy("Sanction"), queryset=SanctionClass.objects.none()
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Decided on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Empty: the case's decision date."),
    )
    identifier = forms.CharField(
        label=gettext_lazy("Identifier"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Optional: tells apart two officials of the same name and unit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = all_orgs()
        self.fields["rank"].queryset = Rank.objects.all()
        self.fields["sanction"].queryset = SanctionClass.objects.filter(is_active=True)


# --- supervision -----------------------------------------------------------------------------


def target_orgs() -> Any:
    kinds = (OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY, OrgKind.DEPARTMENT)
    return Org.objects.filter(is_active=True, kind__in=kinds).order_by("path")


class ActionForm(VersionMixin, LedgerForm):
    inspection = inspection_field()
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActionKind.choices)
    check_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of spot check"),
        choices=[("", "---------"), *SpotCheckKind.choices],
        required=False,
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    conducted_by = forms.CharField(
        label=gettext_lazy("Conducted by"), max_length=200, required=False
    )
    target_orgs = OrgMultipleChoiceField(
        label=gettext_lazy("Targeted units"),
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    problem_numbers = forms.CharField(
        label=gettext_lazy("Linked problems"),
        required=False,
        help_text=gettext_lazy("Problem numbers in the inspection, separated by 、 or spaces."),
    )
    content = forms.CharField(label=gettext_lazy("Content"), widget=TEXT, required=False)
    proposal = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_orgs"].queryset = target_orgs()
        if editing:
            self.fields["inspection"].disabled = True
            self.fields["kind"].disabled = True

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["problems"] = parse_problem_numbers(self, "problem_numbers", data.get("inspection"))
        for key in ("problem_numbers", "version", "proposal"):
            data.pop(key, None)
        return data


class FindingForm(LedgerForm):
    text = forms.CharField(label=gettext_lazy("Finding"), widget=TEXT)
    org = OrgChoiceField(label=gettext_lazy("Where"), queryset=Org.objects.none(), required=False)
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"), choices=[("", "---------"), *Verdict.choices], required=False
    )
    problem_number = forms.CharField(
        label=gettext_lazy("Problem checked"),
        required=False,
        help_text=gettext_lazy("Its number in the action's inspection (spot checks)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = target_orgs()


class ConvertForm(LedgerForm):
    inspection = inspection_field()
    number = forms.CharField(label=gettext_lazy("Problem number"), max_length=30)
    title = forms.CharField(label=gettext_lazy("Summary"), max_length=500)
    description = forms.CharField(label=gettext_lazy("Description"), widget=TEXT, required=False)
    lead_unit = OrgChoiceField(label=gettext_lazy("Lead unit"), queryset=Org.objects.none())
    region = OrgChoiceField(label=gettext_lazy("Region"), queryset=Org.objects.none())
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False
    )
    deadline_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of deadline"), choices=DeadlineKind.choices
    )
    original_deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=DATE, required=False)
    responsible_leader = forms.CharField(
        label=gettext_lazy("Responsible leader"), max_length=100, required=False
    )
    target = forms.CharField(
        label=gettext_lazy("Rectification target"), widget=TEXT, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = all_orgs()
        self.fields["region"].queryset = all_orgs().filter(
            kind__in=(OrgKind.PROVINCE, OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True)


class ActionFilterForm(LedgerForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", "---------"), *ActionKind.choices], required=False
    )
    inspection = inspection_field(required=False)
    org = OrgChoiceField(
        label=gettext_lazy("Targeted unit"),
        queryset=Org.objects.none(),
        required=False,
        to_field_name="code",
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=gettext_lazy("Until"), widget=DATE, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


# --- meetings, teams, letters --------------------------------------------------------------


class MeetingForm(VersionMixin, LedgerForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    kind = forms.ModelChoiceField(label=gettext_lazy("Kind"), queryset=MeetingKind.objects.none())
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=300)
    inspection = inspection_field(required=False)
    chaired_by = forms.CharField(label=gettext_lazy("Chaired by"), max_length=100, required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = MeetingKind.objects.filter(is_active=True)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class TeamForm(VersionMixin, LedgerForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    inspection = inspection_field(required=False)
    leader_name = forms.CharField(label=gettext_lazy("Leading official"), max_length=50)
    leader_post = forms.CharField(
        label=gettext_lazy("Post of the leading official"), max_length=200, required=False
    )
    period_start = forms.DateField(label=gettext_lazy("From"), widget=DATE)
    period_end = forms.DateField(label=gettext_lazy("Until"), widget=DATE, required=False)
    assigned_orgs = OrgMultipleChoiceField(
        label=gettext_lazy("Assigned units"),
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    members = UserMultipleChoiceField(
        label=gettext_lazy("Member accounts"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy("They can read the assigned units and record visits."),
    )
    member_names = forms.CharField(
        label=gettext_lazy("Other members"),
        widget=TEXT,
        required=False,
        help_text=gettext_lazy("Members without an account, one a line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_orgs"].queryset = target_orgs()
        self.fields["members"].queryset = User.objects.filter(
            role=Role.TEAM, is_active=True
        ).order_by("username")


class ListingForm(LedgerForm):
    inspection = inspection_field()
    number = forms.CharField(label=gettext_lazy("Problem number"), max_length=30)
    listed_on = forms.DateField(label=gettext_lazy("Listed on"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class VisitForm(LedgerForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    org = OrgChoiceField(label=gettext_lazy("Unit visited"), queryset=Org.objects.none())
    problem = forms.ModelChoiceField(
        label=gettext_lazy("Problem"), queryset=Problem.objects.none(), required=False
    )
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=TEXT)
    file = MultipleFileField(label=gettext_lazy("Photos and documents"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)

    def __init__(self, *args, orgs, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["problem"].queryset = problems
        self.fields["problem"].label_from_instance = lambda p: f"{p.number} {p.title[:40]}"


class LetterForm(VersionMixin, LedgerForm):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    org = OrgChoiceField(label=gettext_lazy("Signed with"), queryset=Org.objects.none())
    inspection = inspection_field(required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DATE, required=False)
    signatory = forms.CharField(label=gettext_lazy("Signed by"), max_length=100, required=False)
    targets = forms.CharField(
        label=gettext_lazy("Targets"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=gettext_lazy("One target a line."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = target_orgs()
        if editing:
            self.fields["year"].disabled = True
            self.fields["org"].disabled = True

    def letter_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["targets"] = [t.strip() for t in (data.get("targets") or "").splitlines() if t.strip()]
        data.pop("version", None)
        return data


class DocumentForm(LedgerForm):
    file = MultipleFileField(label=gettext_lazy("Files"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)


class ImportForm(LedgerForm):
    SUBJECTS = [
        ("persons", gettext_lazy("Officials held accountable")),
        ("actions", gettext_lazy("Supervision actions")),
    ]
    subject = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=SUBJECTS)
    inspection = inspection_field()
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Only check, write nothing"), required=False)

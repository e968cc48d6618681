"""Request and response shapes of the oversight API (see oversight/api.py).

References arrive as natural keys: inspections by code, orgs by org code, ranks by code
(bureau / division / section) or label, sanction classes and meeting kinds by name,
accounts by username; problems by id (as the ledger API gives them). Dates are ISO.
"""

import datetime as dt

from ninja import Field, Schema

from rectify.oversight.states import (
    ActionKind,
    CaseSource,
    CaseStatus,
    SpotCheckKind,
    Verdict,
)
from rectify.problems.schemas import OrgRef
from rectify.problems.states import DeadlineKind

VERSION_FIELD = Field(None, description="The version read (or send If-Match)")


class ProblemRef(Schema):
    id: int
    inspection: str
    number: str
    title: str


class DocumentOut(Schema):
    id: int
    name: str
    caption: str
    sha256: str
    uploaded_at: dt.datetime


# --- accountability --------------------------------------------------------------------------


class HeldOrgIn(Schema):
    name: str = Field(description="The party organisation, e.g. 中共××县委")
    org: str | None = Field(None, description="Org code it belongs to (for scope and kind)")
    handling: str = ""
    document_number: str = ""
    decision_date: dt.date | None = Field(None, description="Empty: the case's decision date")


class HeldOrgPatch(Schema):
    name: str | None = None
    org: str | None = None
    handling: str | None = None
    document_number: str | None = None
    decision_date: dt.date | None = None
    version: int | None = VERSION_FIELD


class HeldOrgOut(Schema):
    id: int
    name: str
    org: OrgRef | None
    handling: str
    document_number: str
    decision_date: dt.date | None
    version: int


class HeldPersonIn(Schema):
    name: str
    post: str = ""
    unit_name: str = Field("", description="The unit as written (单位)")
    org: str | None = Field(None, description="Org code the unit belongs to")
    identifier: str = Field("", description="Optional: tells apart namesakes across cases")
    rank: str = Field(description="bureau / division / section, or the rank's label")
    sanction: str = Field(description="Name of the sanction class, e.g. 诫勉谈话")
    document_number: str = ""
    decision_date: dt.date | None = Field(None, description="Empty: the case's decision date")
    note: str = ""


class HeldPersonPatch(Schema):
    name: str | None = None
    post: str | None = None
    unit_name: str | None = None
    org: str | None = None
    identifier: str | None = None
    rank: str | None = None
    sanction: str | None = None
    document_number: str | None = None
    decision_date: dt.date | None = None
    note: str | None = None
    version: int | None = VERSION_FIELD


class HeldPersonOut(Schema):
    id: int
    case: int
    name: str | None = Field(description="Null for roles that may not see officials' names")
    post: str | None = Field(description="Null for roles that may not see officials' names")
    unit_name: str
    org: OrgRef | None
    rank: str
    sanction: str
    document_number: str
    decision_date: dt.date | None
    effective_date: dt.date | None = Field(description="Own decision date, or the case's")
    version: int


class CaseIn(Schema):
    inspection: str
    number: str
    title: str
    summary: str = ""
    source: CaseSource
    received_date: dt.date
    decision_date: dt.date | None = None
    published: bool = False
    problems: list[int] = Field(default_factory=list, description="Ids of linked problems")


class CasePatch(Schema):
    number: str | None = None
    title: str | None = None
    summary: str | None = None
    source: CaseSource | None = None
    received_date: dt.date | None = None
    decision_date: dt.date | None = None
    published: bool | None = None
    problems: list[int] | None = None
    version: int | None = VERSION_FIELD


class CaseTransitionIn(Schema):
    to: CaseStatus
    effective_date: dt.date
    reason: str = ""
    version: int | None = VERSION_FIELD


class CaseListOut(Schema):
    id: int
    inspection: str
    number: str
    title: str
    source: CaseSource
    status: CaseStatus
    received_date: dt.date
    decision_date: dt.date | None
    published: bool
    organizations: int
    persons: int
    version: int


class CaseOut(CaseListOut):
    summary: str
    problems: list[ProblemRef]
    held_organizations: list[HeldOrgOut]
    held_persons: list[HeldPersonOut]
    documents: list[DocumentOut]


class PublicCaseOut(Schema):
    """A published typical case as the public sees it: counts, never names."""

    inspection: str
    number: str
    title: str
    summary: str
    decision_date: dt.date | None
    organizations: int
    persons: int
    by_sanction: dict[str, int]


# --- supervision -----------------------------------------------------------------------------


class ProposalIn(Schema):
    problem: int
    kind: str = Field(description="letter or interview")
    triggered_on: dt.date


class ActionIn(Schema):
    inspection: str
    kind: ActionKind
    check_kind: SpotCheckKind | None = None
    date: dt.date
    title: str
    content: str = ""
    document_number: str = ""
    conducted_by: str = ""
    target_orgs: list[str] = Field(default_factory=list, description="Org codes")
    problems: list[int] = Field(default_factory=list, description="Ids of linked problems")
    proposal: ProposalIn | None = Field(None, description="The escalation proposal it answers")


class ActionPatch(Schema):
    check_kind: SpotCheckKind | None = None
    date: dt.date | None = None
    title: str | None = None
    content: str | None = None
    document_number: str | None = None
    conducted_by: str | None = None
    target_orgs: list[str] | None = None
    problems: list[int] | None = None
    version: int | None = VERSION_FIELD


class FindingIn(Schema):
    text: str
    org: str | None = Field(None, description="Org code of the place")
    verdict: Verdict | None = None
    problem: int | None = Field(None, description="The problem checked (spot checks)")


class FindingOut(Schema):
    id: int
    seq: int
    text: str
    org: OrgRef | None
    verdict: str
    problem: ProblemRef | None
    created_problem: bool


class ConvertIn(Schema):
    """The new problem's fields; the start date is the visit's date, the source 暗访."""

    number: str
    inspection: str | None = Field(None, description="Default: the action's inspection")
    title: str | None = Field(None, description="Default: the finding's text")
    description: str | None = None
    region: str | None = Field(None, description="Org code; default: the finding's unit")
    lead_unit: str | None = Field(None, description="Org code; default: the finding's unit")
    category: str | None = None
    deadline_kind: DeadlineKind = DeadlineKind.BY_DATE
    original_deadline: dt.date | None = None
    responsible_leader: str = ""
    target: str = ""


class ProposalOut(Schema):
    problem: ProblemRef
    kind: str
    label: str
    triggered_on: dt.date
    lead_unit: OrgRef


class ActionListOut(Schema):
    id: int
    inspection: str
    kind: ActionKind
    check_kind: str
    date: dt.date
    title: str
    document_number: str
    target_orgs: list[OrgRef]
    version: int


class ActionOut(ActionListOut):
    content: str
    conducted_by: str
    problems: list[ProblemRef]
    findings: list[FindingOut]
    proposal: ProposalIn | None
    documents: list[DocumentOut]


# --- meetings --------------------------------------------------------------------------------


class MeetingIn(Schema):
    date: dt.date
    kind: str = Field(description="Name of the kind, e.g. 省委常委会会议")
    topic: str
    inspection: str | None = None
    chaired_by: str = ""
    notes: str = ""


class MeetingPatch(Schema):
    date: dt.date | None = None
    kind: str | None = None
    topic: str | None = None
    inspection: str | None = None
    chaired_by: str | None = None
    notes: str | None = None
    version: int | None = VERSION_FIELD


class MeetingOut(Schema):
    id: int
    date: dt.date
    kind: str
    topic: str
    inspection: str | None
    chaired_by: str
    notes: str
    version: int


# --- battle teams ----------------------------------------------------------------------------


class TeamIn(Schema):
    name: str
    inspection: str | None = None
    leader_name: str
    leader_post: str = ""
    members: list[str] = Field(default_factory=list, description="Usernames of team accounts")
    member_names: str = Field("", description="Members without an account, one a line")
    assigned_orgs: list[str] = Field(default_factory=list, description="Org codes")
    period_start: dt.date
    period_end: dt.date | None = None


class TeamPatch(Schema):
    name: str | None = None
    inspection: str | None = None
    leader_name: str | None = None
    leader_post: str | None = None
    members: list[str] | None = None
    member_names: str | None = None
    assigned_orgs: list[str] | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    version: int | None = VERSION_FIELD


class ListingIn(Schema):
    problem: int
    listed_on: dt.date
    note: str = ""


class ListedProblemOut(Schema):
    problem: ProblemRef
    lead_unit: OrgRef
    listed_on: dt.date
    status: str = Field(description="As-of status (problems.asof)")
    colour: str = Field(description="Warning colour as of the date: red, yellow, blue or empty")


class VisitIn(Schema):
    date: dt.date
    org: str = Field(description="Org code of the unit visited")
    problem: int | None = None
    findings: str


class VisitOut(Schema):
    id: int
    date: dt.date
    member: str
    org: OrgRef
    problem: ProblemRef | None
    findings: str
    documents: list[DocumentOut]


class TeamListOut(Schema):
    id: int
    name: str
    inspection: str | None
    leader_name: str
    leader_post: str
    period_start: dt.date
    period_end: dt.date | None
    assigned_orgs: list[OrgRef]
    version: int


class TeamOut(TeamListOut):
    members: list[str]
    member_names: str
    as_of: dt.date
    problems: list[ListedProblemOut]
    visits: list[VisitOut]


# --- responsibility letters ------------------------------------------------------------------


class LetterIn(Schema):
    year: int
    org: str
    inspection: str | None = None
    title: str
    signed_on: dt.date | None = None
    signatory: str = ""
    targets: list[str] = Field(default_factory=list)


class LetterPatch(Schema):
    inspection: str | None = None
    title: str | None = None
    signed_on: dt.date | None = None
    signatory: str | None = None
    targets: list[str] | None = None
    version: int | None = VERSION_FIELD


class LetterOut(Schema):
    id: int
    year: int
    org: OrgRef
    inspection: str | None
    title: str
    signed_on: dt.date | None
    signatory: str
    targets: list[str]
    version: int


# --- reference and figures -------------------------------------------------------------------


class ReferenceOut(Schema):
    ranks: dict[str, str] = Field(description="Rank code → label")
    sanction_classes: list[str]
    meeting_kinds: list[str]

"""Request and response shapes of the ledger API (see problems/api.py).

References in inputs are by natural key: orgs by org code, categories by name, aspects by
number or name within the inspection, inspections by code; dates are ISO (YYYY-MM-DD).
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rectify.problems.models import InspectionKind, InspectionLevel
from rectify.problems.states import (
    Colour,
    DeadlineKind,
    EventKind,
    ExtensionStatus,
    Source,
    Status,
)

VERSION_HELP = (
    "Optimistic concurrency: send the `version` you read (from the body or the `ETag` "
    'header), either here or as the header `If-Match: "<version>"`. A stale version '
    "answers 409 and changes nothing; no version at all answers 428 (Precondition "
    "Required); a body version that differs from If-Match answers 422."
)


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error body of the API (see rectify/api.py)."""

    code: str
    message: str
    errors: list[FieldError] | None = None


class PingOut(Schema):
    ok: bool


class OrgRef(Schema):
    code: str
    name: str


# --- inspections -------------------------------------------------------------------------


class AspectOut(Schema):
    number: int
    name: str


class InspectionOut(Schema):
    code: str
    name: str
    level: InspectionLevel
    kind: InspectionKind
    target_region: OrgRef
    team: str
    onsite_start: dt.date | None
    onsite_end: dt.date | None
    feedback_date: dt.date
    parent: str | None = Field(None, description="Code of the inspection this one is part of")


class InspectionDetailOut(InspectionOut):
    aspects: list[AspectOut]
    followups: list[str] = Field(description="Codes of the inspections that are part of this one")
    as_of: dt.date
    total: int = Field(description="Visible problems on the ledger at `as_of`")
    status_counts: dict[str, int] = Field(description="Problems by as-of status, zeros included")
    completed_total: int = Field(description="已完成整改: completed + signed_off")
    on_schedule_total: int = Field(description="达到序时进度: on_schedule + ahead_of_schedule")


class InspectionIn(Schema):
    code: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60)
    name: str
    level: InspectionLevel
    kind: InspectionKind
    target_region: str = Field(description="Org code of the inspected region")
    team: str = ""
    onsite_start: dt.date | None = None
    onsite_end: dt.date | None = None
    feedback_date: dt.date
    parent: str | None = Field(None, description="Code of the inspection this one is part of")


# --- problems: list ----------------------------------------------------------------------

ORDERINGS = Literal[
    "number", "-number", "deadline", "-deadline", "percent", "-percent", "updated", "-updated"
]


class ProblemFilter(Schema):
    inspection: str | None = Field(None, description="Inspection code")
    category: str | None = Field(None, description="Category name")
    aspect: str | None = Field(None, description="Aspect number or name")
    region: str | None = Field(None, description="Org code; includes its descendants")
    lead_unit: str | None = Field(None, description="Org code; includes its descendants")
    status: Status | None = Field(
        None, description="Status as of `as_of`; on_schedule includes ahead_of_schedule"
    )
    colour: Colour | None = Field(None, description="Warning colour as of `as_of`")
    q: str | None = Field(None, description="Full-text search in number, title, description")
    as_of: dt.date | None = Field(None, description="Evaluate as of this date (default today)")
    ordering: ORDERINGS = "number"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


class ProblemItemOut(Schema):
    id: int
    inspection: str
    number: str
    title: str
    aspect: str | None
    category: str | None
    region: OrgRef
    lead_unit: OrgRef
    deadline_kind: DeadlineKind
    original_deadline: dt.date | None
    deadline: dt.date | None = Field(description="Deadline after extensions approved by `as_of`")
    status: Status
    colour: Colour | None
    percent: int | None = Field(description="Latest reported percent by `as_of`")
    planned_percent: float | None = Field(description="序时进度: planned percent at `as_of`")
    basically_done: bool
    version: int


class ProblemListOut(Schema):
    as_of: dt.date
    count: int
    limit: int
    offset: int
    items: list[ProblemItemOut]


# --- problems: detail --------------------------------------------------------------------


class AsOfStateOut(Schema):
    as_of: dt.date
    status: Status
    colour: Colour | None
    percent: int | None
    planned_percent: float | None
    deadline: dt.date | None
    basically_done: bool
    criticised: bool


class MeasureOut(Schema):
    seq: int
    text: str
    responsible_unit: OrgRef | None
    due_date: dt.date | None
    done: bool
    done_date: dt.date | None


class MilestoneOut(Schema):
    date: dt.date
    percent: int
    note: str


class EventOut(Schema):
    id: int
    kind: EventKind
    effective_date: dt.date
    recorded_at: dt.datetime
    percent: int | None
    new_deadline: dt.date | None
    note: str
    origin: str


class ExtensionOut(Schema):
    id: int
    problem: int
    status: ExtensionStatus
    reason: str
    current_deadline: dt.date
    new_deadline: dt.date
    requested_at: dt.datetime
    requested_by: str
    decided_at: dt.datetime | None
    decided_by: str | None
    effective_date: dt.date | None
    decision_note: str


class ProblemOut(Schema):
    id: int
    inspection: str
    number: str
    title: str
    description: str
    aspect: AspectOut | None
    category: str | None
    region: OrgRef
    lead_unit: OrgRef
    cooperating_units: list[OrgRef]
    responsible_leader: str
    responsible_person: str
    target: str
    deadline_kind: DeadlineKind
    original_deadline: dt.date | None
    deadline: dt.date | None = Field(description="Current deadline (after approved extensions)")
    start_date: dt.date
    warning_days: int
    source: Source
    longitude: Decimal | None
    latitude: Decimal | None
    version: int = Field(description="Send it back on PATCH (also in the ETag header)")
    created_at: dt.datetime
    updated_at: dt.datetime
    state: AsOfStateOut | None = Field(
        description="Status as of `as_of`; null when the problem was not yet listed then"
    )
    measures: list[MeasureOut]
    milestones: list[MilestoneOut]
    events: list[EventOut]
    extensions: list[ExtensionOut]


# --- problems: writes --------------------------------------------------------------------


class MeasureIn(Schema):
    text: str
    responsible_unit: str | None = Field(None, description="Org code")
    due_date: dt.date | None = None
    done: bool = False
    done_date: dt.date | None = None


class MilestoneIn(Schema):
    date: dt.date
    percent: int


class ProblemIn(Schema):
    inspection: str = Field(description="Inspection code")
    number: str
    title: str
    description: str = ""
    aspect: int | str | None = Field(None, description="Aspect number or name")
    category: str | None = Field(None, description="Category name")
    region: str = Field(description="Org code")
    lead_unit: str = Field(description="Org code")
    cooperating_units: list[str] = Field(default_factory=list, description="Org codes")
    responsible_leader: str = ""
    responsible_person: str = ""
    target: str = ""
    deadline_kind: DeadlineKind = DeadlineKind.BY_DATE
    original_deadline: dt.date | None = None
    start_date: dt.date | None = Field(None, description="Default: the feedback date")
    warning_days: int = 30
    source: Source = Source.FEEDBACK
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    measures: list[MeasureIn] = Field(default_factory=list)
    milestones: list[MilestoneIn] = Field(default_factory=list)


class ProblemPatch(Schema):
    """Only the fields sent change; deadlines move only through extension requests."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, description=VERSION_HELP)
    number: str = None  # type: ignore[assignment]
    title: str = None  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    aspect: int | str | None = Field(None, description="Aspect number or name; null clears")
    category: str | None = Field(None, description="Category name; null clears")
    region: str = Field(None, description="Org code")  # type: ignore[assignment]
    lead_unit: str = Field(None, description="Org code")  # type: ignore[assignment]
    cooperating_units: list[str] = Field(None, description="Org codes (replaces the list)")  # type: ignore[assignment]
    responsible_leader: str = None  # type: ignore[assignment]
    responsible_person: str = None  # type: ignore[assignment]
    target: str = None  # type: ignore[assignment]
    deadline_kind: DeadlineKind = None  # type: ignore[assignment]
    start_date: dt.date = None  # type: ignore[assignment]
    warning_days: int = None  # type: ignore[assignment]
    source: Source = None  # type: ignore[assignment]
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    measures: list[MeasureIn] = Field(None, description="Replaces the list")  # type: ignore[assignment]
    milestones: list[MilestoneIn] = Field(None, description="Replaces the list")  # type: ignore[assignment]


class EventIn(Schema):
    kind: EventKind
    effective_date: dt.date
    percent: int | None = Field(None, description="Required for progress")
    note: str = ""


class ExtensionIn(Schema):
    new_deadline: dt.date
    reason: str


class DecisionIn(Schema):
    decision: Literal["approve", "refuse", "withdraw"]
    note: str = Field("", description="Required when refusing")
    effective_date: dt.date | None = Field(None, description="Default: today")

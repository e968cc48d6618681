"""Request and response shapes of the complaints API (see complaints/api.py).

References are natural keys: inspections by code, batches by number within the inspection,
orgs by code, pollution types by name or code, complaints by acceptance number. Personal
data of complainants is accepted on intake (write-only) and answered only by /reveal.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rectify.complaints.states import Channel, Industry, State, Step, Verdict
from rectify.problems.schemas import OrgRef

VERSION_HELP = (
    "Optimistic concurrency, as on the ledger: send the complaint's `version` you read (body "
    'or the `ETag` of GET /complaints/{id}) here or as `If-Match: "<version>"`. A stale '
    "version answers 409 and changes nothing; none at all answers 428."
)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- filters and figures -------------------------------------------------------------------


class ComplaintFilter(Schema):
    inspection: str | None = Field(None, description="Inspection code")
    batch: int | None = Field(None, description="Batch number (with `inspection`)")
    state: State | None = Field(None, description="State as of `as_of`")
    region: str | None = Field(None, description="Org code; includes its counties")
    lead_unit: str | None = Field(None, description="Org code; includes its descendants")
    pollution_type: str | None = Field(None, description="Pollution type name or code")
    verdict: Verdict | None = Field(None, description="Verdict of the result in force at `as_of`")
    key: bool | None = Field(None, description="Key cases only (true) or none of them (false)")
    overdue: bool | None = Field(None, description="Overdue as of `as_of`")
    repeats: bool | None = Field(None, description="Repeats only (true) or no repeats (false)")
    q: str | None = Field(None, max_length=100, description="Text in acceptance number or content")
    as_of: dt.date | None = Field(None, description="Evaluate as of this date (default today)")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class CountsOut(Schema):
    received: int = Field(description="Received (transferred) by `as_of`")
    closed: int = Field(description="已办结")
    closed_stage: int = Field(description="阶段性办结")
    in_progress: int = Field(description="未办结, including those not yet assigned")
    repeats: int
    closure_rate: float = Field(description="办结率: closed / received (0–1)")


class ComplaintItemOut(Schema):
    id: int
    acceptance_no: str
    inspection: str
    batch: int
    channel: Channel
    received_on: dt.date
    content: str = Field(description="As transferred, without the complainant's own details")
    region: OrgRef
    region_confirmed: bool
    pollution_types: list[str]
    industry: Industry | Literal[""]
    is_key: bool
    lead_unit: OrgRef | None
    deadline: dt.date | None = Field(description="Deadline of the assignment in force at `as_of`")
    state: State = Field(description="State as of `as_of`")
    verdict: Verdict | None = Field(description="Verdict of the result in force at `as_of`")
    overdue: bool = Field(description="Open at `as_of` with its deadline passed")
    repeat_of: str | None = Field(description="Acceptance number of the first complaint")
    problem: int | None = Field(description="Id of the linked ledger problem")
    version: int


class ComplaintListOut(Schema):
    as_of: dt.date
    count: int
    limit: int
    offset: int
    counts: CountsOut
    items: list[ComplaintItemOut]


class StepOut(Schema):
    step: Step
    from_state: State | Literal[""]
    to_state: State
    effective_date: dt.date
    recorded_at: dt.datetime
    lead_unit: OrgRef | None
    deadline: dt.date | None
    reason: str


class ResultOut(Schema):
    id: int
    effective_date: dt.date
    recorded_at: dt.datetime
    investigation: str
    verdict: Verdict
    handling: str
    ordered_rectify: int
    penalty_cases: int
    fines_yuan: Decimal
    criminal_cases: int
    admin_detained: int
    criminal_detained: int
    interviewed: int
    held_accountable: int
    accountability: str
    in_force: bool = Field(description="The result in force at `as_of`")


class ProblemLinkOut(Schema):
    id: int
    inspection: str
    number: str
    title: str


class CandidateOut(Schema):
    id: int
    acceptance_no: str
    score: float | None
    reasons: list[str]


class ComplaintOut(ComplaintItemOut):
    as_of: dt.date
    current_state: State
    closed_on: dt.date | None
    stage_closed_on: dt.date | None
    longitude: Decimal | None
    latitude: Decimal | None
    steps: list[StepOut]
    results: list[ResultOut]
    repeats: list[str] = Field(description="Acceptance numbers of the visible repeats of this one")
    problem_link: ProblemLinkOut | None
    allowed_steps: list[Step] = Field(description="Steps the caller may take now")
    candidates: list[CandidateOut] | None = Field(
        None, description="Likely repeats (office only; null for others)"
    )


# --- batches -------------------------------------------------------------------------------


class BatchIn(Strict):
    inspection: str = Field(description="Inspection code")
    number: int = Field(ge=1, le=32767)
    received_on: dt.date
    stated_count: int = Field(ge=0, le=1_000_000, description="Number stated by the team")
    note: str = Field("", max_length=200)


class BatchOut(Schema):
    id: int
    inspection: str
    number: int
    received_on: dt.date
    stated_count: int
    note: str
    on_record: int = Field(description="Complaints of the batch on record (that the caller sees)")
    as_of: dt.date
    counts: CountsOut | None = Field(description="As of `as_of`; null before the batch arrived")


class AssignAllIn(Strict):
    effective_date: dt.date
    deadline: dt.date


class AssignAllOut(Schema):
    assigned: int


class ComplainantIn(Strict):
    """Write-only: encrypted at rest, never answered (see POST /complaints/{id}/reveal)."""

    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=300)


class ComplaintIn(Strict):
    acceptance_no: str = Field(max_length=40, description="受理编号, e.g. D3GZ202505280018")
    content: str = Field(description="交办问题基本情况")
    region: str = Field(description="Org code of the county (or prefecture) concerned")
    region_confirmed: bool = True
    pollution_types: list[str] = Field(description='Names or codes, e.g. ["水", "大气"]')
    industry: Industry | Literal[""] = ""
    is_key: bool = False
    channel: Channel | None = Field(None, description="Default: from the acceptance number")
    received_on: dt.date | None = Field(None, description="Default: from the acceptance number")
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    original_order: int | None = Field(None, ge=0)
    complainant: ComplainantIn | None = None


# --- workflow ------------------------------------------------------------------------------


class TransitionIn(Strict):
    step: Literal["assign", "reassign", "close", "close_stage", "return"]
    effective_date: dt.date | None = Field(None, description="Default today")
    lead_unit: str | None = Field(None, description="Org code (assign, reassign)")
    deadline: dt.date | None = Field(
        None, description="Handling deadline (assign, reassign, return)"
    )
    reason: str = Field("", max_length=2000, description="Required to return for rework")
    version: int | None = None


class ResultIn(Strict):
    investigation: str = Field(description="调查核实情况")
    verdict: Verdict
    handling: str = Field(description="处理和整改情况")
    accountability: str = Field("", description="问责情况")
    ordered_rectify: int = Field(0, ge=0)
    penalty_cases: int = Field(0, ge=0)
    fines_yuan: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    criminal_cases: int = Field(0, ge=0)
    admin_detained: int = Field(0, ge=0)
    criminal_detained: int = Field(0, ge=0)
    interviewed: int = Field(0, ge=0)
    held_accountable: int = Field(0, ge=0)
    effective_date: dt.date | None = Field(None, description="Default today")
    close: Literal["", "close", "close_stage"] = Field(
        "", description="Close (or close for this stage) with this result"
    )
    version: int | None = None


class RepeatIn(Strict):
    repeat_of: str | None = Field(description="Acceptance number of the first one; null unlinks")
    version: int | None = None


class NotRepeatIn(Strict):
    other: str = Field(description="Acceptance number of the suggested complaint")


class ProblemLinkIn(Strict):
    problem: int | None = Field(description="Id of a ledger problem; null unlinks")
    version: int | None = None


class RevealIn(Strict):
    reason: str = Field(max_length=500, description="Why the identity is needed (audited)")


class RevealOut(Schema):
    name: str
    phone: str
    address: str


# --- statistics ----------------------------------------------------------------------------


class BatchCountsOut(CountsOut):
    inspection: str
    batch: int


class PrefectureCountsOut(CountsOut):
    prefecture: OrgRef


class TypeCountsOut(CountsOut):
    pollution_type: str


class StatsOut(Schema):
    as_of: dt.date
    inspection: str | None
    batch: int | None
    region: str | None
    counts: CountsOut
    enforcement: dict[str, Decimal | int]
    by_verdict: dict[str, int]
    overdue: int
    by_batch: list[BatchCountsOut]
    by_prefecture: list[PrefectureCountsOut]
    by_pollution_type: list[TypeCountsOut] = Field(
        description="A complaint with several types counts under each: these add up to more "
        "than the total"
    )

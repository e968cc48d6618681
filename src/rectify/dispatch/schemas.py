"""Request and response shapes of the dispatch API (see dispatch/api.py)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from rectify.dispatch.states import ReportState
from rectify.problems.schemas import OrgRef
from rectify.problems.states import Status


class PeriodOut(Schema):
    id: int
    year: int
    month: int
    label: str
    start_date: dt.date
    end_date: dt.date
    due_date: dt.date
    closed: bool
    opened_at: dt.datetime


class PeriodIn(Schema):
    year: int
    month: int
    due_date: dt.date | None = Field(None, description="Default: the 5th of the next month")


class UnitFiguresOut(Schema):
    unit: OrgRef
    owed: int = Field(description="Open problems at the period's end led by the unit")
    submitted: int = Field(description="Reports submitted (on time or late)")
    on_time: int
    late: int = Field(description="First submitted after the due date")
    not_submitted: int
    missing: int = Field(description="Not submitted once the due date has passed")
    reviewed: int


class PeriodStatusOut(Schema):
    period: PeriodOut
    as_of: dt.date
    past_due: bool
    totals: dict[str, int]
    units: list[UnitFiguresOut]


class DispatchProblemRef(Schema):
    id: int
    inspection: str
    number: str
    title: str
    lead_unit: OrgRef


class ReportRef(Schema):
    id: int
    state: ReportState
    submitted_at: dt.datetime | None
    late: bool


class OwedOut(Schema):
    problem: DispatchProblemRef
    status: Status = Field(description="As-of status at the period's end")
    report: ReportRef | None


class MyReportsOut(Schema):
    period: PeriodOut | None
    items: list[OwedOut]


class ReportIn(Schema):
    period: int = Field(description="Id of the dispatch period")
    text: str = Field(description="进展情况及存在问题")
    percent: int | None = Field(None, description="Reported percent, 0–100")
    effective_date: dt.date | None = Field(
        None, description="The report's date: in the period or up to its due date"
    )
    measures_done: list[int] = Field(
        default_factory=list, description="Numbers (seq) of the measures done"
    )
    decrease_reason: str = Field("", description="Required when the percent goes down")
    submit: bool = Field(True, description="False keeps it as a draft")
    version: int | None = Field(None, description="The version read, to correct a report")


class MeasureDoneOut(Schema):
    seq: int
    text: str


class EvidenceOut(Schema):
    id: int
    name: str
    sha256: str
    taken_at: dt.datetime | None
    possibly_old_photo: bool
    possibly_elsewhere: bool
    distance_km: Decimal | None


class ReportOut(Schema):
    id: int
    problem: DispatchProblemRef
    period: PeriodOut
    unit: OrgRef
    text: str
    percent: int
    decrease_reason: str
    effective_date: dt.date
    measures_done: list[MeasureDoneOut]
    state: ReportState
    submitted_at: dt.datetime | None
    last_submitted_at: dt.datetime | None
    late: bool
    reviewed_at: dt.datetime | None
    review_opinion: str
    version: int
    evidence: list[EvidenceOut]


class ReviewIn(Schema):
    decision: Literal["accept", "return"]
    opinion: str = Field("", description="Required when returning the report")
    version: int | None = None

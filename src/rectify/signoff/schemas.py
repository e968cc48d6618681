"""Request and response shapes of the sign-off API (see signoff/api.py)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from rectify.problems.schemas import OrgRef
from rectify.signoff.models import AppState, LevelActor, StepKind

# Steps taken on an existing application (applying is POST /problems/{id}/signoff).
StepName = Literal["accept", "return", "withdraw", "object", "sign_off", "rebound", "schedule"]


class ApplyIn(Schema):
    completion_report: str = Field(
        description="What was done; published in the sign-off notice (no personal data)"
    )
    effective_date: dt.date | None = Field(None, description="Date of the application; today")
    notice_days: int = Field(10, description="Working days of public notice (1–30)")


class StepIn(Schema):
    step: StepName
    version: int = Field(description="The application's version as read; stale answers 409")
    opinion: str = Field("", description="Opinion (accept) or reasons (return, object, rebound)")
    signer_name: str = Field("", description="Who signs the acceptance (accept)")
    onsite_record: str = Field("", description="On-site check record (accept)")
    effective_date: dt.date | None = Field(None, description="Date the step took effect; today")


class SignoffProblemRef(Schema):
    id: int
    inspection: str
    number: str
    title: str
    region: OrgRef
    lead_unit: OrgRef


class LevelOut(Schema):
    id: int
    name: str
    actor: LevelActor
    status: Literal["passed", "current", "returned", "waiting"]
    signer_name: str | None = None
    opinion: str | None = None
    onsite_record: str | None = None
    effective_date: dt.date | None = None


class SignoffStepOut(Schema):
    id: int
    kind: StepKind
    level: str | None
    from_state: str
    to_state: str
    actor: str
    signer_name: str
    opinion: str
    onsite_record: str
    effective_date: dt.date
    recorded_at: dt.datetime


class ApplicationItem(Schema):
    id: int
    problem: SignoffProblemRef
    state: AppState
    applicant_org: OrgRef
    applied_on: dt.date
    current_level: str | None
    accepted_on: dt.date | None
    notice_days: int
    notice_start: dt.date | None
    notice_end: dt.date | None
    notice_problem: str = Field(description="Why the notice has no dates (calendar missing)")
    signed_off_on: dt.date | None
    version: int


class ApplicationOut(ApplicationItem):
    applicant: str
    completion_report: str
    created_at: dt.datetime
    levels: list[LevelOut]
    steps: list[SignoffStepOut]
    next_steps: list[StepName] = Field(description="Steps the caller may take now")


class ApplicationListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ApplicationItem]


class ApplicationFilter(Schema):
    state: AppState | None = None
    problem: int | None = Field(None, description="Only this problem's applications")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)

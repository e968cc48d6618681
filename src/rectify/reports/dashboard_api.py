"""Dashboard API: every figure of the leader dashboard as of a date, in the caller's scope.

GET /api/v1/dashboard?as_of=YYYY-MM-DD&inspection=CODE — what the page draws and redraws
(reports.dashboard is the one source). Roles without business data get 403; an
inspection the caller cannot see is 404 like a missing one; a date in the future is 422.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from rectify.accounts.roles import Cap, has_cap
from rectify.problems.models import Inspection
from rectify.problems.schemas import ErrorOut
from rectify.reports import dashboard

router = Router(tags=["reports"])

READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}


class InspectionRef(Schema):
    code: str
    name: str


class ProblemsOut(Schema):
    total: int
    completed: int  # 已完成整改: completed + signed off
    signed_off: int
    on_schedule: int  # including ahead of schedule
    ahead_of_schedule: int
    behind_schedule: int
    not_started: int
    overdue: int
    open: int


class StatusCount(Schema):
    key: str
    label: str
    n: int


class CategoryCount(Schema):
    name: str
    total: int
    completed: int
    open: int


class Warnings(Schema):
    red: int
    yellow: int
    blue: int


class WarnedProblem(Schema):
    id: int
    inspection: str
    number: str
    title: str
    colour: str
    colour_label: str
    status: str
    status_label: str
    region: str
    lead_unit: str
    deadline: date | None
    url: str


class TypeCount(Schema):
    name: str
    received: int
    closed: int


class PrefectureComplaints(Schema):
    code: str
    name: str
    received: int
    closed: int
    closure_rate: float


class ComplaintsOut(Schema):
    received: int
    closed: int  # 已办结
    closed_stage: int  # 阶段性办结
    in_progress: int
    closure_rate: float  # 办结率: closed over received, 0..1
    by_pollution_type: list[TypeCount]
    by_prefecture: list[PrefectureComplaints]


class BurnupPoint(Schema):
    date: date
    total: int
    completed: int


class MapCounts(Schema):
    total: int
    completed: int
    open: int
    red: int
    yellow: int
    blue: int
    warnings: int


class MapRegion(MapCounts):
    code: str
    name: str
    short_name: str
    kind: str
    point: list[float] | None  # [longitude, latitude] of a region drawn as a point
    url: str | None  # the ledger filtered by this region and date, when the caller may


class MapOut(Schema):
    regions: list[MapRegion]
    elsewhere: MapCounts  # problems of the province itself or of departments


class DashboardOut(Schema):
    as_of: date
    today: date
    inspection: str | None
    inspections: list[InspectionRef]
    timeline: list[date]  # the slider's stops: month ends up to today
    problems: ProblemsOut
    status: list[StatusCount]
    categories: list[CategoryCount]
    warnings: Warnings
    warning_list: list[WarnedProblem]
    complaints: ComplaintsOut
    burnup: list[BurnupPoint]
    map: MapOut
    ledger: dict[str, str]  # ledger links by figure key (all, overdue, red, …)


@router.get(
    "/dashboard",
    response={200: DashboardOut, **READ_ERRORS},
    url_name="dashboard",
    summary="The leader dashboard's figures as of a date (caller's scope)",
)
def get_dashboard(request: HttpRequest, as_of: date | None = None, inspection: str | None = None):
    user = request.auth
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise PermissionDenied
    today = timezone.localdate()
    d = as_of or today
    if d > today:
        raise ValidationError({"as_of": _("The date cannot be later than today.")})
    try:
        selection = dashboard.select(user, inspection)
    except Inspection.DoesNotExist as exc:
        raise Http404 from exc
    return dashboard.dashboard_figures(user, d, selection, today=today)

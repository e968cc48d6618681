"""The public portal's problem lists: every inspection's problems with their status as of
today, and a page per problem.

Public fields only, chosen here and nowhere else: rows are built as plain dicts from an
explicit column list (`public_problems` loads nothing else), so a template or an export
cannot reach the responsible leader or person, event notes, evidence, progress percents or
warning colours. The open-data downloads (opendata_views) use the same rows.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.orgs.models import Org, OrgKind
from rectify.portal.ratelimit import rate_limited
from rectify.problems import asof
from rectify.problems.excel.labels import STATUS_LABELS
from rectify.problems.models import Inspection, Problem
from rectify.problems.states import ON_SCHEDULE_STATUSES, DeadlineKind, Status
from rectify.signoff.queries import published_notices

PAGE_SIZE = 50
PREFECTURE_KINDS = (OrgKind.PREFECTURE, OrgKind.NEW_AREA)
# The words offices publish (open data is always in Chinese, whatever the page language).
DEADLINE_KIND_ZH = {
    DeadlineKind.BY_DATE: "按期",
    DeadlineKind.IMMEDIATE: "立行立改",
    DeadlineKind.ONGOING: "长期坚持",
}
# The only Problem columns the portal ever loads (plus the as-of annotations).
PUBLIC_COLUMNS = (
    "id",
    "inspection__code",
    "inspection__name",
    "number",
    "sort_key",
    "title",
    "category__name",
    "region__code",
    "region__name",
    "region__path",
    "lead_unit__name",
    "deadline_kind",
    "original_deadline",
)


@dataclass(frozen=True)
class Field:
    """A column of the public problem list: key, the Chinese CSV header, what it means."""

    key: str
    zh: str
    description: Any


PROBLEM_FIELDS = [
    Field("inspection", "督察", _("Code of the inspection (e.g. central-2018-lookback).")),
    Field("number", "问题编号", _("The problem's number within the inspection.")),
    Field("title", "问题", _("The problem as stated in the feedback opinion.")),
    Field("category", "问题类别", _("Category of the problem.")),
    Field("region", "行政区域", _("Region where the problem lies.")),
    Field("region_code", "区划代码", _("Administrative division code of the region.")),
    Field("lead_unit", "牵头单位", _("Unit leading the rectification.")),
    Field(
        "deadline_kind",
        "时限类型",
        _("按期 (by a date), 立行立改 (at once) or 长期坚持 (ongoing)."),
    ),
    Field(
        "deadline",
        "整改时限",
        _("Deadline in force (YYYY-MM-DD), after approved extensions; empty when ongoing."),
    ),
    Field("original_deadline", "原定整改时限", _("Deadline first set (YYYY-MM-DD).")),
    Field("status", "状态代码", _("Status code, one of the codes listed below.")),
    Field("status_label", "整改状态", _("Status as offices write it (e.g. 达到序时进度).")),
    Field("signed_off", "是否销号", _("Whether the problem has been signed off (是 / 否).")),
    Field("as_of", "状态日期", _("Date the status was evaluated for (YYYY-MM-DD).")),
]


def _day(day_number: int | None) -> date | None:
    return date.fromordinal(day_number) if day_number else None


def prefectures() -> QuerySet[Org]:
    """The 9 prefectures and 贵安新区, in code order (the portal's region filter)."""
    return Org.objects.filter(kind__in=PREFECTURE_KINDS, is_active=True).order_by("code")


def _region_labels() -> dict[str, str]:
    """Prefecture short names by code, to write a county as "遵义市播州区"."""
    return {o.code: o.name for o in prefectures()}


def region_label(path: str, name: str, labels: dict[str, str]) -> str:
    """A region's public name: a county gets its prefecture's name in front."""
    codes = path.strip("/").split("/")
    above = [labels[c] for c in codes[:-1] if c in labels]
    return "".join(above) + name


def public_inspections(today: date) -> list[dict[str, Any]]:
    """Inspections with problems on the ledger today, with their status counts (one query)."""
    counts = asof.breakdown(Problem.objects.all(), today, "inspection")
    rows = []
    for inspection in Inspection.objects.filter(code__in=list(counts)).select_related("parent"):
        by_status = counts[inspection.code]
        rows.append(
            {
                "inspection": inspection,
                "total": sum(by_status.values()),
                "completed": by_status[Status.COMPLETED] + by_status[Status.SIGNED_OFF],
                "signed_off": by_status[Status.SIGNED_OFF],
                "open": sum(by_status.values())
                - by_status[Status.COMPLETED]
                - by_status[Status.SIGNED_OFF],
            }
        )
    return rows


def public_inspection(code: str, today: date) -> Inspection:
    """The inspection if it has problems on the ledger today, else Http404."""
    inspection = Inspection.objects.filter(code=code).first()
    if inspection is None or not asof.listed_by(inspection.problems.all(), today).exists():
        raise Http404
    return inspection


def public_problems(
    today: date,
    *,
    inspection: Inspection | None = None,
    prefecture: Org | None = None,
    status: str | None = None,
) -> QuerySet[Problem]:
    """Problems on the ledger today with their as-of status, as dicts of public columns."""
    qs = Problem.objects.all()
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if prefecture is not None:
        qs = qs.filter(region__path__startswith=prefecture.path)
    qs = asof.as_of(qs, today)
    if status == Status.ON_SCHEDULE:
        qs = qs.filter(asof_status__in=[s.value for s in ON_SCHEDULE_STATUSES])
    elif status:
        qs = qs.filter(asof_status=status)
    return qs.order_by("inspection__code", "sort_key", "number", "id").values(
        *PUBLIC_COLUMNS, "asof_status", "asof_deadline_day"
    )


def public_row(values: dict[str, Any], today: date, labels: dict[str, str]) -> dict[str, Any]:
    """One problem as the public sees it, keyed by PROBLEM_FIELDS (plus `id`)."""
    kind = values["deadline_kind"]
    deadline = None if kind == DeadlineKind.ONGOING else _day(values["asof_deadline_day"])
    status = values["asof_status"]
    return {
        "id": values["id"],
        "inspection": values["inspection__code"],
        "number": values["number"],
        "title": values["title"],
        "category": values["category__name"] or "",
        "region": region_label(values["region__path"], values["region__name"], labels),
        "region_code": values["region__code"],
        "lead_unit": values["lead_unit__name"],
        "deadline_kind": DEADLINE_KIND_ZH.get(kind, ""),
        "deadline": deadline,
        "original_deadline": values["original_deadline"],
        "status": status,
        "status_label": STATUS_LABELS.get(status, ""),
        "signed_off": status == Status.SIGNED_OFF,
        "as_of": today,
    }


def public_rows(qs, today: date):
    """Yield public_row for every problem of `qs` (from public_problems)."""
    labels = _region_labels()
    for values in qs.iterator(chunk_size=500):
        yield public_row(values, today, labels)


class ProblemFilter(forms.Form):
    region = forms.ChoiceField(label=_("Prefecture"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All prefectures"))] + [
            (o.code, o.name) for o in prefectures()
        ]
        self.fields["status"].choices = [("", _("All statuses")), *Status.choices]

    def values(self) -> tuple[Org | None, str | None]:
        """(prefecture, status) chosen; an invalid choice filters nothing (and shows why)."""
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
        data = getattr(self, "cleaned_data", {})
        code = data.get("region")
        prefecture = prefectures().filter(code=code).first() if code else None
        return prefecture, data.get("status") or None


def _notice_links(problem_ids: list[int], today: date) -> dict[int, int]:
    """The latest published sign-off notice of each problem: {problem id: application id}."""
    links: dict[int, int] = {}
    for problem_id, pk in (
        published_notices(today)
        .filter(problem_id__in=problem_ids)
        .order_by("problem_id", "notice_start", "pk")
        .values_list("problem_id", "pk")
    ):
        links[problem_id] = pk
    return links


@rate_limited(per_minute=60, scope="portal")
def inspection_list(request):
    today = timezone.localdate()
    return render(
        request,
        "portal/problems/inspections.html",
        {"inspections": public_inspections(today), "today": today},
    )


@rate_limited(per_minute=60, scope="portal")
def problem_list(request, code: str):
    today = timezone.localdate()
    inspection = public_inspection(code, today)
    form = ProblemFilter(request.GET)
    prefecture, status = form.values()
    page = Paginator(
        public_problems(today, inspection=inspection, prefecture=prefecture, status=status),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    labels = _region_labels()
    rows = [public_row(v, today, labels) for v in page]
    notices = _notice_links([r["id"] for r in rows], today)
    for row in rows:
        row["notice"] = notices.get(row["id"])
    counts = asof.status_counts(inspection.problems.all(), today)
    summary = [
        {"key": s.value, "label": s.label, "n": counts[s.value]} for s in Status if counts[s.value]
    ]
    return render(
        request,
        "portal/problems/list.html",
        {
            "inspection": inspection,
            "today": today,
            "form": form,
            "page": page,
            "rows": rows,
            "summary": summary,
            "total": sum(counts.values()),
            "filtered": prefecture is not None or status is not None,
        },
    )


@rate_limited(per_minute=60, scope="portal")
def problem_detail(request, pk: int):
    today = timezone.localdate()
    values = public_problems(today).filter(pk=pk).first()
    if values is None:
        raise Http404
    row = public_row(values, today, _region_labels())
    kind = values["deadline_kind"]
    deadline_kind = "" if kind == DeadlineKind.BY_DATE else DeadlineKind(kind).label
    problem = Problem.objects.only("id", "description", "target", "aspect__name").select_related(
        "aspect"
    )
    problem = problem.get(pk=pk)
    measures = [
        {
            "seq": m.seq,
            "text": m.text,
            "unit": m.responsible_unit.name if m.responsible_unit_id else "",
            "due": m.due_date,
        }
        for m in problem.measures.select_related("responsible_unit").order_by("seq")
    ]
    cooperating = list(
        problem.cooperating_units.order_by("path").values_list("name", flat=True).distinct()
    )
    notice = (
        published_notices(today)
        .filter(problem_id=pk)
        .order_by("-notice_start", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return render(
        request,
        "portal/problems/detail.html",
        {
            "row": row,
            "inspection_name": values["inspection__name"],
            "description": problem.description,
            "target": problem.target,
            "aspect": problem.aspect.name if problem.aspect_id else "",
            "cooperating": cooperating,
            "measures": measures,
            "deadline_kind": deadline_kind,
            "notice": notice,
            "today": today,
        },
    )

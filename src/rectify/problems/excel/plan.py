"""Comparing rows with the ledger: what to create, update and append, and the conflicts."""

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _

from rectify.problems.actions import PROBLEM_FIELDS
from rectify.problems.excel.headers import name_key
from rectify.problems.excel.labels import Declared
from rectify.problems.excel.rows import DONE, EventSpec, Row
from rectify.problems.models import Inspection, Measure, Milestone, Problem, StatusEvent
from rectify.problems.states import COMPLETION_KINDS, DeadlineKind, EventKind, Source

FIELD_COLUMNS = {
    "number": "number",
    "title": "title",
    "lead_unit": "lead_unit",
    "region": "region",
    "deadline_kind": "deadline",
    "original_deadline": "deadline",
    "start_date": "start_date",
    "warning_days": "warning_days",
    "longitude": "longitude",
    "milestones": "milestones",
    "measures": "measures",
}
# The order of events of one problem on one day.
EVENT_ORDER = {
    EventKind.DEADLINE_CHANGED: 0,
    EventKind.PROGRESS: 1,
    EventKind.BASICALLY_DONE: 2,
    EventKind.ACCEPTED: 3,
    EventKind.SIGNED_OFF: 4,
}


class Existing:
    """Cooperating units, measures, milestones and events of an inspection's problems (bulk)."""

    def __init__(self, inspection: Inspection | None):
        self.coop: dict[int, list[int]] = defaultdict(list)
        self.measures: dict[int, list[Measure]] = defaultdict(list)
        self.milestones: dict[int, list[tuple[date, int]]] = defaultdict(list)
        # (kind, effective date, percent, new deadline, id) in the order they took effect
        self.events: dict[int, list[tuple]] = defaultdict(list)
        if inspection is None:
            return
        ids = Problem.objects.filter(inspection=inspection).values("pk")
        through = Problem.cooperating_units.through
        for pid, oid in through.objects.filter(problem_id__in=ids).values_list(
            "problem_id", "org_id"
        ):
            self.coop[pid].append(oid)
        for m in Measure.objects.filter(problem_id__in=ids).order_by("problem_id", "seq"):
            self.measures[m.problem_id].append(m)
        for pid, d, p in (
            Milestone.objects.filter(problem_id__in=ids)
            .order_by("problem_id", "date")
            .values_list("problem_id", "date", "percent")
        ):
            self.milestones[pid].append((d, p))
        for pid, kind, d, p, nd, pk in (
            StatusEvent.objects.filter(problem_id__in=ids)
            .order_by("problem_id", "day", "id")
            .values_list("problem_id", "kind", "effective_date", "percent", "new_deadline", "id")
        ):
            self.events[pid].append((kind, d, p, nd, pk))


def merged_data(row: Row, problem: Problem | None, inspection: Inspection, children) -> dict:
    """The problem's fields after this row: the file's where given, else the ledger's."""
    if problem is None:
        data = {
            "inspection": inspection,
            "start_date": inspection.feedback_date,
            "warning_days": 30,
            "source": Source.FEEDBACK,
        }
    else:
        # FKs as ids (attname): touching the related objects would cost a query each.
        data = {k: getattr(problem, ATTNAMES.get(k, k)) for k in PROBLEM_FIELDS}
        data["inspection"] = inspection
        data["milestones"] = [
            {"date": d, "percent": p} for d, p in children.milestones.get(problem.pk, [])
        ]
    # An empty cell clears these; elsewhere None means "not given" (a default applies).
    clearable = ("category", "longitude", "latitude")
    data.update({k: v for k, v in row.data.items() if v is not None or k in clearable})
    if row.data.get("start_date") is None and problem is None:
        data["start_date"] = inspection.feedback_date
    if (
        data.get("deadline_kind") == DeadlineKind.IMMEDIATE
        and data.get("original_deadline") is None
    ):
        data["original_deadline"] = data.get("start_date")
        row.defaulted.add("immediate_deadline")
    data.setdefault("longitude", None)
    data.setdefault("latitude", None)
    return data


def deadline_unchanged(reader, row: Row, problem: Problem, data: dict, children, as_of) -> bool:
    """Deadlines of existing problems move only by an approved extension request."""
    ok = True
    if (data["deadline_kind"], data["original_deadline"]) != (
        problem.deadline_kind,
        problem.original_deadline,
    ):
        reader.error(
            row.row,
            "deadline",
            _(
                "The ledger has the deadline %(ledger)s for this problem; a deadline changes "
                "only through an extension request."
            )
            % {"ledger": problem.original_deadline or problem.get_deadline_kind_display()},
        )
        ok = False
    extensions = [
        nd
        for k, w, _p, nd, _pk in children.events.get(problem.pk, [])
        if k == EventKind.DEADLINE_CHANGED and w <= as_of
    ]
    current = extensions[-1] if extensions else None
    if reader.has("extended_deadline") and row.extended_deadline != current:
        reader.error(
            row.row,
            "extended_deadline",
            _("The ledger has %(ledger)s as the extended deadline; extend it in the ledger.")
            % {"ledger": current or "—"},
        )
        ok = False
    return ok


def plan_events(reader, row: Row, data, problem, children, as_of) -> list[EventSpec] | None:
    """The events to append so that the ledger says what the row says; None on error."""
    err = reader.error
    before = len(reader.errors)
    start = data["start_date"]
    history = children.events.get(problem.pk, []) if problem is not None else []

    def completion_on(d: date) -> tuple[str | None, date | None]:
        latest = None
        for kind, when, *_rest in history:
            if kind in COMPLETION_KINDS and when <= d:
                latest = (kind, when)
        if latest is None or latest[0] == EventKind.REOPENED:
            return None, None
        return latest

    def accepted_date(d: date) -> date | None:
        dates = [w for k, w, *_rest in history if k == EventKind.ACCEPTED and w <= d]
        return dates[-1] if dates else None

    def check_date(d: date | None, key: str) -> None:
        if d is None:
            return
        column = key if key not in row.defaulted else "status"
        if d < start:
            err(
                row.row,
                column,
                _("%(date)s is before the problem's plan starts (%(start)s).")
                % {"date": d, "start": start},
            )
        elif d > as_of:
            err(
                row.row,
                column,
                _("%(date)s is after the as-of date of the file (%(as_of)s).")
                % {"date": d, "as_of": as_of},
            )

    check_date(row.done_date, "done_date")
    check_date(row.signoff_date, "signoff_date")
    check_date(row.progress_date, "progress_date")
    if row.signoff_date and row.done_date and row.signoff_date < row.done_date:
        err(row.row, "signoff_date", _("The sign-off date is before the completion date."))
    if row.declared in DONE and row.progress_date and row.progress_date > row.done_date:
        err(row.row, "progress_date", _("The progress date is after the completion date."))
    if len(reader.errors) > before:
        return None

    events: list[EventSpec] = []
    db_kind, db_when = completion_on(as_of)
    declared = row.declared
    if problem is None and row.extended_deadline is not None:
        original = data["original_deadline"]
        if original is None or row.extended_deadline <= original:
            err(row.row, "extended_deadline", _("The extended deadline is not after the deadline."))
        else:
            effective = max(start, min(original, as_of))
            events.append(
                EventSpec(EventKind.DEADLINE_CHANGED, effective, new_deadline=row.extended_deadline)
            )
    if db_kind is not None and declared not in DONE:
        err(
            row.row,
            "status",
            _(
                "The ledger has this problem as completed on %(date)s; the file says "
                "%(label)s. A rebound is recorded in the ledger, not by import."
            )
            % {"date": db_when, "label": row.label or "—"},
        )
        return None
    if declared in DONE:
        db_accepted = accepted_date(as_of) if db_kind else None
        explicit_done = "done_date" not in row.defaulted
        if db_kind == EventKind.SIGNED_OFF and declared == Declared.ACCEPTED:
            err(
                row.row,
                "status",
                _("The ledger has this problem as signed off on %(date)s.") % {"date": db_when},
            )
        elif db_kind is not None and explicit_done and db_accepted != row.done_date:
            err(
                row.row,
                "done_date",
                _("The ledger has the acceptance on %(date)s.") % {"date": db_accepted},
            )
        elif db_kind == EventKind.SIGNED_OFF:
            if "signoff_date" not in row.defaulted and db_when != row.signoff_date:
                err(
                    row.row,
                    "signoff_date",
                    _("The ledger has the sign-off on %(date)s.") % {"date": db_when},
                )
        elif db_accepted and row.signoff_date and row.signoff_date < db_accepted:
            err(
                row.row,
                "signoff_date",
                _("The ledger has the acceptance on %(date)s, after this sign-off date.")
                % {"date": db_accepted},
            )
        else:
            if db_kind is None:
                events.append(EventSpec(EventKind.ACCEPTED, row.done_date))
            if declared == Declared.SIGNED_OFF:
                events.append(EventSpec(EventKind.SIGNED_OFF, row.signoff_date))
    if declared == Declared.BASICALLY_DONE and not any(
        k == EventKind.BASICALLY_DONE for k, *_rest in history
    ):
        events.append(EventSpec(EventKind.BASICALLY_DONE, row.done_date))
    if row.percent is not None:
        progress = [(w, p) for k, w, p, *_rest in history if k == EventKind.PROGRESS]
        latest = [p for w, p in progress if w <= as_of][-1:] or [None]
        same = (row.progress_date, row.percent) in progress or (
            "progress_date" in row.defaulted and latest[0] == row.percent
        )
        if not same:
            kind_then, when_then = completion_on(row.progress_date)
            if kind_then is not None:
                err(
                    row.row,
                    "progress_date",
                    _("The ledger has this problem as completed on %(date)s already.")
                    % {"date": when_then},
                )
            else:
                events.append(EventSpec(EventKind.PROGRESS, row.progress_date, row.percent))
    if len(reader.errors) > before:
        return None
    events.sort(key=lambda e: (e.effective_date, EVENT_ORDER[e.kind]))
    if events and row.progress_text:
        events[-1].note = row.progress_text
    return events


def differs(problem: Problem, data: dict, row: Row, children: Existing, aspect_names) -> bool:
    for key in row.data:
        if key in ("measures", "milestones"):
            continue
        current = getattr(problem, f"{key}_id" if key in FKS else key)
        if key in data and data[key] != current:
            return True
    if row.aspect_name is not None and name_key(
        aspect_names.get(problem.aspect_id, "")
    ) != name_key(row.aspect_name):
        return True
    if row.coop is not None and sorted(row.coop) != sorted(children.coop.get(problem.pk, [])):
        return True
    if row.measures is not None and row.measures != [
        m.text for m in children.measures.get(problem.pk, [])
    ]:
        return True
    return row.milestones is not None and row.milestones != children.milestones.get(problem.pk, [])


FKS = ("aspect", "category", "region", "lead_unit")
ATTNAMES = {fk: f"{fk}_id" for fk in (*FKS, "inspection")}

"""Read side of warnings (三色预警): colours as of a date, colour changes between two dates,
recorded-warning changes for `rectify warnings`, and escalation proposals.

Colours come only from `asof.annotate_as_of`; the days and reason shown next to a colour come
from `actions.warning_days_and_reason` (the same numbers `rectify warnings` records). Nothing
here writes. Callers pass a queryset that is already scoped (`queries.visible_problems`).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from rectify.orgs.models import Org
from rectify.problems import asof
from rectify.problems.actions import warning_days_and_reason
from rectify.problems.models import Inspection, Milestone, Problem, WarningRecord
from rectify.problems.states import Colour, Status

COLOUR_ORDER = (Colour.RED.value, Colour.YELLOW.value, Colour.BLUE.value)
NO_COLOUR = ""

# Escalation rules (office-formats.md, "Three-colour supervision"): yellow warnings in two
# different months propose a supervision letter; any red warning proposes an interview of the
# lead unit's principal. The later oversight issue acts on these proposals.
LETTER = "letter"
INTERVIEW = "interview"
PROPOSAL_LABELS = {
    LETTER: _("Supervision letter"),
    INTERVIEW: _("Interview of the unit's principal"),
}


def first_of_previous_month(d: date) -> date:
    """Default start of the "changed colour since" comparison (dispatch periods come later)."""
    return (d.replace(day=1) - timedelta(days=1)).replace(day=1)


def colour_label(colour: str) -> str:
    return str(Colour(colour).label) if colour else str(_("No warning"))


def filter_problems(
    qs: QuerySet[Problem],
    *,
    prefecture: Org | None = None,
    lead_unit: Org | None = None,
    inspection: Inspection | None = None,
) -> QuerySet[Problem]:
    """Narrow problems to a prefecture's region subtree, one lead unit, one inspection."""
    if prefecture is not None:
        qs = qs.filter(region__path__startswith=prefecture.path)
    if lead_unit is not None:
        qs = qs.filter(lead_unit=lead_unit)
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return qs


def _rank(colour: str) -> int:
    return COLOUR_ORDER.index(colour) if colour in COLOUR_ORDER else len(COLOUR_ORDER)


# Evaluating `asof_colour` costs several times `asof_status` (the colour rule refers to the
# status more than once and SQL repeats the whole status expression each time). So each
# date is evaluated in one pass that selects the colour once, over the scoped problems; no
# SQL filter or sort repeats the colour expression. Grouping and sorting those few small
# tuples is done here.
def colours_on(qs: QuerySet[Problem], as_of_date: date) -> dict[int, str]:
    """{problem id: colour} of the problems with a warning colour on the date (one query)."""
    rows = asof.as_of(qs, as_of_date).order_by().values_list("pk", "asof_colour")
    return {pk: colour for pk, colour in rows if colour}


@dataclass
class WarningIndex:
    """The warned problems of a scope on a date: ids in display order and counts by colour."""

    as_of: date
    order: list[int]  # red, yellow, blue; within a colour the earliest deadline first
    colour_of: dict[int, str]
    counts: dict[str, int]

    def ids(self, colour: str = "") -> list[int]:
        return [pk for pk in self.order if not colour or self.colour_of[pk] == colour]


def warning_index(qs: QuerySet[Problem], as_of_date: date) -> WarningIndex:
    rows = (
        asof.as_of(qs, as_of_date)
        .order_by()
        .values_list(
            "pk", "asof_colour", "asof_deadline_day", "inspection_id", "sort_key", "number"
        )
    )
    warned = [r for r in rows if r[1]]
    # The earliest deadline first: the most overdue red, the nearest blue.
    warned.sort(key=lambda r: (_rank(r[1]), r[2] if r[2] is not None else 10**9, *r[3:]))
    counts = dict.fromkeys(COLOUR_ORDER, 0)
    for r in warned:
        counts[r[1]] += 1
    return WarningIndex(
        as_of=as_of_date,
        order=[r[0] for r in warned],
        colour_of={r[0]: r[1] for r in warned},
        counts=counts,
    )


def annotated(ids: list[int], as_of_date: date) -> list[Problem]:
    """The problems `ids` (a page), with their as-of state and milestones, in that order."""
    qs = asof.as_of(Problem.objects.filter(pk__in=ids), as_of_date).select_related(
        "inspection", "lead_unit", "region"
    )
    qs = qs.prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("date")))
    by_pk = {p.pk: p for p in qs}
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclass(frozen=True)
class WarningRow:
    problem: Problem
    colour: str
    days: int
    reason: str

    @property
    def colour_label(self) -> str:
        return colour_label(self.colour)

    @property
    def days_kind(self) -> str:
        """What `days` counts: "overdue", "behind", "left", or "" (red for criticism)."""
        if self.colour == Colour.RED:
            return "overdue" if self.problem.asof_status == Status.OVERDUE else ""
        return "behind" if self.colour == Colour.YELLOW else "left"


def warning_rows(ids: list[int], as_of_date: date) -> list[WarningRow]:
    """Colour, days overdue / behind / left and the reason for a page of warned problems."""
    rows = []
    for p in annotated(ids, as_of_date):
        days, reason = warning_days_and_reason(p, as_of_date)
        rows.append(WarningRow(problem=p, colour=p.asof_colour, days=days, reason=reason))
    return rows


@dataclass(frozen=True)
class ColourChange:
    problem: Problem
    before: str  # "" = no warning
    after: str

    @property
    def before_label(self) -> str:
        return colour_label(self.before)

    @property
    def after_label(self) -> str:
        return colour_label(self.after)


@dataclass
class ColourChanges:
    since: date
    as_of: date
    total: int
    transitions: list[dict]  # {"before", "after", "label", "n"}, by colour of `after`
    rows: list[ColourChange]  # the first `limit` changes


def colour_changes(
    qs: QuerySet[Problem],
    since: date,
    as_of_date: date,
    *,
    after: dict[int, str] | None = None,
    limit: int | None = None,
) -> ColourChanges:
    """Problems whose colour on `since` differs from their colour on `as_of_date`.

    `after` may pass the colours on `as_of_date` when the caller has them already.
    """
    before = colours_on(qs, since)
    if after is None:
        after = colours_on(qs, as_of_date)
    changed = {
        pk: (before.get(pk, NO_COLOUR), after.get(pk, NO_COLOUR))
        for pk in before.keys() | after.keys()
        if before.get(pk, NO_COLOUR) != after.get(pk, NO_COLOUR)
    }
    counts = Counter(changed.values())
    transitions = [
        {"before": b, "after": a, "label": transition_label(b, a), "n": n}
        for (b, a), n in sorted(counts.items(), key=lambda x: (_rank(x[0][1]), _rank(x[0][0])))
    ]
    order = sorted(changed, key=lambda pk: (_rank(changed[pk][1]), _rank(changed[pk][0]), pk))
    shown = order if limit is None else order[:limit]
    problems = Problem.objects.filter(pk__in=shown).select_related("inspection", "lead_unit")
    rows = [ColourChange(p, *changed[p.pk]) for p in problems]
    rows.sort(
        key=lambda r: (
            _rank(r.after),
            _rank(r.before),
            r.problem.inspection_id,
            r.problem.sort_key,
            r.problem.number,
        )
    )
    return ColourChanges(
        since=since, as_of=as_of_date, total=len(changed), transitions=transitions, rows=rows
    )


def transition_label(before: str, after: str) -> str:
    return f"{colour_label(before)} → {colour_label(after)}"


# --- recorded warnings (what `rectify warnings` wrote) -------------------------------------


def previous_recorded_date(before: date) -> date | None:
    """The latest date before `before` for which warnings were recorded."""
    return (
        WarningRecord.objects.filter(effective_date__lt=before)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )


def recorded_changes(earlier: date, later: date) -> list[tuple[Problem, str, str]]:
    """(problem, colour on `earlier`, colour on `later`) for recorded colours that differ.

    A problem without a record on a date had no colour then. Only coloured problems have
    records, so both sides are the (small) warned sets, not the whole ledger.
    """
    a = dict(
        WarningRecord.objects.filter(effective_date=earlier).values_list("problem_id", "colour")
    )
    b = dict(WarningRecord.objects.filter(effective_date=later).values_list("problem_id", "colour"))
    changed = {
        pk: (a.get(pk, NO_COLOUR), b.get(pk, NO_COLOUR))
        for pk in a.keys() | b.keys()
        if a.get(pk, NO_COLOUR) != b.get(pk, NO_COLOUR)
    }
    problems = Problem.objects.filter(pk__in=changed).select_related("inspection")
    return [(p, *changed[p.pk]) for p in problems.order_by("inspection_id", "sort_key", "number")]


# --- escalation proposals -------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    problem: Problem
    kind: str  # LETTER or INTERVIEW
    triggered_on: date
    yellow_months: int
    red_days: int
    last_warned_on: date | None
    last_colour: str

    @property
    def label(self) -> str:
        return str(PROPOSAL_LABELS[self.kind])

    @property
    def last_colour_label(self) -> str:
        return colour_label(self.last_colour)


def _year_month():
    return ExtractYear("effective_date") * 12 + ExtractMonth("effective_date")


def escalation_proposals(
    qs: QuerySet[Problem],
    as_of_date: date,
    *,
    since: date | None = None,
    kind: str = "",
) -> list[Proposal]:
    """Proposals from warnings recorded up to `as_of_date` (triggered on or after `since`).

    A letter is triggered on the first yellow record of the second month with a yellow
    record; an interview on the first red record. Computed per problem in SQL; only the
    problems with a proposal are loaded.
    """
    records = WarningRecord.objects.filter(problem=OuterRef("pk"), effective_date__lte=as_of_date)
    yellow = records.filter(colour=Colour.YELLOW).annotate(ym=_year_month())
    red = records.filter(colour=Colour.RED)
    # Only problems ever warned yellow or red can have a proposal: the per-problem
    # subqueries below then run on those rows only.
    warned = WarningRecord.objects.filter(
        colour__in=(Colour.YELLOW, Colour.RED), effective_date__lte=as_of_date
    ).values("problem_id")
    rows = (
        qs.filter(pk__in=warned)
        .annotate(
            first_yellow_ym=Subquery(yellow.order_by("effective_date").values("ym")[:1]),
            red_on=Subquery(red.order_by("effective_date").values("effective_date")[:1]),
            red_days=Coalesce(
                Subquery(
                    red.order_by().values("problem").annotate(n=Count("id")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            yellow_months=Coalesce(
                Subquery(
                    yellow.order_by()
                    .values("problem")
                    .annotate(n=Count("ym", distinct=True))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_warned_on=Subquery(
                records.order_by("-effective_date").values("effective_date")[:1]
            ),
            last_colour=Subquery(records.order_by("-effective_date").values("colour")[:1]),
        )
        .annotate(
            letter_on=Subquery(
                yellow.filter(ym__gt=OuterRef("first_yellow_ym"))
                .order_by("effective_date")
                .values("effective_date")[:1]
            ),
        )
    )
    wanted = Q()
    if kind in ("", LETTER):
        wanted |= Q(letter_on__isnull=False) & _since(since, "letter_on")
    if kind in ("", INTERVIEW):
        wanted |= Q(red_on__isnull=False) & _since(since, "red_on")
    rows = rows.filter(wanted).select_related("inspection", "lead_unit", "region")
    proposals = []
    for p in rows:
        common = {
            "problem": p,
            "yellow_months": p.yellow_months,
            "red_days": p.red_days,
            "last_warned_on": p.last_warned_on,
            "last_colour": p.last_colour or NO_COLOUR,
        }
        if p.letter_on and kind in ("", LETTER) and (since is None or p.letter_on >= since):
            proposals.append(Proposal(kind=LETTER, triggered_on=p.letter_on, **common))
        if p.red_on and kind in ("", INTERVIEW) and (since is None or p.red_on >= since):
            proposals.append(Proposal(kind=INTERVIEW, triggered_on=p.red_on, **common))
    proposals.sort(
        key=lambda x: (
            -x.triggered_on.toordinal(),
            x.kind,
            x.problem.inspection_id,
            x.problem.sort_key,
        )
    )
    return proposals


def _since(since: date | None, field: str) -> Q:
    return Q(**{f"{field}__gte": since}) if since is not None else Q()

"""Oversight figures as of a date, in SQL aggregates: what the disclosure reports about
accountability, supervision, meetings, battle teams and responsibility letters.

Every function takes the inspections (codes, ids or Inspection rows; with
`followups=True` their follow-up inspections too, through Inspection.parent) and a date D,
and returns plain dicts. Only what had taken effect by D counts:
  a case                      its received date (移交 / opened) ≤ D;
  a held organisation/person  its own decision date, or else its case's, ≤ D (a row
                              without either is not decided yet and never counts);
  a supervision action        its date ≤ D; a meeting its date ≤ D;
  a battle team               formed (period start) ≤ D;
  a responsibility letter     signed ≤ D.
Persons are distinct people (HeldPerson.person_key); person-times (人次) count sanctions.
`by_rank` and `by_org_kind` count persons; `by_sanction` counts person-times, so a person
sanctioned twice appears under both classes. Rank and sanction labels are the JSON keys.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from rectify.orgs.models import OrgKind
from rectify.oversight.models import (
    AccountabilityCase,
    BattleTeam,
    Finding,
    HeldOrganization,
    HeldPerson,
    Meeting,
    MeetingKind,
    Rank,
    ResponsibilityLetter,
    SanctionClass,
    SupervisionAction,
    TeamListing,
    TeamVisit,
)
from rectify.oversight.states import UNKNOWN_ORG_KIND, ActionKind, CaseSource
from rectify.problems.models import Inspection

# Keys of the supervision figures, by action kind (the report contract's names).
SUPERVISION_KEYS = {
    ActionKind.LETTER: "letters",
    ActionKind.INTERVIEW: "interviews",
    ActionKind.NOTIFICATION: "notifications",
    ActionKind.SECRET_VISIT: "secret_visits",
    ActionKind.SPOT_CHECK: "spot_checks",
    ActionKind.WARNING_FILM: "warning_films",
}
ORG_KIND_KEYS = [*OrgKind.values, UNKNOWN_ORG_KIND]

InspectionRefs = Inspection | str | int | Iterable[Inspection | str | int]


def inspection_ids(inspections: InspectionRefs, *, followups: bool = False) -> list[int]:
    """Ids of the inspections given by code, id or row; with their follow-ups if asked."""
    if isinstance(inspections, Inspection | str | int):
        inspections = [inspections]
    ids: set[int] = set()
    codes: list[str] = []
    for ref in inspections:
        if isinstance(ref, Inspection):
            ids.add(ref.pk)
        elif isinstance(ref, int):
            ids.add(ref)
        else:
            codes.append(str(ref))
    if codes:
        ids |= set(Inspection.objects.filter(code__in=codes).values_list("pk", flat=True))
    ids = set(Inspection.objects.filter(pk__in=ids).values_list("pk", flat=True))
    frontier = set(ids)
    while followups and frontier:
        children = set(
            Inspection.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - ids
        ids |= frontier
    return sorted(ids)


def _effective(qs: QuerySet, as_of: date) -> QuerySet:
    return qs.annotate(effective=Coalesce("decision_date", "case__decision_date")).filter(
        effective__lte=as_of
    )


def held_persons(ids: list[int], as_of: date) -> QuerySet[HeldPerson]:
    """Sanctions decided by `as_of` in cases of the inspections."""
    return _effective(HeldPerson.objects.filter(case__inspection_id__in=ids), as_of)


def held_organizations(ids: list[int], as_of: date) -> QuerySet[HeldOrganization]:
    return _effective(HeldOrganization.objects.filter(case__inspection_id__in=ids), as_of)


def _org_kind():
    return Coalesce(F("org__kind"), Value(UNKNOWN_ORG_KIND))


def accountability(
    inspections: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, Any]:
    """Cases, organisations, persons and person-times, by rank, sanction and org kind."""
    return _accountability(inspection_ids(inspections, followups=followups), as_of)


def _accountability(ids: list[int], as_of: date) -> dict[str, Any]:
    cases = AccountabilityCase.objects.filter(inspection_id__in=ids, received_date__lte=as_of)
    case_counts = cases.aggregate(
        total=Count("id"),
        transferred=Count("id", filter=Q(source=CaseSource.TRANSFERRED)),
        typical=Count("id", filter=Q(source=CaseSource.TYPICAL)),
        provincial=Count("id", filter=Q(source=CaseSource.PROVINCIAL)),
        decided=Count("id", filter=Q(decision_date__lte=as_of)),
    )
    persons = held_persons(ids, as_of)
    totals = persons.aggregate(persons=Count("person_key", distinct=True), person_times=Count("id"))
    organizations = held_organizations(ids, as_of)
    org_total = organizations.aggregate(n=Count("org_key", distinct=True))["n"]

    by_rank = {r.label: 0 for r in Rank.objects.order_by("sort_order", "code")}
    for row in (
        persons.order_by().values("rank__label").annotate(n=Count("person_key", distinct=True))
    ):
        by_rank[row["rank__label"]] = row["n"]
    by_sanction = {
        s.name: 0 for s in SanctionClass.objects.filter(is_active=True).order_by("sort_order")
    }
    sanction_rows = (
        persons.order_by()
        .values("sanction__name", "sanction__sort_order")
        .annotate(n=Count("id"))
        .order_by("sanction__sort_order")
    )
    for row in sanction_rows:
        by_sanction[row["sanction__name"]] = row["n"]

    by_org_kind = {k: {"organizations": 0, "persons": 0} for k in ORG_KIND_KEYS}
    for row in (
        organizations.order_by()
        .annotate(k=_org_kind())
        .values("k")
        .annotate(n=Count("org_key", distinct=True))
    ):
        by_org_kind[row["k"]]["organizations"] = row["n"]
    for row in (
        persons.order_by()
        .annotate(k=_org_kind())
        .values("k")
        .annotate(n=Count("person_key", distinct=True))
    ):
        by_org_kind[row["k"]]["persons"] = row["n"]
    return {
        "cases": case_counts["total"],
        "cases_transferred": case_counts["transferred"],
        "typical_cases": case_counts["typical"],
        "provincial_cases": case_counts["provincial"],
        "cases_decided": case_counts["decided"],
        "organizations": org_total,
        "persons": totals["persons"],
        "person_times": totals["person_times"],
        "by_rank": by_rank,
        "by_sanction": by_sanction,
        "by_org_kind": {k: v for k, v in by_org_kind.items() if v["organizations"] or v["persons"]},
    }


def supervision(
    inspections: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, int]:
    """Supervision actions by kind taken by `as_of`, with findings and problems they filed."""
    return _supervision(inspection_ids(inspections, followups=followups), as_of)


def _supervision(ids: list[int], as_of: date) -> dict[str, int]:
    counts = dict.fromkeys(SUPERVISION_KEYS.values(), 0)
    rows = (
        SupervisionAction.objects.filter(inspection_id__in=ids, date__lte=as_of)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[SUPERVISION_KEYS[ActionKind(row["kind"])]] = row["n"]
    findings = Finding.objects.filter(
        action__inspection_id__in=ids, action__date__lte=as_of
    ).aggregate(
        findings=Count("id"),
        problems_filed=Count("id", filter=Q(created_problem=True)),
    )
    return {**counts, **findings}


def meetings(
    inspections: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, Any]:
    """Meetings held by `as_of` on the inspections' rectification, in total and by kind."""
    return _meetings(inspection_ids(inspections, followups=followups), as_of)


def _meetings(ids: list[int], as_of: date) -> dict[str, Any]:
    by_kind = {k.name: 0 for k in MeetingKind.objects.filter(is_active=True)}
    rows = (
        Meeting.objects.filter(inspection_id__in=ids, date__lte=as_of)
        .order_by()
        .values("kind__name", "kind__sort_order")
        .annotate(n=Count("id"))
        .order_by("kind__sort_order")
    )
    for row in rows:
        by_kind[row["kind__name"]] = row["n"]
    return {"total": sum(by_kind.values()), "by_kind": by_kind}


def battle_teams(
    inspections: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, int]:
    """Teams formed by `as_of`, problems listed under them and visits recorded."""
    return _battle_teams(inspection_ids(inspections, followups=followups), as_of)


def _battle_teams(ids: list[int], as_of: date) -> dict[str, int]:
    teams = BattleTeam.objects.filter(inspection_id__in=ids, period_start__lte=as_of)
    return {
        "teams": teams.count(),
        "listed_problems": TeamListing.objects.filter(team__in=teams, listed_on__lte=as_of)
        .values("problem_id")
        .distinct()
        .count(),
        "visits": TeamVisit.objects.filter(team__in=teams, date__lte=as_of).count(),
    }


def responsibility_letters(
    inspections: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, Any]:
    """Letters signed by `as_of`, in total and by year."""
    return _responsibility_letters(inspection_ids(inspections, followups=followups), as_of)


def _responsibility_letters(ids: list[int], as_of: date) -> dict[str, Any]:
    rows = (
        ResponsibilityLetter.objects.filter(inspection_id__in=ids, signed_on__lte=as_of)
        .order_by()
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    by_year = {str(r["year"]): r["n"] for r in rows}
    return {"signed": sum(by_year.values()), "by_year": by_year}


def letters_of_year(year: int, letters: QuerySet[ResponsibilityLetter]) -> dict[str, int]:
    """Signed and unsigned letters of a year among `letters` (already scoped)."""
    return letters.filter(year=year).aggregate(
        total=Count("id"), signed=Count("id", filter=Q(signed_on__isnull=False))
    )


def figures(inspections: InspectionRefs, as_of: date, *, followups: bool = False) -> dict:
    """Everything above in one dict (the oversight page and the API)."""
    ids = inspection_ids(inspections, followups=followups)
    return {
        "as_of": as_of,
        "accountability": _accountability(ids, as_of),
        "supervision": _supervision(ids, as_of),
        "meetings": _meetings(ids, as_of),
        "battle_teams": _battle_teams(ids, as_of),
        "responsibility_letters": _responsibility_letters(ids, as_of),
    }


def disclosure_figures(
    inspection: InspectionRefs, as_of: date, *, followups: bool = False
) -> dict[str, Any]:
    """Exactly the keys of the report contract (DESIGN.md) that oversight provides."""
    ids = inspection_ids(inspection, followups=followups)  # once, not once per block
    acc = _accountability(ids, as_of)
    sup = _supervision(ids, as_of)
    meet = _meetings(ids, as_of)
    return {
        "accountability": {
            "cases_transferred": acc["cases_transferred"],
            "organizations": acc["organizations"],
            "persons": acc["persons"],
            "person_times": acc["person_times"],
            "by_rank": acc["by_rank"],
            "by_sanction": acc["by_sanction"],
            "by_org_kind": acc["by_org_kind"],
        },
        "supervision": {key: sup[key] for key in SUPERVISION_KEYS.values()},
        "meetings": meet["total"],
        "meetings_by_kind": meet["by_kind"],
        "battle_teams": _battle_teams(ids, as_of)["teams"],
        "responsibility_letters": _responsibility_letters(ids, as_of)["signed"],
    }

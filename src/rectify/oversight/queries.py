"""Read side of oversight records, always through the caller's scope.

- accountability cases: by the orgs of their held organisations and persons, or the lead
  units of their linked problems;
- supervision actions: by their targeted units;
- meetings: every role with business data;
- battle teams: teams the user is a member of, or whose assigned units are in scope;
- responsibility letters: by the org signed with.
Out of scope answers 404, like missing. Names of held officials leave this module only
through `person_rows`, which drops them for roles that may not see them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rectify.core.scoping import scope_of, scoped
from rectify.oversight.models import (
    AccountabilityCase,
    BattleTeam,
    Document,
    Finding,
    HeldPerson,
    Meeting,
    ResponsibilityLetter,
    SupervisionAction,
    TeamVisit,
)
from rectify.oversight.permissions import can_view, is_member, sees_names
from rectify.problems import watch
from rectify.problems.queries import visible_problems

CASE_SCOPE_FIELDS = ("organizations__org", "persons__org", "problems__lead_unit")
ACTION_SCOPE_FIELDS = ("target_orgs",)
MAX_ID = 2**63 - 1
HIDDEN = "—"


def get_in(qs: QuerySet, pk):
    """The row `pk` of an already scoped queryset, or Http404 (also for malformed ids)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < pk <= MAX_ID:
        raise Http404
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def visible_cases(user) -> QuerySet[AccountabilityCase]:
    if not can_view(user):
        return AccountabilityCase.objects.none()
    qs = AccountabilityCase.objects.select_related("inspection")
    return scoped(qs, user, *CASE_SCOPE_FIELDS)


def access_case(user, pk) -> AccountabilityCase:
    return get_in(visible_cases(user), pk)


def published_cases() -> QuerySet[AccountabilityCase]:
    """Typical cases the office published: what the public may see (never names)."""
    return AccountabilityCase.objects.filter(published=True).select_related("inspection")


def visible_actions(user) -> QuerySet[SupervisionAction]:
    if not can_view(user):
        return SupervisionAction.objects.none()
    qs = SupervisionAction.objects.select_related("inspection", "proposal_problem")
    return scoped(qs, user, *ACTION_SCOPE_FIELDS)


def access_action(user, pk) -> SupervisionAction:
    return get_in(visible_actions(user), pk)


def access_finding(user, pk) -> Finding:
    qs = Finding.objects.select_related("action", "action__inspection", "org", "problem")
    return get_in(qs.filter(action__in=visible_actions(user).values("pk")), pk)


def visible_meetings(user) -> QuerySet[Meeting]:
    if not can_view(user):
        return Meeting.objects.none()
    return Meeting.objects.select_related("kind", "inspection")


def access_meeting(user, pk) -> Meeting:
    return get_in(visible_meetings(user), pk)


def visible_teams(user) -> QuerySet[BattleTeam]:
    if not can_view(user):
        return BattleTeam.objects.none()
    qs = BattleTeam.objects.select_related("inspection")
    if scope_of(user).all:
        return qs
    in_scope = scoped(BattleTeam.objects.all(), user, "assigned_orgs").values("pk")
    membership = BattleTeam.members.through.objects.filter(
        battleteam_id=OuterRef("pk"), user_id=user.pk
    )
    return qs.filter(Q(pk__in=in_scope) | Exists(membership))


def access_team(user, pk) -> BattleTeam:
    return get_in(visible_teams(user), pk)


def team_visits(user, team: BattleTeam) -> QuerySet[TeamVisit]:
    """The team's visits: all of them for province-wide roles and members, else in scope."""
    qs = TeamVisit.objects.filter(team=team).select_related("member", "org", "problem")
    if scope_of(user).all or is_member(user, team):
        return qs
    return scoped(qs, user, "org")


def listed_problems(user, team: BattleTeam):
    """The team's listed problems the user may see, with their listing date."""
    return visible_problems(user).filter(pk__in=team.listings.values("problem_id"))


def visible_letters(user) -> QuerySet[ResponsibilityLetter]:
    if not can_view(user):
        return ResponsibilityLetter.objects.none()
    qs = ResponsibilityLetter.objects.select_related("org", "inspection")
    return scoped(qs, user, "org")


def access_letter(user, pk) -> ResponsibilityLetter:
    return get_in(visible_letters(user), pk)


def access_document(user, pk) -> Document:
    visible = (
        Q(case__in=visible_cases(user).values("pk"))
        | Q(action__in=visible_actions(user).values("pk"))
        | Q(letter__in=visible_letters(user).values("pk"))
        | Q(meeting__in=visible_meetings(user).values("pk"))
        | Q(visit__team__in=visible_teams(user).values("pk"))
    )
    document = get_in(Document.objects.select_related("file").filter(visible), pk)
    if document.visit_id is not None:
        # A unit sees the visits of a team to its own orgs only.
        visit = document.visit
        if not team_visits(user, visit.team).filter(pk=visit.pk).exists():
            raise Http404
    return document


# --- held officials, with or without names ---------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """A held person as shown to one user: name and post are None unless they may see them."""

    id: int
    case_id: int
    name: str | None
    post: str | None
    unit_name: str
    org_code: str | None
    org_name: str | None
    rank: str
    sanction: str
    document_number: str
    decision_date: date | None
    effective_date: date | None
    version: int

    @property
    def shown_name(self) -> str:
        return self.name if self.name is not None else HIDDEN

    @property
    def shown_post(self) -> str:
        return self.post if self.post is not None else HIDDEN


def person_rows(user, persons: QuerySet[HeldPerson]) -> list[PersonRow]:
    """Held persons for display; names and posts are dropped unless the user may see them."""
    names = sees_names(user)
    fields = [
        "id",
        "case_id",
        "case__decision_date",
        "unit_name",
        "org__code",
        "org__name",
        "rank__label",
        "sanction__name",
        "document_number",
        "decision_date",
        "version",
    ]
    if names:
        fields += ["name", "post"]
    rows = []
    for r in persons.order_by("case_id", "id").values(*fields):
        rows.append(
            PersonRow(
                id=r["id"],
                case_id=r["case_id"],
                name=r["name"] if names else None,
                post=r["post"] if names else None,
                unit_name=r["unit_name"],
                org_code=r["org__code"],
                org_name=r["org__name"],
                rank=r["rank__label"],
                sanction=r["sanction__name"],
                document_number=r["document_number"],
                decision_date=r["decision_date"],
                effective_date=r["decision_date"] or r["case__decision_date"],
                version=r["version"],
            )
        )
    return rows


# --- escalation proposals -------------------------------------------------------------------


def handled_proposals() -> set[tuple[int, str, date]]:
    """(problem id, proposal kind, trigger date) of proposals an action answered."""
    return set(
        SupervisionAction.objects.filter(proposal_problem__isnull=False).values_list(
            "proposal_problem_id", "proposal_kind", "proposal_date"
        )
    )


def open_proposals(user, as_of: date, *, limit: int | None = None) -> list[watch.Proposal]:
    """Escalation proposals (problems.watch) in scope that no supervision action answered."""
    handled = handled_proposals()
    proposals = watch.escalation_proposals(visible_problems(user), as_of)
    rows = [p for p in proposals if (p.problem.pk, p.kind, p.triggered_on) not in handled]
    return rows[:limit] if limit is not None else rows


def find_proposal(user, problem_id: int, kind: str, triggered_on: date, as_of: date):
    """The open proposal with this key, or None."""
    problems = visible_problems(user).filter(pk=problem_id)
    for p in watch.escalation_proposals(problems, as_of, kind=kind):
        if p.triggered_on == triggered_on:
            return p
    return None

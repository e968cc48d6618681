"""A battle team's listed problems as of a date, with status and warning colour (the page
and the API show the same rows)."""

from dataclasses import dataclass
from datetime import date

from rectify.oversight.models import BattleTeam, TeamListing
from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems
from rectify.problems.states import Status


@dataclass(frozen=True)
class ListedProblem:
    problem: Problem  # annotated by problems.asof (asof_status, asof_colour, …)
    listed_on: date
    note: str

    @property
    def status_label(self) -> str:
        return str(Status(self.problem.asof_status).label)

    @property
    def deadline(self) -> date | None:
        day = self.problem.asof_deadline_day
        return date.fromordinal(day) if day else None


def team_problems(user, team: BattleTeam, as_of: date) -> list[ListedProblem]:
    """Problems listed under the team by `as_of` that the user may see, most urgent first."""
    listings = {
        row.problem_id: row for row in TeamListing.objects.filter(team=team, listed_on__lte=as_of)
    }
    qs = visible_problems(user).filter(pk__in=list(listings))
    annotated = asof.as_of(qs, as_of).select_related("inspection", "lead_unit")
    rank = {"red": 0, "yellow": 1, "blue": 2}
    rows = [
        ListedProblem(problem=p, listed_on=listings[p.pk].listed_on, note=listings[p.pk].note)
        for p in annotated
    ]
    rows.sort(
        key=lambda r: (
            rank.get(r.problem.asof_colour, 3),
            r.problem.inspection_id,
            r.problem.sort_key,
            r.problem.number,
        )
    )
    return rows

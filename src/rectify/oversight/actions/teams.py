"""Battle teams (督战队): forming and changing a team, listing problems under it (挂牌督战),
and its members' visits.

Team scope works through accounts.ScopeGrant: every write that changes a team's members or
assigned units re-derives, in the same transaction, the grants of the member accounts
concerned. A grant a team created carries the reason "battle team <name>"; grants with
any other reason (given by hand, by the sysadmin) are never touched here.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.models import ScopeGrant, User
from rectify.accounts.roles import Role
from rectify.core import audit, files
from rectify.oversight.actions.common import (
    Errors,
    add,
    check_model,
    do_attach_documents,
    inspect_files,
    lock,
    not_future,
    raise_if,
    require,
    state,
    touch,
)
from rectify.oversight.models import BattleTeam, TeamListing, TeamVisit
from rectify.oversight.permissions import can_record_visit
from rectify.problems.models import Problem

TEAM_FIELDS = [
    "name",
    "inspection",
    "leader_name",
    "leader_post",
    "member_names",
    "period_start",
    "period_end",
]
TEAM_EDITABLE = set(TEAM_FIELDS) | {"members", "assigned_orgs"}
GRANT_PREFIX = "battle team "


def team_state(team: BattleTeam) -> dict[str, Any]:
    return state(
        team,
        members=team.members.values_list("username", flat=True),
        assigned_orgs=team.assigned_orgs.values_list("code", flat=True),
    )


def sync_grants(user_ids) -> dict[str, int]:
    """Make the battle-team grants of these accounts match their teams' assigned orgs."""
    created = removed = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        wanted: dict[int, str] = {}
        for team in BattleTeam.objects.filter(members=user).order_by("name"):
            for org_id in team.assigned_orgs.values_list("pk", flat=True):
                wanted.setdefault(org_id, team.grant_reason)
        existing = {g.org_id: g for g in ScopeGrant.objects.filter(user=user)}
        for org_id, grant in existing.items():
            ours = grant.reason.startswith(GRANT_PREFIX)
            if ours and org_id not in wanted:
                grant.delete()
                removed += 1
            elif ours and grant.reason != wanted[org_id]:
                grant.reason = wanted[org_id]
                grant.save(update_fields=["reason"])
        for org_id, reason in wanted.items():
            if org_id not in existing:
                ScopeGrant.objects.create(user=user, org_id=org_id, reason=reason)
                created += 1
    return {"created": created, "removed": removed}


def _validate_team(team: BattleTeam, data: dict, errors: Errors) -> None:
    check_model(team, errors)
    duplicate = BattleTeam.objects.filter(name=team.name).exclude(pk=team.pk)
    if team.name and duplicate.exists():
        add(errors, "name", _("A battle team with this name exists already."))
    if team.period_end and team.period_start and team.period_end < team.period_start:
        add(errors, "period_end", _("The end is before the start."))
    for user in data.get("members") or []:
        if user.role != Role.TEAM or not user.is_active:
            add(
                errors,
                "members",
                _("%(name)s is not an active battle-team account.") % {"name": user},
            )


def _set_relations(team: BattleTeam, data: dict) -> set[int]:
    """Write members and assigned orgs; returns the accounts whose grants may change."""
    affected = set(team.members.values_list("pk", flat=True))
    if "members" in data:
        team.members.set(data["members"] or [])
    if "assigned_orgs" in data:
        team.assigned_orgs.set(data["assigned_orgs"] or [])
    return affected | set(team.members.values_list("pk", flat=True))


@transaction.atomic
def check_create_team(*, actor, data: dict[str, Any]) -> BattleTeam:
    """Form a team; its member accounts get read scope over its assigned units."""
    require(actor)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    team = BattleTeam(**{k: data[k] for k in TEAM_FIELDS if k in data})
    errors: Errors = {}
    _validate_team(team, data, errors)
    raise_if(errors)
    team.save()
    grants = sync_grants(_set_relations(team, data))
    audit.record(
        "oversight.create_team", actor=actor, obj=team, after={**team_state(team), "grants": grants}
    )
    return team


@transaction.atomic
def check_update_team(
    team: BattleTeam, *, actor, expected_version: int | None, changes: dict[str, Any]
) -> BattleTeam:
    """Change a team; grants of old and new members follow in the same transaction."""
    require(actor)
    locked = lock(team, expected_version)
    unknown = set(changes) - TEAM_EDITABLE
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    before = team_state(locked)
    old_reason = locked.grant_reason
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    for key in TEAM_FIELDS:
        if key in changes:
            setattr(locked, key, changes[key])
    errors: Errors = {}
    _validate_team(locked, changes, errors)
    raise_if(errors)
    touch(locked)
    locked.save()
    affected = _set_relations(locked, changes)
    if locked.grant_reason != old_reason:
        ScopeGrant.objects.filter(user_id__in=affected, reason=old_reason).update(
            reason=locked.grant_reason
        )
    grants = sync_grants(affected)
    audit.record(
        "oversight.update_team",
        actor=actor,
        obj=locked,
        before=before,
        after={**team_state(locked), "grants": grants},
    )
    return locked


@transaction.atomic
def check_list_problem(
    team: BattleTeam,
    *,
    actor,
    problem: Problem,
    listed_on: date,
    note: str = "",
    today: date | None = None,
) -> TeamListing:
    """List a problem under a team (挂牌督战) from a date."""
    require(actor)
    today = today or timezone.localdate()
    team = BattleTeam.objects.select_for_update().get(pk=team.pk)
    errors: Errors = {}
    not_future(errors, "listed_on", listed_on, today)
    if listed_on < team.period_start:
        add(errors, "listed_on", _("The date is before the team was formed."))
    if TeamListing.objects.filter(team=team, problem=problem).exists():
        add(errors, "problem", _("The problem is listed under this team already."))
    if len(note or "") > 200:
        add(errors, "note", _("Longer than %(n)d characters.") % {"n": 200})
    raise_if(errors)
    listing = TeamListing.objects.create(
        team=team, problem=problem, listed_on=listed_on, note=(note or "").strip()
    )
    audit.record(
        "oversight.list_problem",
        actor=actor,
        obj=team,
        after={"problem": problem.pk, "listed_on": listed_on, "note": listing.note},
    )
    return listing


@transaction.atomic
def check_unlist_problem(team: BattleTeam, *, actor, problem: Problem) -> None:
    require(actor)
    listing = TeamListing.objects.select_for_update().filter(team=team, problem=problem).first()
    if listing is None:
        raise ValidationError({"problem": [_("The problem is not listed under this team.")]})
    before = {"problem": problem.pk, "listed_on": listing.listed_on}
    listing.delete()
    audit.record("oversight.unlist_problem", actor=actor, obj=team, before=before)


def _validate_visit(team: BattleTeam, data: dict, errors: Errors, today: date) -> None:
    visit_date = data.get("date")
    if visit_date is None:
        add(errors, "date", _("Give the date of the visit."))
    else:
        not_future(errors, "date", visit_date, today)
        if visit_date < team.period_start or (team.period_end and visit_date > team.period_end):
            add(errors, "date", _("The date is outside the team's period."))
    org = data.get("org")
    if org is None:
        add(errors, "org", _("Name the unit visited."))
    elif not any(org.path.startswith(a.path) for a in team.assigned_orgs.all()):
        add(errors, "org", _("The unit is not among the team's assigned units."))
    problem = data.get("problem")
    if problem is not None and not TeamListing.objects.filter(team=team, problem=problem).exists():
        add(errors, "problem", _("The problem is not listed under this team."))
    if not (data.get("findings") or "").strip():
        add(errors, "findings", _("Describe what was found."))


def check_record_visit(
    team: BattleTeam,
    *,
    actor,
    data: dict[str, Any],
    uploaded_files: list | None = None,
    caption: str = "",
    today: date | None = None,
) -> TeamVisit:
    """A team member (or the office) records a visit, its findings and photos."""
    if not can_record_visit(actor, team):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors: Errors = {}
    _validate_visit(team, data, errors, today)
    inspected = inspect_files(uploaded_files or [], caption, errors)
    raise_if(errors)
    with files.discard_on_error(), transaction.atomic():
        visit = TeamVisit.objects.create(
            team=team,
            date=data["date"],
            member=actor,
            org=data["org"],
            problem=data.get("problem"),
            findings=data["findings"].strip(),
        )
        audit.record("oversight.record_visit", actor=actor, obj=team, after=state(visit))
        if inspected:
            do_attach_documents("visit", visit, actor=actor, inspected=inspected, caption=caption)
    return visit

"""Who may do what with oversight records; templates get flags from here, never rules.

- read: every role with business data (sysadmin and auditor get 404 on pages, 403 in the
  API), narrowed to its scope by oversight.queries;
- write (cases, actions, meetings, teams, letters, documents): the office (MANAGE_OVERSIGHT);
- record a battle-team visit: a member of that team with RECORD_TEAM_VISITS, or the office;
- names and posts of officials held accountable: roles with VIEW_OFFICIAL_NAMES (office,
  leader) only; for everyone else they are never sent (pages, API, exports).
"""

from rectify.accounts.roles import Cap, has_cap


def can_view(user) -> bool:
    return has_cap(user, Cap.VIEW_BUSINESS)


def can_manage(user) -> bool:
    return has_cap(user, Cap.MANAGE_OVERSIGHT)


def sees_names(user) -> bool:
    return has_cap(user, Cap.VIEW_OFFICIAL_NAMES)


def is_member(user, team) -> bool:
    return bool(getattr(user, "pk", None)) and team.members.filter(pk=user.pk).exists()


def can_record_visit(user, team) -> bool:
    """The office for any team; a team member with RECORD_TEAM_VISITS for their own team."""
    if not has_cap(user, Cap.RECORD_TEAM_VISITS):
        return False
    return can_manage(user) or is_member(user, team)

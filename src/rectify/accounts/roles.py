"""Roles and what each may do: the one table of role capabilities and data-scope policies."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Rectification office")
    SYSADMIN = "sysadmin", _("System administrator")
    AUDITOR = "auditor", _("Audit administrator")
    UNIT = "unit", _("Responsible unit")
    REVIEWER = "reviewer", _("Acceptance reviewer")
    LEADER = "leader", _("Leader")
    TEAM = "team", _("Battle team member")


class ScopePolicy(StrEnum):
    ALL = "all"  # every org
    OWN_SUBTREE = "own_subtree"  # the user's org and its descendants, plus grants
    GRANTS = "grants"  # only orgs granted explicitly (battle-team assignments)
    NONE = "none"  # no business data at all (separation of duties)


class Cap(StrEnum):
    """Capabilities checked by views and actions; templates get flags, never rules."""

    VIEW_BUSINESS = "view_business"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    VIEW_ORG_DIRECTORY = "view_org_directory"
    USE_API_TOKENS = "use_api_tokens"
    EDIT_LEDGER = "edit_ledger"  # create and edit inspections and problems
    REPORT_PROGRESS = "report_progress"  # record progress of problems one leads
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    RECORD_EVENTS = "record_events"  # acceptance, sign-off, public criticism (office)
    MANAGE_COMPLAINTS = "manage_complaints"  # batches, import, assignment, closure, publication
    HANDLE_COMPLAINTS = "handle_complaints"  # file investigation and handling results
    REVEAL_COMPLAINANT = "reveal_complainant"  # see a complainant's identity, with a reason
    MANAGE_OVERSIGHT = "manage_oversight"  # accountability, supervision, meetings, teams
    VIEW_OFFICIAL_NAMES = "view_official_names"  # names of officials held accountable
    RECORD_TEAM_VISITS = "record_team_visits"  # battle-team visits and findings


ROLE_SCOPE: dict[str, ScopePolicy] = {
    Role.OFFICE: ScopePolicy.ALL,
    Role.LEADER: ScopePolicy.ALL,
    Role.UNIT: ScopePolicy.OWN_SUBTREE,
    Role.REVIEWER: ScopePolicy.OWN_SUBTREE,
    Role.TEAM: ScopePolicy.GRANTS,
    Role.SYSADMIN: ScopePolicy.NONE,
    Role.AUDITOR: ScopePolicy.NONE,
}

_READ = {Cap.VIEW_BUSINESS, Cap.VIEW_ORG_DIRECTORY, Cap.USE_API_TOKENS}

ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.OFFICE: frozenset(
        _READ
        | {
            Cap.EDIT_LEDGER,
            Cap.REPORT_PROGRESS,
            Cap.REQUEST_EXTENSION,
            Cap.DECIDE_EXTENSION,
            Cap.RECORD_EVENTS,
            Cap.MANAGE_COMPLAINTS,
            Cap.HANDLE_COMPLAINTS,
            Cap.REVEAL_COMPLAINANT,
            Cap.MANAGE_OVERSIGHT,
            Cap.VIEW_OFFICIAL_NAMES,
            Cap.RECORD_TEAM_VISITS,
        }
    ),
    Role.LEADER: frozenset(_READ | {Cap.VIEW_OFFICIAL_NAMES}),
    Role.UNIT: frozenset(
        _READ | {Cap.REPORT_PROGRESS, Cap.REQUEST_EXTENSION, Cap.HANDLE_COMPLAINTS}
    ),
    Role.REVIEWER: frozenset(_READ),
    Role.TEAM: frozenset(_READ | {Cap.RECORD_TEAM_VISITS}),
    # 三权分立: the sysadmin manages accounts but reads neither business data nor the
    # audit log; the auditor reads the audit log and changes nothing.
    Role.SYSADMIN: frozenset({Cap.MANAGE_USERS}),
    Role.AUDITOR: frozenset({Cap.READ_AUDIT}),
}

# Roles whose accounts must pass TOTP two-factor authentication.
TWO_FACTOR_ROLES = frozenset({Role.OFFICE, Role.SYSADMIN, Role.AUDITOR})


def has_cap(user, cap: Cap) -> bool:
    """Whether an authenticated, active user's role grants `cap`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return cap in ROLE_CAPS.get(user.role, frozenset())

"""Who may do what with disclosures; templates get flags from here, never rules.

- read published disclosures and compute the figures of an inspection they can see: every
  role with business data (office, leaders, units, reviewers, battle teams);
- see drafts and withdrawn disclosures, create, edit the narratives, publish, withdraw:
  the office (Cap.RECORD_EVENTS);
- sysadmin and auditor: nothing (404 pages, 403 API).
"""

from rectify.accounts.roles import Cap, has_cap
from rectify.reports.models import Disclosure, DisclosureState


def can_view(user) -> bool:
    return has_cap(user, Cap.VIEW_BUSINESS)


def can_manage(user) -> bool:
    return has_cap(user, Cap.RECORD_EVENTS)


def can_edit(user, disclosure: Disclosure) -> bool:
    return can_manage(user) and disclosure.state == DisclosureState.DRAFT


def can_publish(user, disclosure: Disclosure) -> bool:
    return can_edit(user, disclosure)


def can_withdraw(user, disclosure: Disclosure) -> bool:
    return can_manage(user) and disclosure.state == DisclosureState.PUBLISHED


def can_compare(user, disclosure: Disclosure) -> bool:
    """Recompute and compare: any reader of a frozen disclosure."""
    return can_view(user) and disclosure.figures is not None

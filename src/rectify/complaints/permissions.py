"""Who may do what to a complaint; templates get these as flags, never the rules."""

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints.models import Complaint
from rectify.complaints.states import TRANSITIONS, allowed_steps
from rectify.orgs.models import Org


def manages(user) -> bool:
    """The office: batches, intake, assignment, return, repeats, publication."""
    return has_cap(user, Cap.MANAGE_COMPLAINTS)


def handles(user, complaint: Complaint) -> bool:
    """Whether the user may file results and close `complaint`: the office, or a unit whose
    scope holds the complaint's lead unit."""
    if manages(user):
        return True
    if not has_cap(user, Cap.HANDLE_COMPLAINTS) or complaint.lead_unit_id is None:
        return False
    scope = user.data_scope()
    if scope.all:
        return True
    if scope.is_empty:
        return False
    return Org.objects.filter(pk=complaint.lead_unit_id, pk__in=scope.org_ids).exists()


def may_reveal_complainant(user) -> bool:
    return has_cap(user, Cap.REVEAL_COMPLAINANT)


def plays(user, role: str, complaint: Complaint) -> bool:
    if role == "office":
        return manages(user)
    if role == "handler":
        return handles(user, complaint)
    return False


def steps_for(user, complaint: Complaint) -> list[str]:
    """The steps `user` may take on `complaint` now."""
    return [
        step
        for step in allowed_steps(complaint.state)
        if plays(user, TRANSITIONS[(complaint.state, step)][1], complaint)
    ]

"""Every write to oversight records; views, API routes, the CLI and imports call these.

`check_*` validates its input and checks permission and scope, `do_*` trusts it. Each runs
in one transaction with its audit event.
"""

from rectify.oversight.actions.accountability import (
    check_add_held_org,
    check_add_held_person,
    check_create_case,
    check_remove_held_org,
    check_remove_held_person,
    check_transition_case,
    check_update_case,
    check_update_held_org,
    check_update_held_person,
)
from rectify.oversight.actions.common import attach_checked, check_attach_documents
from rectify.oversight.actions.records import (
    check_create_letter,
    check_create_meeting,
    check_update_letter,
    check_update_meeting,
)
from rectify.oversight.actions.supervision import (
    check_add_finding,
    check_convert_finding,
    check_create_action,
    check_update_action,
    do_create_action,
)
from rectify.oversight.actions.teams import (
    check_create_team,
    check_list_problem,
    check_record_visit,
    check_unlist_problem,
    check_update_team,
    sync_grants,
)

__all__ = [
    "attach_checked",
    "check_add_finding",
    "check_add_held_org",
    "check_add_held_person",
    "check_attach_documents",
    "check_convert_finding",
    "check_create_action",
    "check_create_case",
    "check_create_letter",
    "check_create_meeting",
    "check_create_team",
    "check_list_problem",
    "check_record_visit",
    "check_remove_held_org",
    "check_remove_held_person",
    "check_transition_case",
    "check_unlist_problem",
    "check_update_action",
    "check_update_case",
    "check_update_held_org",
    "check_update_held_person",
    "check_update_letter",
    "check_update_meeting",
    "check_update_team",
    "do_create_action",
    "sync_grants",
]

"""Every write to complaints: one transaction each, permission- and scope-checked, audited.

`check_*` validates its input, `do_*` trusts it. Views, API routes, the CLI and the import
call these. Complainants' personal data enters only through `ComplaintData.personal`, is
encrypted here, and leaves only through `check_reveal_complainant` (office, with a reason).
Audit events never carry it: they record that it exists, not what it is.
"""

from rectify.complaints.actions.common import complaint_state
from rectify.complaints.actions.intake import (
    INTAKE_FIELDS,
    ComplaintData,
    check_create_batch,
    check_create_complaint,
    check_update_complaint,
    do_import_complaints,
    do_intake_complaints,
    do_update_intake,
    intake_changes,
    normalise_acceptance_no,
    scrub,
    validate_complaint_data,
)
from rectify.complaints.actions.links import (
    check_link_problem,
    check_mark_repeat,
    check_reject_repeat,
    check_reveal_complainant,
)
from rectify.complaints.actions.workflow import (
    HandleItem,
    ResultData,
    check_assign_batch,
    check_file_result,
    check_transition_complaint,
    do_bulk_handle,
    do_transition_complaint,
    validate_result,
)

__all__ = [
    "INTAKE_FIELDS",
    "ComplaintData",
    "HandleItem",
    "ResultData",
    "check_assign_batch",
    "check_create_batch",
    "check_create_complaint",
    "check_file_result",
    "check_link_problem",
    "check_mark_repeat",
    "check_reject_repeat",
    "check_reveal_complainant",
    "check_transition_complaint",
    "check_update_complaint",
    "complaint_state",
    "do_bulk_handle",
    "do_import_complaints",
    "do_intake_complaints",
    "do_transition_complaint",
    "do_update_intake",
    "intake_changes",
    "normalise_acceptance_no",
    "scrub",
    "validate_complaint_data",
    "validate_result",
]

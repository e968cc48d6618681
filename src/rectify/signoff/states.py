"""The sign-off workflow as one table: (state, step) → (next state, who may take it).

Who:
  applicant  a user whose org leads the problem (Cap.REPORT_PROGRESS + lead scope)
  reviewer   a reviewer of the application's current level (see permissions.py), never
             the applicant
  office     the provincial rectification office (Cap.RECORD_EVENTS)
  anyone     the public (objections come from the portal) or the office entering one
"""

from rectify.signoff.models import AppState, StepKind

NEW = "new"  # no live application (none yet, returned, withdrawn or rebound)

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (NEW, StepKind.APPLY): (AppState.IN_REVIEW, "applicant"),
    (AppState.IN_REVIEW, StepKind.ACCEPT): (AppState.IN_REVIEW, "reviewer"),  # or → NOTICE
    (AppState.IN_REVIEW, StepKind.RETURN): (AppState.RETURNED, "reviewer"),
    (AppState.IN_REVIEW, StepKind.WITHDRAW): (AppState.WITHDRAWN, "applicant"),
    (AppState.NOTICE, StepKind.SCHEDULE): (AppState.NOTICE, "office"),
    (AppState.NOTICE, StepKind.OBJECT): (AppState.IN_REVIEW, "anyone"),
    (AppState.NOTICE, StepKind.SIGN_OFF): (AppState.SIGNED_OFF, "office"),
    (AppState.SIGNED_OFF, StepKind.REBOUND): (AppState.REBOUND, "office"),
}

# States after which a new application may be filed for the problem.
CLOSED_STATES = (AppState.RETURNED, AppState.WITHDRAWN, AppState.REBOUND)


def allowed_steps(state: str) -> list[str]:
    return [step for (from_state, step) in TRANSITIONS if from_state == state]

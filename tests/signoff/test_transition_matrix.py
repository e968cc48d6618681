"""Every (role, state, step) triple of the sign-off workflow.

The expected table below is written out by hand (not derived from states.TRANSITIONS), so
a change of the table in code must be made here too, deliberately. Each starting state is
built through the actions; every triple is tried from that same start inside a savepoint
that is rolled back afterwards. Allowed triples succeed and move the application where
expected; all others raise and change nothing: not the application (state, level,
version), not its steps, not the problem's dated events, not the audit log.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from rectify.core.models import AuditEvent
from rectify.problems.models import StatusEvent
from rectify.signoff.models import Application, AppState, Step, StepKind
from rectify.signoff.permissions import may_apply, steps_for

from .conftest import TODAY, apply, take, walk

ROLES = (
    "applicant",
    "county",
    "city",
    "dept",
    "office",
    "other_unit",
    "leader",
    "public",
    "sysadmin",
)
STATES = (
    "review_county",
    "review_city",
    "review_dept",
    "review_province",
    "returned",
    "notice_running",
    "notice_ended",
    "signed_off",
    "withdrawn",
    "rebound",
)
REVIEW = {"review_county": "county", "review_city": "city", "review_dept": "dept"}

ALLOWED: dict[str, set[tuple[str, str]]] = {
    "review_county": {("county", "accept"), ("county", "return"), ("applicant", "withdraw")},
    "review_city": {("city", "accept"), ("city", "return"), ("applicant", "withdraw")},
    "review_dept": {("dept", "accept"), ("dept", "return"), ("applicant", "withdraw")},
    "review_province": {("office", "accept"), ("office", "return"), ("applicant", "withdraw")},
    "returned": {("applicant", "apply"), ("office", "apply")},
    # The notice runs until 12/4: objections yes, sign-off not yet (for anyone).
    "notice_running": {("office", "schedule"), ("office", "object"), ("public", "object")},
    "notice_ended": {
        ("office", "schedule"),
        ("office", "object"),
        ("public", "object"),
        ("office", "sign_off"),
    },
    "signed_off": {("office", "rebound")},
    "withdrawn": {("applicant", "apply"), ("office", "apply")},
    "rebound": {("applicant", "apply"), ("office", "apply")},
}

# Where an allowed step leads: (state, level name) of the application afterwards.
RESULT = {
    ("review_county", "accept"): (AppState.IN_REVIEW, "市级验收"),
    ("review_city", "accept"): (AppState.IN_REVIEW, "行业部门审核"),
    ("review_dept", "accept"): (AppState.IN_REVIEW, "省级审核"),
    ("review_province", "accept"): (AppState.NOTICE, None),
    "return": (AppState.RETURNED, None),
    "withdraw": (AppState.WITHDRAWN, None),
    "apply": (AppState.IN_REVIEW, "县级验收"),
    "schedule": (AppState.NOTICE, None),
    "object": (AppState.IN_REVIEW, "省级审核"),
    "sign_off": (AppState.SIGNED_OFF, None),
    "rebound": (AppState.REBOUND, None),
}


def snapshot(app: Application) -> tuple:
    app = Application.objects.get(pk=app.pk)
    return (
        Application.objects.count(),
        app.state,
        app.current_level_id,
        app.version,
        app.notice_start,
        app.notice_end,
        Step.objects.count(),
        StatusEvent.objects.filter(problem=app.problem).count(),
        AuditEvent.objects.count(),
    )


def attempt(problem, app, step: str, actor) -> Application:
    if step == StepKind.APPLY:
        return apply(problem, actor, on=TODAY)
    return take(app, step, actor, TODAY)


@pytest.mark.parametrize("state", STATES)
def test_every_role_and_step_from_this_state(state, problem, cast):
    app = walk(problem, cast, state)
    problems: list[str] = []
    for role in ROLES:
        actor = cast[role]
        for step in StepKind.values:
            allowed = (role, step) in ALLOWED[state]
            before = snapshot(app)
            with transaction.atomic():
                try:
                    result = attempt(problem, app, step, actor)
                except (ValidationError, PermissionDenied, Http404) as exc:
                    after = snapshot(app)
                    if allowed:
                        problems.append(f"{role} {step}: refused ({exc!r})")
                    elif after != before:
                        problems.append(f"{role} {step}: refused but changed {before} → {after}")
                except Exception as exc:  # any other error is a bug
                    problems.append(f"{role} {step}: crashed with {exc!r}")
                else:
                    after = snapshot(app)
                    if not allowed:
                        problems.append(f"{role} {step}: should be refused but succeeded")
                    else:
                        expected = RESULT.get((state, step)) or RESULT[step]
                        level = result.current_level.name if result.current_level else None
                        if (result.state, level) != expected:
                            problems.append(f"{role} {step}: led to {result.state}/{level}")
                        if after[6] != before[6] + 1 or after[8] <= before[8]:
                            problems.append(f"{role} {step}: no step row or no audit event")
                transaction.set_rollback(True)
            assert snapshot(app) == before  # the savepoint restored the start
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("state", STATES)
def test_the_steps_offered_to_each_role_are_the_allowed_ones(state, problem, cast):
    """What the pages and the API offer (permissions.steps_for, may_apply) agrees with the
    table; only the sign-off of a running notice is offered and then refused by date."""
    app = walk(problem, cast, state)
    live = app.state in (AppState.IN_REVIEW, AppState.NOTICE, AppState.SIGNED_OFF)
    for role in ROLES:
        offered = set(steps_for(cast[role], app))
        if not live and may_apply(cast[role], problem):
            offered.add("apply")
        expected = {step for r, step in ALLOWED[state] if r == role}
        if state == "notice_running" and role == "office":
            expected.add("sign_off")
        assert offered == expected, (state, role)


def test_a_stale_version_is_a_conflict_and_changes_nothing(problem, cast):
    from rectify.core.errors import ConflictError
    from rectify.signoff import actions

    app = walk(problem, cast, "review_county")
    before = snapshot(app)
    with pytest.raises(ConflictError):
        actions.check_transition_application(
            app,
            StepKind.ACCEPT,
            actor=cast["county"],
            expected_version=app.version - 1 if app.version > 1 else 99,
            signer_name="张建华",
            opinion="同意。",
            onsite_record="已核查。",
            today=TODAY,
        )
    assert snapshot(app) == before


@pytest.mark.parametrize("missing", ["signer_name", "opinion", "onsite_record"])
def test_an_acceptance_without_signer_opinion_or_onsite_record_is_refused(missing, problem, cast):
    from rectify.signoff import actions

    app = walk(problem, cast, "review_county")
    fields = {"signer_name": "张建华", "opinion": "同意。", "onsite_record": "已核查。"}
    fields[missing] = "  "
    before = snapshot(app)
    with pytest.raises(ValidationError) as info:
        actions.check_transition_application(
            app, StepKind.ACCEPT, actor=cast["county"], today=TODAY, **fields
        )
    assert list(info.value.message_dict) == [missing]
    assert snapshot(app) == before


def test_a_wrong_actor_hears_that_first_not_what_the_step_needs(problem, cast):
    from rectify.signoff import actions

    app = walk(problem, cast, "review_county")
    with pytest.raises(PermissionDenied):
        actions.check_transition_application(app, StepKind.ACCEPT, actor=cast["city"])


def test_an_unknown_step_name_is_a_clear_error_not_a_crash(problem, cast):
    from rectify.signoff import actions

    app = walk(problem, cast, "review_county")
    with pytest.raises(ValidationError) as info:
        actions.check_transition_application(app, "approve", actor=cast["county"])
    assert "step" in info.value.message_dict


def test_the_table_in_code_has_exactly_the_edges_of_the_hand_written_one():
    from rectify.signoff.states import NEW, allowed_steps

    states = {
        NEW: "returned",  # applying is the edge out of "no live application"
        AppState.IN_REVIEW: "review_county",
        AppState.NOTICE: "notice_ended",
        AppState.SIGNED_OFF: "signed_off",
        AppState.RETURNED: None,
        AppState.WITHDRAWN: None,
        AppState.REBOUND: None,
    }
    for state, example in states.items():
        expected = {step for _role, step in ALLOWED[example]} if example else set()
        assert set(allowed_steps(state)) == expected, state

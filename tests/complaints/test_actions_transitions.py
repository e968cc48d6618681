"""The closure workflow, exhaustively: every role × state × step is allowed or refused
exactly as DESIGN.md says, and only allowed steps write a dated step and an audit event.

The expected table is written out here, not read from states.TRANSITIONS, so that a change
to the table in code must be made twice on purpose.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from rectify.complaints.models import Complaint, ComplaintStep
from rectify.complaints.permissions import steps_for
from rectify.complaints.states import State, Step
from rectify.core.models import AuditEvent
from tests.complaints.ui_support import (
    ZUNYI,
    assign,
    file,
    intake,
    make_batch,
    org,
    pii_key,  # noqa: F401 - fixture
    step,
)

pytestmark = pytest.mark.usefixtures("pii_key")

# (state, step) → the state it leads to, and who may take it.
EDGES = {
    (State.RECEIVED, Step.ASSIGN): (State.IN_PROGRESS, "office"),
    (State.IN_PROGRESS, Step.REASSIGN): (State.IN_PROGRESS, "office"),
    (State.IN_PROGRESS, Step.CLOSE): (State.CLOSED, "handler"),
    (State.IN_PROGRESS, Step.CLOSE_STAGE): (State.STAGE_CLOSED, "handler"),
    (State.STAGE_CLOSED, Step.CLOSE): (State.CLOSED, "handler"),
    (State.STAGE_CLOSED, Step.RETURN): (State.IN_PROGRESS, "office"),
    (State.CLOSED, Step.RETURN): (State.IN_PROGRESS, "office"),
}
# Who plays each part on a complaint assigned to 播州区: the office always; as its handler
# the unit of 播州区 and that of 遵义市 above it. The rest may do nothing.
PLAYERS = {
    "office": {"office_clerk"},
    "handler": {"office_clerk", "bozhou_clerk", "zunyi_clerk"},
}
ROLES = [
    "office_clerk",
    "bozhou_clerk",
    "zunyi_clerk",
    "guiyang_outsider",
    "dept_clerk",
    "zunyi_reviewer",
    "leader",
    "team_member",
]
STATES = [State.RECEIVED, State.IN_PROGRESS, State.STAGE_CLOSED, State.CLOSED]
STEPS = [Step.ASSIGN, Step.REASSIGN, Step.CLOSE, Step.CLOSE_STAGE, Step.RETURN]


def in_state(office, state: str) -> Complaint:
    """A complaint of 播州区 in `state`, with a result filed whenever it is assigned."""
    c = intake(make_batch(office), office, 1)
    if state == State.RECEIVED:
        return c
    assign(c, office, date(2025, 6, 3))
    close = {State.STAGE_CLOSED: Step.CLOSE_STAGE, State.CLOSED: Step.CLOSE}.get(state, "")
    file(c, office, date(2025, 6, 5), close=close)
    c.refresh_from_db()
    assert c.state == state
    return c


def arguments(name: str) -> dict:
    if name in (Step.ASSIGN, Step.REASSIGN):
        return {"lead_unit": org(ZUNYI), "deadline": date(2025, 7, 10)}
    if name == Step.RETURN:
        return {"reason": "整改不到位，群众仍有意见", "deadline": date(2025, 7, 10)}
    return {}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("who", ROLES)
def test_each_role_may_take_exactly_the_steps_of_the_table(request, office_clerk, who, state, name):
    actor = request.getfixturevalue(who)
    c = in_state(office_clerk, state)
    steps_before = ComplaintStep.objects.filter(complaint=c).count()
    edge = EDGES.get((state, name))
    allowed = edge is not None and who in PLAYERS[edge[1]]
    assert (name in steps_for(actor, c)) == allowed
    with time_machine.travel(date(2025, 6, 20), tick=False):
        if edge is None:
            with pytest.raises(ValidationError) as err:
                step(c, actor, name, date(2025, 6, 10), **arguments(name))
            assert "step" in err.value.message_dict
        elif not allowed:
            with pytest.raises(PermissionDenied):
                step(c, actor, name, date(2025, 6, 10), **arguments(name))
        else:
            done = step(c, actor, name, date(2025, 6, 10), **arguments(name))
            assert done.state == edge[0]
    after = Complaint.objects.get(pk=c.pk)
    steps = ComplaintStep.objects.filter(complaint=c)
    if allowed:
        last = steps.last()
        assert (last.step, last.from_state, last.to_state) == (name, state, edge[0])
        assert (last.effective_date, last.actor_id) == (date(2025, 6, 10), actor.pk)
        event = AuditEvent.objects.filter(action=f"complaints.{name}").last()
        assert event.actor_id == actor.pk and event.object_id == str(c.pk)
        assert (event.before["state"], event.after["state"]) == (state, edge[0])
        assert after.version == c.version + 1
    else:
        assert steps.count() == steps_before
        assert (after.state, after.version) == (c.state, c.version)

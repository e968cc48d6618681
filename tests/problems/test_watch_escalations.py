"""Escalation proposals from recorded warnings: yellow in two different months → a
supervision letter; any red → an interview of the lead unit's principal."""

from datetime import date

import pytest

from rectify.orgs.models import Org
from rectify.problems import watch
from rectify.problems.models import Problem, WarningRecord
from rectify.problems.testing import ProblemFactory

D = date
URL = "/ledger/watch/escalations/"


def warn(problem, colour: str, *days: date) -> None:
    for d in days:
        WarningRecord.objects.create(problem=problem, colour=colour, effective_date=d, days=1)


@pytest.fixture
def recorded(orgs):
    """y2: yellow 09-10, 09-20, 10-05 (second month on 10-05) → letter on 2020-10-05.
    y1: yellow 09-10 and 09-28, same month → nothing.
    r1: yellow 08-15, red 10-03 and 10-04 → interview on 2020-10-03.
    b1: blue every day of a week → nothing.
    gy: 贵阳, yellow 07-31 and 08-01, red 09-01 → letter on 08-01 and interview on 09-01.
    """
    guiyang = Org.objects.get(code="520100")
    p = {
        "y2": ProblemFactory(number="y2", responsible_leader="遵义市副市长 王某"),
        "y1": ProblemFactory(number="y1"),
        "r1": ProblemFactory(number="r1"),
        "b1": ProblemFactory(number="b1"),
        "gy": ProblemFactory(number="gy", region=guiyang, lead_unit=guiyang),
    }
    warn(p["y2"], "yellow", D(2020, 9, 10), D(2020, 9, 20), D(2020, 10, 5))
    warn(p["y1"], "yellow", D(2020, 9, 10), D(2020, 9, 28))
    warn(p["r1"], "yellow", D(2020, 8, 15))
    warn(p["r1"], "red", D(2020, 10, 3), D(2020, 10, 4))
    warn(p["b1"], "blue", *(D(2020, 10, d) for d in range(1, 8)))
    warn(p["gy"], "yellow", D(2020, 7, 31), D(2020, 8, 1))
    warn(p["gy"], "red", D(2020, 9, 1))
    return p


END_OF_OCTOBER = D(2020, 10, 31)


def proposals(as_of=END_OF_OCTOBER, qs=None, **kwargs) -> list[tuple[str, str, date]]:
    rows = watch.escalation_proposals(qs or Problem.objects.all(), as_of, **kwargs)
    return [(x.problem.number, x.kind, x.triggered_on) for x in rows]


def test_proposals_follow_the_escalation_rules(recorded):
    assert sorted(proposals()) == [
        ("gy", "interview", D(2020, 9, 1)),
        ("gy", "letter", D(2020, 8, 1)),
        ("r1", "interview", D(2020, 10, 3)),
        ("y2", "letter", D(2020, 10, 5)),
    ]


def test_latest_triggered_first(recorded):
    assert [n for n, _, _ in proposals()] == ["y2", "r1", "gy", "gy"]


def test_only_warnings_recorded_by_the_date_count(recorded):
    # On 2020-10-04 y2 has yellow only in September; r1 is already red.
    assert sorted(proposals(as_of=D(2020, 10, 4))) == [
        ("gy", "interview", D(2020, 9, 1)),
        ("gy", "letter", D(2020, 8, 1)),
        ("r1", "interview", D(2020, 10, 3)),
    ]


def test_filters_by_kind_and_trigger_date(recorded):
    assert proposals(kind="letter", since=D(2020, 9, 1)) == [("y2", "letter", D(2020, 10, 5))]
    assert sorted(proposals(kind="interview")) == [
        ("gy", "interview", D(2020, 9, 1)),
        ("r1", "interview", D(2020, 10, 3)),
    ]


def test_proposal_carries_the_warning_history(recorded):
    (y2,) = [
        x
        for x in watch.escalation_proposals(Problem.objects.all(), D(2020, 10, 31))
        if x.problem.number == "y2"
    ]
    assert (y2.yellow_months, y2.red_days, y2.last_warned_on, y2.last_colour) == (
        2,
        0,
        D(2020, 10, 5),
        "yellow",
    )
    (r1,) = [
        x
        for x in watch.escalation_proposals(Problem.objects.all(), D(2020, 10, 31))
        if x.problem.number == "r1"
    ]
    assert (r1.yellow_months, r1.red_days) == (1, 2)


@pytest.mark.parametrize("who", ["office_clerk", "leader"])
def test_office_and_leader_see_the_proposals(recorded, who, request, login):
    response = login(request.getfixturevalue(who)).get(URL, {"as_of": "2020-10-31"})
    assert response.status_code == 200
    assert (response.context["letters"], response.context["interviews"]) == (2, 2)
    html = response.content.decode()
    assert 'data-number="y2" data-kind="letter"' in html
    assert "遵义市副市长 王某" in html


@pytest.mark.parametrize(
    "who", ["zunyi_clerk", "guiyang_outsider", "zunyi_reviewer", "team_member", "sysadmin"]
)
def test_other_roles_get_404(recorded, who, request, login):
    response = login(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 404


def test_page_filters_by_inspection_and_kind(recorded, office_clerk, login):
    response = login(office_clerk).get(
        URL, {"as_of": "2020-10-31", "kind": "interview", "inspection": "central-2018-lookback"}
    )
    assert [x.problem.number for x in response.context["page"]] == ["r1", "gy"]

"""The data-version cache: a committed change to anything the figures read advances the
version in the same transaction, so a cached answer never outlives its data."""

from datetime import date

import pytest
from django.db import connection, transaction

from rectify.problems import asof, versioned
from rectify.problems.models import Problem
from rectify.problems.states import EventKind, Status
from rectify.problems.testing import ProblemFactory, add_event
from rectify.reports import figures

pytestmark = pytest.mark.django_db(transaction=True)
D = date(2020, 6, 30)


@pytest.fixture
def problem(orgs):
    versioned.clear()
    # A transactional test starts from an emptied database: no seeded categories.
    p = ProblemFactory(
        category=None, start_date=date(2019, 5, 10), original_deadline=date(2020, 12, 31)
    )
    add_event(p, EventKind.PROGRESS, date(2020, 3, 1), percent=80)
    return p


def _figures(problem):
    return figures.disclosure_figures(problem.inspection, D)["problems"]


def test_a_committed_event_advances_the_version_and_a_read_does_not(problem):
    before = versioned.data_version()
    _figures(problem)
    assert versioned.data_version() == before
    add_event(problem, EventKind.PROGRESS, date(2020, 4, 1), percent=90)
    after = versioned.data_version()
    assert after[0] == before[0] and after[1] > before[1]


def test_a_backdated_event_recorded_later_changes_the_cached_figures(problem):
    assert _figures(problem)["on_schedule"] == 1
    assert _figures(problem)["on_schedule"] == 1  # from the cache
    add_event(problem, EventKind.ACCEPTED, date(2020, 5, 1))  # backdated, before D
    assert _figures(problem)["completed"] == 1
    assert _figures(problem)["on_schedule"] == 0


def test_a_rolled_back_write_leaves_the_version_alone(problem):
    before = versioned.data_version()
    with transaction.atomic():
        add_event(problem, EventKind.ACCEPTED, date(2020, 5, 1))
        transaction.set_rollback(True)
    assert versioned.data_version() == before


def test_a_change_to_a_problem_row_or_an_org_name_advances_it(problem):
    before = versioned.data_version()
    Problem.objects.filter(pk=problem.pk).update(title="改")
    middle = versioned.data_version()
    problem.region.name = problem.region.name + "（改）"
    problem.region.save()
    assert before[1] < middle[1] < versioned.data_version()[1]


def test_nothing_is_cached_inside_a_transaction(problem):
    with transaction.atomic():
        assert versioned.data_version() is None
        add_event(problem, EventKind.ACCEPTED, date(2020, 5, 1))
        # The uncommitted acceptance is seen here and must not reach the cache.
        assert _figures(problem)["completed"] == 1
        transaction.set_rollback(True)
    assert _figures(problem)["completed"] == 0
    counts = asof.status_counts(Problem.objects.all(), D)
    assert counts[Status.ON_SCHEDULE] + counts[Status.AHEAD_OF_SCHEDULE] == 1


def test_answers_are_copies(problem):
    first = _figures(problem)
    first["total"] = 999
    assert _figures(problem)["total"] == 1
    assert not connection.in_atomic_block


def test_the_ledger_page_follows_a_backdated_event_and_is_never_shared_across_scopes(
    problem, login, office_clerk, guiyang_outsider, client
):
    from django.test import Client

    params = {"as_of": D.isoformat(), "status": "on_schedule"}
    login(office_clerk)
    first = client.get("/api/v1/problems", params).json()
    assert first["count"] == 1
    assert client.get("/api/v1/problems", params).json() == first  # the cached page
    add_event(problem, EventKind.ACCEPTED, date(2020, 5, 1))  # backdated, before D
    done = {**params, "status": "completed"}
    assert client.get("/api/v1/problems", params).json()["count"] == 0
    assert client.get("/api/v1/problems", done).json()["count"] == 1
    # The same query from a 贵阳市 unit (the problem lies in 遵义市): not the office's page.
    outsider = login(guiyang_outsider, Client())
    assert outsider.get("/api/v1/problems", done).json()["count"] == 0

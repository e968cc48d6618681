"""Property tests: the evaluated set (one evaluation per problem, for aggregates and status
filters) and the burn-up's completion intervals agree with the per-row annotations, which
test_asof_properties checks against DESIGN.md's rules written out by hand."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.states import Status
from tests.problems.test_asof_properties import PROPERTY, build, dates, specs


def _annotated(d, **kwargs) -> dict[int, tuple]:
    return {
        p.pk: (p.asof_status, p.asof_colour, p.asof_deadline_day, p.asof_basically_done)
        for p in asof.as_of(Problem.objects.all(), d, **kwargs)
    }


def _evaluated(d, **kwargs) -> dict[int, tuple]:
    rows = asof.grouped_counts(
        Problem.objects.all(),
        d,
        {"row": ("id", "status", "colour", "deadline", "basically_done")},
        **kwargs,
    )["row"]
    assert all(n == 1 for *_keys, n in rows)
    return {pk: (s, c, dl, bool(bd)) for pk, s, c, dl, bd, _n in rows}


@PROPERTY
@given(ledger=st.lists(specs(), min_size=1, max_size=6), d=dates, known=st.booleans())
def test_the_evaluated_set_equals_the_per_row_annotations(orgs, ledger, d, known):
    cutoff = timezone.now()
    kwargs = {"known_at": cutoff} if known else {}
    with transaction.atomic():
        build(ledger, cutoff)
        assert _evaluated(d, **kwargs) == _annotated(d, **kwargs)
        for status in Status.values:
            ids, total = asof.matching_page(
                Problem.objects.all(), d, statuses=(status,), ordering="-deadline", **kwargs
            )
            wanted = {pk for pk, row in _annotated(d, **kwargs).items() if row[0] == status}
            assert set(ids) == wanted and total == len(wanted)
        transaction.set_rollback(True)


@PROPERTY
@given(
    ledger=st.lists(specs(), min_size=1, max_size=6),
    days=st.lists(dates, min_size=1, max_size=5, unique=True),
    known=st.booleans(),
)
def test_completed_counts_equal_the_status_counts_on_each_day(orgs, ledger, days, known):
    cutoff = timezone.now()
    kwargs = {"known_at": cutoff} if known else {}
    with transaction.atomic():
        build(ledger, cutoff)
        days = sorted(days)
        expected = []
        for d in days:
            counts = asof.status_counts(Problem.objects.all(), d, **kwargs)
            done = counts[Status.COMPLETED] + counts[Status.SIGNED_OFF]
            expected.append((sum(counts.values()), done))
        assert asof.completed_counts(Problem.objects.all(), days, **kwargs) == expected
        transaction.set_rollback(True)


def test_an_event_on_the_same_day_as_an_acceptance_but_recorded_later_wins(orgs):
    from datetime import date

    from rectify.problems.states import EventKind
    from rectify.problems.testing import ProblemFactory, add_event

    p = ProblemFactory(start_date=date(2020, 1, 1))
    add_event(p, EventKind.ACCEPTED, date(2020, 6, 1))
    add_event(p, EventKind.REOPENED, date(2020, 6, 1))
    day = date(2020, 6, 1)
    assert asof.completed_counts(Problem.objects.all(), [day, day + timedelta(days=1)]) == [
        (1, 0),
        (1, 0),
    ]
    add_event(p, EventKind.SIGNED_OFF, date(2020, 6, 2))
    assert asof.completed_counts(Problem.objects.all(), [day, day + timedelta(days=1)]) == [
        (1, 0),
        (1, 1),
    ]

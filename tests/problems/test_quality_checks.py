"""Data-quality checks: a clean ledger gives nothing; one contradiction of each kind gives
exactly the expected finding (see the table in each fixture)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from rectify.orgs.models import Org
from rectify.problems import quality
from rectify.problems.models import Measure, Problem
from rectify.problems.states import DeadlineKind, EventKind
from rectify.problems.testing import ProblemFactory, add_event, add_milestone

D = date
AS_OF = D(2020, 6, 15)
PERIOD = D(2020, 6, 1)
NOTE = "市级验收组现场核查，污水管网已建成并通水，附验收意见。"


def findings(**kwargs) -> list[tuple[str, str, str]]:
    """(problem number, check, code) for every finding, as of 2020-06-15."""
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("period_start", PERIOD)
    problems = kwargs.pop("problems", Problem.objects.all())
    results = quality.run_checks(problems, **kwargs)
    return sorted((f.problem.number, f.check, f.code) for rows in results.values() for f in rows)


@pytest.fixture
def clean(orgs):
    """Problems listed 2019-05-10, deadline 2020-12-31 unless said, nothing contradictory.

    c1: on plan (milestones 40 % 2020-03-01, 80 % 2020-09-01), reports 30 % on 2020-06-05.
    c2: 100 % 2020-05-20, applied 05-25, accepted 06-01 and signed off 06-10, with opinions.
    c3: reports 50 % 2020-06-02; a measure due 2020-10-01.
    c4: 长期坚持 (no deadline), reports 2020-06-03.
    c5: listed 2020-06-05, inside the period: not yet owing a report.
    c6: accepted 2020-03-01, reopened 2020-04-01 (反弹), reports 60 % on 2020-06-04.
    c7: deadline 2020-05-31 extended to 2020-12-31 on 2020-05-01; milestone 2020-09-01.
    """
    c1 = ProblemFactory(number="c1")
    add_milestone(c1, D(2020, 3, 1), 40)
    add_milestone(c1, D(2020, 9, 1), 80)
    add_event(c1, EventKind.PROGRESS, D(2020, 6, 5), percent=30)
    c2 = ProblemFactory(number="c2")
    add_event(c2, EventKind.PROGRESS, D(2020, 5, 20), percent=100)
    add_event(c2, EventKind.APPLIED, D(2020, 5, 25))
    add_event(c2, EventKind.ACCEPTED, D(2020, 6, 1), note=NOTE)
    add_event(c2, EventKind.SIGNED_OFF, D(2020, 6, 10), note=NOTE)
    c3 = ProblemFactory(number="c3")
    add_event(c3, EventKind.PROGRESS, D(2020, 6, 2), percent=50)
    Measure.objects.create(problem=c3, seq=1, text="完成园区污水管网建设", due_date=D(2020, 10, 1))
    c4 = ProblemFactory(
        number="c4", deadline_kind=DeadlineKind.ONGOING, original_deadline=None, deadline=None
    )
    add_event(c4, EventKind.PROGRESS, D(2020, 6, 3), percent=10)
    ProblemFactory(number="c5", start_date=D(2020, 6, 5))
    c6 = ProblemFactory(number="c6")
    add_event(c6, EventKind.PROGRESS, D(2020, 2, 1), percent=100)
    add_event(c6, EventKind.APPLIED, D(2020, 2, 10))
    add_event(c6, EventKind.ACCEPTED, D(2020, 3, 1), note=NOTE)
    add_event(c6, EventKind.REOPENED, D(2020, 4, 1))
    add_event(c6, EventKind.PROGRESS, D(2020, 6, 4), percent=60)
    c7 = ProblemFactory(number="c7", original_deadline=D(2020, 5, 31), deadline=D(2020, 12, 31))
    add_event(c7, EventKind.DEADLINE_CHANGED, D(2020, 5, 1), new_deadline=D(2020, 12, 31))
    add_milestone(c7, D(2020, 9, 1), 70)
    add_event(c7, EventKind.PROGRESS, D(2020, 6, 6), percent=40)


@pytest.fixture
def dirty(clean):
    """One contradiction per problem; every other fact of theirs is clean.

    d1: reports 100 % on 2020-06-05 and nothing after.
    d2: last report 2020-05-10, none since the period began on 2020-06-01.
    d3: a progress report dated 2019-05-01, before its plan started on 2019-05-10.
    d4: signed off 2020-06-01 after applying, but never accepted.
    d5: accepted 2020-05-01, then a progress report on 2020-06-05.
    d6: a milestone on 2019-04-01, before the plan started.
    d7: milestones 60 % on 2019-12-31 then 40 % on 2020-06-30.
    d8: a measure due 2021-03-01, after the deadline 2020-12-31.
    d9: a report dated 2020-06-10 but recorded on 2020-06-01.
    d10: accepted 2020-06-01 without any opinion or evidence.
    d11: a milestone on 2021-03-01, after the deadline 2020-12-31.
    """
    p = {n: ProblemFactory(number=n) for n in [f"d{i}" for i in range(1, 12)]}
    add_event(p["d1"], EventKind.PROGRESS, D(2020, 6, 5), percent=100)
    add_event(p["d2"], EventKind.PROGRESS, D(2020, 5, 10), percent=40)
    add_event(p["d3"], EventKind.PROGRESS, D(2019, 5, 1), percent=5)
    add_event(p["d3"], EventKind.PROGRESS, D(2020, 6, 5), percent=45)
    add_event(p["d4"], EventKind.PROGRESS, D(2020, 5, 1), percent=100)
    add_event(p["d4"], EventKind.APPLIED, D(2020, 5, 5))
    add_event(p["d4"], EventKind.SIGNED_OFF, D(2020, 6, 1), note=NOTE)
    add_event(p["d5"], EventKind.PROGRESS, D(2020, 4, 20), percent=100)
    add_event(p["d5"], EventKind.APPLIED, D(2020, 4, 25))
    add_event(p["d5"], EventKind.ACCEPTED, D(2020, 5, 1), note=NOTE)
    add_event(p["d5"], EventKind.PROGRESS, D(2020, 6, 5), percent=80)
    add_milestone(p["d6"], D(2019, 4, 1), 10)
    add_event(p["d6"], EventKind.PROGRESS, D(2020, 6, 5), percent=45)
    add_milestone(p["d7"], D(2019, 12, 31), 60)
    add_milestone(p["d7"], D(2020, 6, 30), 40)
    add_event(p["d7"], EventKind.PROGRESS, D(2020, 6, 5), percent=45)
    Measure.objects.create(problem=p["d8"], seq=1, text="完成提标改造", due_date=D(2021, 3, 1))
    add_event(p["d8"], EventKind.PROGRESS, D(2020, 6, 5), percent=45)
    add_event(
        p["d9"],
        EventKind.PROGRESS,
        D(2020, 6, 10),
        percent=45,
        recorded_at=datetime(2020, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    add_event(p["d10"], EventKind.PROGRESS, D(2020, 5, 20), percent=100)
    add_event(p["d10"], EventKind.APPLIED, D(2020, 5, 25))
    add_event(p["d10"], EventKind.ACCEPTED, D(2020, 6, 1))
    add_milestone(p["d11"], D(2021, 3, 1), 90)
    add_event(p["d11"], EventKind.PROGRESS, D(2020, 6, 5), percent=45)
    return p


def test_a_clean_ledger_has_no_findings(clean):
    assert findings() == []


def test_each_contradiction_gives_exactly_its_finding(dirty):
    assert findings() == [
        ("d1", "done_not_applied", "done_not_applied"),
        ("d10", "no_evidence", "no_evidence"),
        ("d11", "milestone_after_deadline", "milestone_after_deadline"),
        ("d2", "no_report", "no_report"),
        ("d3", "dates_out_of_order", "event_before_start"),
        ("d4", "dates_out_of_order", "signoff_without_acceptance"),
        ("d5", "dates_out_of_order", "acceptance_before_progress"),
        ("d6", "dates_out_of_order", "milestone_before_start"),
        ("d7", "dates_out_of_order", "plan_decreasing"),
        ("d8", "dates_out_of_order", "measure_after_deadline"),
        ("d9", "dates_out_of_order", "recorded_before_effect"),
    ]


def test_run_checks_lists_every_check_in_order_even_when_empty(clean):
    results = quality.run_checks(Problem.objects.all(), as_of=AS_OF, period_start=PERIOD)
    assert list(results) == [c.code for c in quality.CHECKS]
    assert all(rows == [] for rows in results.values())


def test_findings_carry_details_and_a_message_in_the_users_language(dirty):
    results = quality.run_checks(Problem.objects.all(), as_of=AS_OF, period_start=PERIOD)
    (f,) = results["milestone_after_deadline"]
    assert f.details == {"date": "2021-03-01", "percent": 90, "deadline": "2020-12-31"}
    assert f.as_json()["number"] == "d11"
    with translation.override("en"):
        results = quality.run_checks(Problem.objects.all(), as_of=AS_OF, period_start=PERIOD)
    (f,) = results["no_report"]
    assert f.message == "No progress reported since 2020-06-01 (last report 2020-05-10)."
    assert f.details == {"period_start": "2020-06-01", "last_report": "2020-05-10"}


def test_done_not_applied_clears_once_the_unit_applies(dirty):
    add_event(dirty["d1"], EventKind.APPLIED, D(2020, 6, 12))
    assert "d1" not in {n for n, _, _ in findings()}
    # …and as of the day before the application, it is still a finding.
    assert ("d1", "done_not_applied", "done_not_applied") in findings(as_of=D(2020, 6, 11))


def test_only_events_effective_by_the_date_count(dirty):
    # On 2020-05-31 d1 has not reported 100 % yet, d10 is not yet accepted, d4 not signed off,
    # d5 has no report after its acceptance: those findings are not there yet.
    found = findings(as_of=D(2020, 5, 31), period_start=D(2020, 5, 1))
    codes = {(n, code) for n, _, code in found}
    assert ("d1", "done_not_applied") not in codes
    assert ("d10", "no_evidence") not in codes
    assert ("d4", "signoff_without_acceptance") not in codes
    assert ("d5", "acceptance_before_progress") not in codes
    # d3's early report and d11's late milestone are contradictions on any date.
    assert ("d3", "event_before_start") in codes
    assert ("d11", "milestone_after_deadline") in codes


def test_no_report_uses_the_period_start_parameter(dirty):
    # With a period from 2020-05-01, d2's report of 2020-05-10 is inside it.
    assert "d2" not in {n for n, c, _ in findings(period_start=D(2020, 5, 1)) if c == "no_report"}


def test_a_never_reported_open_problem_is_flagged(clean):
    ProblemFactory(number="n1")
    assert findings() == [("n1", "no_report", "no_report")]


def test_evidence_hook_counts_a_non_blank_acceptance_note(dirty):
    ids = set(quality.evidence_problem_ids().values_list("pk", flat=True))
    assert dirty["d4"].pk in ids and dirty["d5"].pk in ids
    assert dirty["d10"].pk not in ids
    add_event(dirty["d10"], EventKind.SIGNED_OFF, D(2020, 6, 12), note="   ")
    assert dirty["d10"].pk not in set(quality.evidence_problem_ids().values_list("pk", flat=True))


def test_checks_are_limited_to_the_problems_given(dirty):
    guiyang = Org.objects.get(code="520100")
    gy = ProblemFactory(number="g1", region=guiyang, lead_unit=guiyang)
    add_event(gy, EventKind.PROGRESS, D(2020, 6, 5), percent=100)
    only = Problem.objects.filter(lead_unit=guiyang)
    assert findings(problems=only) == [("g1", "done_not_applied", "done_not_applied")]


def test_checks_cost_a_fixed_number_of_queries(dirty, django_assert_max_num_queries):
    for i in range(20):
        p = ProblemFactory(number=f"x{i}")
        add_event(p, EventKind.PROGRESS, D(2020, 6, 5), percent=100)
        add_milestone(p, D(2021, 3, 1), 90)
    with django_assert_max_num_queries(15):
        results = quality.run_checks(Problem.objects.all(), as_of=AS_OF, period_start=PERIOD)
        total = sum(len(v) for v in results.values())
    assert total == 11 + 40

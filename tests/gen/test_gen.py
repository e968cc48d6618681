"""`rectify gen --scale small` on the test database: the promised counts, an intact audit
chain, figures that add up, an answering problem list API, complaint statistics, a planted
repeat found by the repeat index, and the same data for the same seed."""

from datetime import date

from django.db import transaction
from django.test import Client

from rectify.complaints import dedupe
from rectify.complaints import stats as complaint_stats
from rectify.complaints.models import (
    Complainant,
    Complaint,
    ComplaintBand,
    ComplaintStep,
    HandlingResult,
)
from rectify.complaints.states import State, Step
from rectify.core.audit import verify_chain
from rectify.dispatch.models import ProgressReport
from rectify.gen import SCALES, generate
from rectify.problems.models import Inspection, Milestone, Problem, StatusEvent
from rectify.reports.figures import disclosure_figures

TODAY = date(2026, 6, 30)
AS_OF = date(2025, 12, 31)


def test_small_scale(db):
    """One generation (seconds), checked from every side."""
    small = generate("small", seed=7, today=TODAY, log=lambda *a: None)
    check_counts_and_audit_chain(small)
    check_current_complaint_fields(small)
    check_figures_add_up(small)
    check_problem_list_api(small)
    check_planted_repeats_are_found(small)


def check_counts_and_audit_chain(small):
    cfg = SCALES["small"]
    assert Problem.objects.filter(inspection__code__endswith="-520000").count() > 0
    generated = Problem.objects.filter(
        inspection__code__regex=r"^(central-.*-520000|provincial-20(19|22)-52\d{4})$"
    )
    assert generated.count() == cfg.problems == small["counts"]["problems"]
    complaints = Complaint.objects.filter(acceptance_no__contains="GZ")
    assert complaints.count() == cfg.complaints == small["counts"]["complaints"]
    assert StatusEvent.objects.filter(problem__in=generated).count() == small["counts"]["events"]
    assert ProgressReport.objects.count() == small["counts"]["reports"] > cfg.problems
    assert Milestone.objects.filter(problem__in=generated).exists()
    # Every complaint has its RECEIVE step; the index covers every complaint.
    assert ComplaintStep.objects.filter(step=Step.RECEIVE).count() == cfg.complaints
    assert ComplaintBand.objects.count() == cfg.complaints * dedupe.BANDS
    assert Complainant.objects.exists()
    assert small["tables"]["complaints_complaintband"]["rows"] == cfg.complaints * dedupe.BANDS
    assert verify_chain() is None
    assert small["users"][:1] == ["gen_office"]


def check_current_complaint_fields(small):
    """The current fields agree with the latest step and result."""
    for c in Complaint.objects.order_by("id")[:300]:
        last = c.steps.order_by("-effective_date", "-id").first()
        assert last.to_state == c.state, c.acceptance_no
        result = HandlingResult.objects.filter(complaint=c).order_by("-effective_date", "-id")
        assert c.latest_result_id == (result.first().pk if result.exists() else None)
        if c.state == State.CLOSED:
            assert c.closed_on == last.effective_date
        assert c.repeat_of_id is None or c.repeat_of.repeat_of_id is None


def check_figures_add_up(small):
    """Totals equal their breakdowns."""
    inspection = Inspection.objects.get(code="central-2021-round2-520000")
    figures = disclosure_figures(inspection, AS_OF)
    problems = figures["problems"]
    assert problems["total"] > 0
    assert sum(problems["by_category"].values()) == problems["total"]
    assert sum(problems["by_aspect"].values()) == problems["total"]
    assert sum(problems["by_deadline_year"].values()) == problems["total"]
    qs = Complaint.objects.filter(batch__inspection=inspection)
    counts = complaint_stats.counts(qs, AS_OF)
    assert counts.received == qs.count() > 0
    assert counts.closed + counts.closed_stage + counts.in_progress == counts.received
    assert counts.repeats == qs.filter(repeat_of__isnull=False).count() > 0
    by_batch = complaint_stats.by_batch(qs, AS_OF)
    assert sum(c.received for _b, c in by_batch) == counts.received


def check_problem_list_api(small):
    """The ledger API answers the national office's token."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {small['api_token']}")
    r = client.get(
        "/api/v1/problems",
        {"inspection": "central-2021-round2-520000", "as_of": "2025-12-31", "limit": 50},
    )
    assert r.status_code == 200, r.content[:300]
    body = r.json()
    inspection = Inspection.objects.get(code="central-2021-round2-520000")
    assert body["count"] == Problem.objects.filter(inspection=inspection).count() > 0
    assert len(body["items"]) == min(50, body["count"])


def check_planted_repeats_are_found(small):
    repeats = list(
        Complaint.objects.filter(repeat_of__isnull=False).select_related("repeat_of__region")[:20]
    )
    assert len(repeats) == 20
    for rep in repeats:
        original = rep.repeat_of
        found = dedupe.candidates_for_text(original.content, original.region)
        assert original.pk in [c.complaint.pk for c in found]
    # The repeats' own (re-transcribed) texts find their originals too, nearly always.
    hits = 0
    for rep in repeats:
        found = dedupe.candidates_for_text(rep.content, rep.region, exclude_ids=[rep.pk])
        hits += rep.repeat_of_id in [c.complaint.pk for c in found]
    assert hits >= 16


def test_the_same_seed_gives_the_same_data(db):
    digests = []
    for _ in range(2):
        with transaction.atomic():
            report = generate("small", seed=11, today=TODAY, log=lambda *a: None)
            digests.append((report["digest"], report["counts"]))
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    with transaction.atomic():
        other = generate("small", seed=12, today=TODAY, log=lambda *a: None)
        transaction.set_rollback(True)
    assert other["digest"] != digests[0][0]

"""The demo complaints reproduce the 2020 disclosure's "交办贵州省的2688件群众举报问题已全部
办结", publish every batch, and leave the 遵义市 and 播州区 accounts work to do today."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rectify.accounts.models import User
from rectify.complaints import actions, stats
from rectify.complaints.models import Complainant, Complaint, ComplaintBatch
from rectify.complaints.publication import published
from rectify.complaints.queries import visible_complaints
from rectify.complaints.states import OPEN_STATES, State, Verdict
from rectify.core.audit import verify_chain
from rectify.demo.accounts import ensure_demo_accounts
from rectify.demo.complaints import ensure_demo_complaints
from rectify.demo.ledger import ensure_demo_ledger
from rectify.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db

AUG_2020 = date(2020, 8, 31)


def test_demo_complaints(orgs):
    """One load (it takes a while), then every check below."""
    today = timezone.localdate()
    ensure_demo_accounts()
    ensure_demo_ledger(today)
    assert ensure_demo_complaints(today) is True
    all_2688_complaints_are_closed_as_of_the_disclosure()
    figures_during_the_inspection_are_fewer_and_consistent()
    thirty_batches_cover_every_county_with_realistic_handling()
    complainants_are_scrubbed_from_the_texts()
    every_batch_is_published_a_few_days_after_it_came()
    zunyi_and_bozhou_accounts_have_work_some_of_it_overdue(today)
    loading_twice_changes_nothing(today)


def lookback():
    return Complaint.objects.filter(batch__inspection__code="central-2018-lookback")


def all_2688_complaints_are_closed_as_of_the_disclosure():
    counts = stats.counts(lookback(), AUG_2020)
    assert (counts.received, counts.closed, counts.closure_rate) == (2688, 2688, 1.0)
    assert counts.closed_stage == counts.in_progress == 0
    assert counts.repeats == lookback().filter(repeat_of__isnull=False).count() > 5
    assert stats.counts(lookback(), date(2019, 12, 31)).closed == 2688
    mid_2019 = stats.counts(lookback(), date(2019, 6, 30))  # stage-closed ones closed later
    assert mid_2019.closed < 2688 and mid_2019.closed_stage > 0
    money = stats.enforcement(lookback(), AUG_2020)
    assert money["fines_yuan"] > 1_000_000 and money["ordered_rectify"] > 500


def figures_during_the_inspection_are_fewer_and_consistent():
    mid = date(2018, 11, 20)
    counts = stats.counts(lookback(), mid)
    transferred = sum(
        b.stated_count
        for b in ComplaintBatch.objects.filter(
            inspection__code="central-2018-lookback", received_on__lte=mid
        )
    )
    assert 0 < counts.received == transferred < 2688
    assert counts.closed + counts.closed_stage + counts.in_progress == counts.received
    assert 0 < counts.closed < counts.received and counts.in_progress > 0
    later = stats.counts(lookback(), date(2018, 12, 4))
    assert later.received > counts.received and later.closed > counts.closed


def thirty_batches_cover_every_county_with_realistic_handling():
    batches = ComplaintBatch.objects.filter(inspection__code="central-2018-lookback")
    assert batches.count() == 30
    assert sum(b.stated_count for b in batches) == 2688
    assert len({b.stated_count for b in batches}) > 10  # counts vary day to day
    days = sorted(b.received_on for b in batches)
    assert (days[0], days[-1]) == (date(2018, 11, 6), date(2018, 12, 5))
    regions = set(lookback().values_list("region__code", flat=True))
    counties = Org.objects.filter(kind__in=(OrgKind.COUNTY, OrgKind.NEW_AREA))
    assert set(counties.values_list("code", flat=True)) <= regions
    verdicts = stats.by_verdict(lookback(), AUG_2020)
    found = sum(v for k, v in verdicts.items() if k != Verdict.UNTRUE)
    assert 0.62 < found / 2688 < 0.78
    with_complainant = Complainant.objects.filter(complaint__in=lookback()).count()
    assert 200 < with_complainant < 340
    assert lookback().filter(repeat_of__isnull=False).count() > 5
    assert lookback().filter(steps__step="close_stage").distinct().count() > 200


def complainants_are_scrubbed_from_the_texts():
    office = User.objects.get(username="office")
    checked = 0
    for c in lookback().filter(complainant__isnull=False, content__contains="***")[:5]:
        person = actions.check_reveal_complainant(c, actor=office, reason="演示数据自检")
        assert person.name and person.name not in c.content and person.phone not in c.content
        assert person.phone.startswith("1") and len(person.phone) == 11
        checked += 1
    assert checked == 5


def every_batch_is_published_a_few_days_after_it_came():
    pubs = published().filter(inspection__code="central-2018-lookback")
    assert pubs.count() == 30
    for p in pubs:
        assert timedelta(days=4) <= p.as_of - p.batch.received_on <= timedelta(days=6)
        assert p.figures["batch"]["transferred"] == p.batch.stated_count
    last = pubs.get(batch__number=30)
    assert "截至12月" in last.paragraphs[1] and "第1-30批共2688件" in last.paragraphs[1]


def zunyi_and_bozhou_accounts_have_work_some_of_it_overdue(today):
    recent = Complaint.objects.filter(batch__inspection__code="central-2024-round3")
    for username in ("zunyi", "bozhou"):
        mine = visible_complaints(User.objects.get(username=username)).filter(pk__in=recent)
        open_ = mine.filter(state__in=OPEN_STATES)
        assert open_.exists(), username
        late = stats.overdue(mine, today).count()
        assert 0 < late < open_.count(), username
    assert recent.filter(state=State.STAGE_CLOSED).exists()
    assert recent.filter(steps__step="return").exists()
    assert Complainant.objects.filter(complaint__in=recent).count() == 1
    assert published().filter(inspection__code="central-2024-round3").exists()


def loading_twice_changes_nothing(today):
    before = (Complaint.objects.count(), published().count())
    assert ensure_demo_complaints(today) is False
    assert (Complaint.objects.count(), published().count()) == before
    assert verify_chain() is None

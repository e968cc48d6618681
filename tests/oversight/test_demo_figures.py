"""The demo oversight records reproduce the 2020 disclosure's figures as of 2020-08-31,
smaller ones at the end of 2019, none before the inspection; loading twice adds nothing."""

from datetime import date

import pytest
from django.utils import timezone

from rectify.core.audit import verify_chain
from rectify.demo.accounts import ensure_demo_accounts
from rectify.demo.ledger import ensure_demo_ledger
from rectify.demo.oversight import ensure_demo_oversight
from rectify.oversight import stats
from rectify.oversight.models import AccountabilityCase, BattleTeam
from rectify.problems import asof
from rectify.problems.models import Problem
from rectify.problems.states import Source

AUG_2020 = date(2020, 8, 31)


@pytest.fixture(autouse=True)
def frozen():
    """The demo is written as of the real today (no frozen clock here)."""
    yield


@pytest.fixture
def demo(db):
    ensure_demo_accounts()
    today = timezone.localdate()
    ensure_demo_ledger(today)
    assert ensure_demo_oversight(today) is True
    return today


def test_the_demo_gives_the_disclosure_figures_then_smaller_then_none(demo):
    figures = stats.disclosure_figures("central-2018-lookback", AUG_2020)
    acc = figures["accountability"]
    assert acc["cases_transferred"] == 5
    assert (acc["organizations"], acc["persons"], acc["person_times"]) == (19, 81, 81)
    assert acc["by_rank"] == {"厅级": 11, "处级": 37, "科级及以下": 33}
    assert acc["by_sanction"] == {
        "党纪政务处分": 48,
        "党纪政务处分并组织处理": 9,
        "组织处理": 2,
        "诫勉谈话": 17,
        "书面检查": 1,
        "约谈": 3,
        "批评教育": 1,
        "移送司法机关": 0,
    }
    sup = figures["supervision"]
    assert (sup["letters"], sup["interviews"], sup["notifications"]) == (14, 3, 2)
    assert sup["secret_visits"] == 3 and sup["spot_checks"] == 2 and sup["warning_films"] == 1
    assert figures["meetings"] == 24
    assert figures["meetings_by_kind"] == {
        "省委常委会会议": 6,
        "省政府常务会议": 9,
        "专题会": 9,
        "领导小组会议": 0,
    }
    assert figures["battle_teams"] == 9
    assert figures["responsibility_letters"] == 2 * 18 - 1

    # The end of 2019 gives smaller figures, before the inspection none.
    aug = figures
    dec = stats.disclosure_figures("central-2018-lookback", date(2019, 12, 31))
    assert 0 < dec["accountability"]["persons"] < aug["accountability"]["persons"]
    assert 0 < dec["accountability"]["organizations"] < aug["accountability"]["organizations"]
    assert 0 < dec["supervision"]["letters"] < aug["supervision"]["letters"]
    assert 0 < dec["meetings"] < aug["meetings"]
    assert dec["battle_teams"] == 0
    none = stats.disclosure_figures("central-2018-lookback", date(2018, 10, 1))
    acc = none["accountability"]
    assert acc["cases_transferred"] == acc["persons"] == acc["organizations"] == 0
    assert set(acc["by_rank"].values()) == set(acc["by_sanction"].values()) == {0}
    assert set(none["supervision"].values()) == {0}
    assert none["meetings"] == none["battle_teams"] == none["responsibility_letters"] == 0

    # The ledger's figures are untouched; the secret visit's problem is in the ledger.
    central = Problem.objects.filter(inspection__code="central-2018-lookback")
    counts = asof.status_counts(central, AUG_2020)
    assert sum(counts.values()) == 42
    assert counts["completed"] + counts["signed_off"] == 30
    provincial = Problem.objects.filter(inspection__code="provincial-2019-lookback")
    p_counts = asof.status_counts(provincial, AUG_2020)
    assert (sum(p_counts.values()), p_counts["completed"] + p_counts["signed_off"]) == (184, 63)
    found = Problem.objects.get(inspection__code="central-2024-round3", number="暗访-1")
    assert found.source == Source.SECRET_VISIT and found.lead_unit.code == "520100"
    assert found.start_date == date(2025, 6, 12)


def test_the_demo_team_page_has_content_and_loading_twice_adds_nothing(demo, client, settings):
    from rectify.demo.accounts import DEMO_PASSWORD

    settings.RECTIFY_REQUIRE_2FA = False
    team = BattleTeam.objects.get(members__username="team")
    assert team.assigned_orgs.get().code == "520300"
    assert (
        client.post("/accounts/login/", {"username": "team", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    html = client.get(f"/oversight/teams/{team.pk}/").content.decode()
    assert "遵义市中心城区雨污混流" in html
    assert "雨污分流改造完成计划的60%" in html
    before = AccountabilityCase.objects.count()
    assert ensure_demo_oversight(demo) is False
    assert AccountabilityCase.objects.count() == before == 5
    assert verify_chain() is None

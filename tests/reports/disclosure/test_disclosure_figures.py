"""The figures of the report contract for a small ledger as of 2020-06-30: every key is
there, every figure is what was recorded by then, and the totals equal their breakdowns."""

from rectify.reports.render import compute_figures
from tests.reports.disclosure.support import D

CONTRACT = {
    "problems": {
        "total",
        "completed",
        "signed_off",
        "on_schedule",
        "behind_schedule",
        "not_started",
        "overdue",
        "by_category",
        "by_aspect",
        "by_deadline_year",
    },
    "complaints": {
        "assigned",
        "closed",
        "closed_stage",
        "in_progress",
        "closure_rate",
        "enforcement",
    },
    "accountability": {"cases_transferred", "organizations", "persons", "by_rank", "by_sanction"},
    "supervision": {"letters", "interviews", "notifications", "secret_visits", "spot_checks"},
}
ENFORCEMENT = {
    "ordered_rectify",
    "penalty_cases",
    "fines_yuan",
    "criminal_cases",
    "admin_detained",
    "criminal_detained",
    "interviewed",
    "held_accountable",
}


def test_the_figures_have_every_key_of_the_report_contract(world):
    f = compute_figures(world, D)
    assert {"inspection", "as_of", "followup", "meetings", "battle_teams", *CONTRACT} <= set(f)
    for block, expected in CONTRACT.items():
        assert expected <= set(f[block]), block
    assert set(f["complaints"]["enforcement"]) >= ENFORCEMENT
    assert set(f["accountability"]["by_rank"]) == {"厅级", "处级", "科级及以下"}
    assert {"inspection", "total", "completed"} <= set(f["followup"][0])
    assert (f["inspection"], f["as_of"]) == ("central-2018-lookback", "2020-06-30")


def test_the_figures_count_what_had_taken_effect_by_the_date(world):
    f = compute_figures(world, D)
    p = f["problems"]
    assert (p["total"], p["completed"], p["signed_off"]) == (6, 2, 1)
    assert (p["on_schedule"], p["behind_schedule"], p["not_started"], p["overdue"]) == (1, 1, 1, 1)
    assert p["by_category"] == {"城市基础设施类": 3, "自然保护地类": 3}
    assert p["by_aspect"] == {"推进重点难点问题整改": 3, "自然保护区管理": 3}
    assert p["by_deadline_year"] == {"2020": 6}
    assert f["followup"] == [
        {
            "inspection": "provincial-2019-lookback",
            "name": "2019年省委生态环境保护督察“回头看”",
            "total": 4,
            "completed": 2,
        }
    ]
    q = f["complaints"]
    assert (q["assigned"], q["closed"], q["closed_stage"], q["in_progress"]) == (3, 2, 1, 0)
    assert q["enforcement"]["ordered_rectify"] == 3
    assert q["enforcement"]["fines_yuan"] == "50000.00"
    a = f["accountability"]
    assert (a["cases_transferred"], a["organizations"], a["persons"]) == (1, 1, 3)
    assert a["by_rank"] == {"厅级": 1, "处级": 1, "科级及以下": 1}
    assert a["by_sanction"]["党纪政务处分"] == 2 and a["by_sanction"]["诫勉谈话"] == 1
    s = f["supervision"]
    assert (s["letters"], s["interviews"], s["notifications"]) == (2, 1, 0)
    assert f["meetings"] == 2 and f["meetings_by_kind"]["专题会"] == 1
    assert f["battle_teams"] == 1 and f["responsibility_letters"] == 1


def test_before_the_inspection_every_figure_is_zero(world):
    f = compute_figures(world, D.replace(year=2018, month=10, day=1))
    assert f["problems"]["total"] == 0 and f["complaints"]["assigned"] == 0
    assert f["followup"][0]["total"] == 0
    assert f["accountability"]["persons"] == 0 and f["meetings"] == 0 and f["battle_teams"] == 0

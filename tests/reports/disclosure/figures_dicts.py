"""Report-contract figures as plain dicts, for the text tests (no ledger needed)."""

import copy
from typing import Any

ZERO: dict[str, Any] = {
    "inspection": "central-2018-lookback",
    "as_of": "2020-08-31",
    "problems": {
        "total": 0,
        "completed": 0,
        "signed_off": 0,
        "on_schedule": 0,
        "ahead_of_schedule": 0,
        "behind_schedule": 0,
        "not_started": 0,
        "overdue": 0,
        "basically_done": 0,
        "by_category": {},
        "by_aspect": {},
        "by_deadline_year": {},
    },
    "complaints": {
        "assigned": 0,
        "closed": 0,
        "closed_stage": 0,
        "in_progress": 0,
        "closure_rate": 0.0,
        "repeats": 0,
        "enforcement": {
            "ordered_rectify": 0,
            "penalty_cases": 0,
            "fines_yuan": "0.00",
            "criminal_cases": 0,
            "admin_detained": 0,
            "criminal_detained": 0,
            "interviewed": 0,
            "held_accountable": 0,
        },
    },
    "followup": [],
    "accountability": {
        "cases_transferred": 0,
        "organizations": 0,
        "persons": 0,
        "person_times": 0,
        "by_rank": {"厅级": 0, "处级": 0, "科级及以下": 0},
        "by_sanction": {"党纪政务处分": 0, "诫勉谈话": 0, "约谈": 0},
        "by_org_kind": {},
    },
    "supervision": {
        "letters": 0,
        "interviews": 0,
        "notifications": 0,
        "secret_visits": 0,
        "spot_checks": 0,
        "warning_films": 0,
    },
    "meetings": 0,
    "meetings_by_kind": {"省委常委会会议": 0, "省政府常务会议": 0, "专题会": 0},
    "battle_teams": 0,
    "responsibility_letters": 0,
}

CATEGORIES = {
    "思想认识类": 8,
    "城市基础设施类": 11,
    "自然保护地类": 6,
    "“三磷”污染类": 4,
    "环境生态类": 5,
    "畜禽养殖类": 3,
    "其他类": 5,
}
ASPECTS = {"贯彻落实国家生态环境保护决策部署": 8, "推进重点难点问题整改": 28, "自然保护区管理": 6}


def zero(as_of: str = "2020-08-31") -> dict[str, Any]:
    f = copy.deepcopy(ZERO)
    f["as_of"] = as_of
    return f


def article(as_of: str = "2020-08-31") -> dict[str, Any]:
    """The reference article's figures as of 2020-08-31."""
    f = zero(as_of)
    f["problems"].update(
        total=42,
        completed=30,
        signed_off=17,
        on_schedule=12,
        by_category=dict(CATEGORIES),
        by_aspect=dict(ASPECTS),
        by_deadline_year={"2019": 11, "2020": 23, "2021": 4, "长期坚持": 4},
    )
    f["complaints"].update(assigned=2688, closed=2688, closure_rate=1.0)
    f["followup"] = [
        {
            "inspection": "provincial-2019-lookback",
            "name": "2019年省委生态环境保护督察“回头看”",
            "total": 184,
            "completed": 63,
        }
    ]
    f["accountability"].update(
        cases_transferred=5,
        organizations=19,
        persons=81,
        person_times=81,
        by_rank={"厅级": 11, "处级": 37, "科级及以下": 33},
        by_sanction={
            "党纪政务处分": 48,
            "党纪政务处分并组织处理": 9,
            "组织处理": 2,
            "诫勉谈话": 17,
            "书面检查": 1,
            "约谈": 3,
            "批评教育": 1,
            "移送司法机关": 0,
        },
    )
    f["supervision"].update(letters=14, interviews=3, notifications=2)
    f["meetings"] = 24
    f["meetings_by_kind"] = {
        "省委常委会会议": 6,
        "省政府常务会议": 9,
        "专题会": 9,
        "领导小组会议": 0,
    }
    f["battle_teams"] = 9
    return f

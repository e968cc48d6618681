"""The oversight cast and helpers.

Who sees what here (see rectify.core.testing for the cast):
- office_clerk writes every oversight record and sees officials' names;
- leader reads everything, names included, and writes nothing;
- zunyi_clerk (遵义市) sees the cases, actions and letters of 遵义市 and its counties, and
  the teams assigned there; never names;
- guiyang_outsider (贵阳市) sees none of 遵义市's records;
- team_member (a battle-team account) sees what its teams are assigned to and records
  visits for its own teams;
- sysadmin and auditor see nothing (404 pages, 403 API).
"""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rectify.orgs.models import Org
from rectify.oversight import actions
from rectify.oversight.models import MeetingKind, Rank, SanctionClass
from rectify.problems.testing import InspectionFactory, ProblemFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2020, 9, 10)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2020, 9, 10), tick=False):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def rank(code: str) -> Rank:
    return Rank.objects.get(code=code)


def sanction(name: str) -> SanctionClass:
    return SanctionClass.objects.get(name=name)


def meeting_kind(name: str) -> MeetingKind:
    return MeetingKind.objects.get(name=name)


@pytest.fixture
def inspection(orgs):
    return InspectionFactory()


@pytest.fixture
def zunyi_problem(inspection):
    return ProblemFactory(
        inspection=inspection, number="10", title="遵义市湘江河段截污管网建设滞后"
    )


@pytest.fixture
def guiyang_problem(inspection):
    return ProblemFactory(
        inspection=inspection,
        number="9",
        title="贵阳市南明河支流黑臭水体反弹",
        region=org("520100"),
        lead_unit=org("520100"),
    )


def make_case(office, inspection, number="1", **fields):
    data = {
        "inspection": inspection,
        "number": number,
        "title": f"督察组移交责任追究问题{number}",
        "source": "transferred",
        "received_date": date(2019, 5, 20),
    }
    data.update(fields)
    return actions.check_create_case(actor=office, data=data)


def add_person(office, case, name, **fields):
    data = {
        "name": name,
        "post": "局长",
        "unit_name": "遵义市生态环境局",
        "org": org("520300"),
        "rank": rank("division"),
        "sanction": sanction("诫勉谈话"),
        "decision_date": date(2019, 8, 1),
    }
    data.update(fields)
    return actions.check_add_held_person(case, actor=office, data=data)


def make_action(office, inspection, kind="letter", **fields):
    data = {
        "inspection": inspection,
        "kind": kind,
        "date": date(2019, 9, 1),
        "title": "关于加快湘江截污管网建设的督办函",
        "target_orgs": [org("520300")],
    }
    data.update(fields)
    return actions.check_create_action(actor=office, data=data)


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data, default=str), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(
        url, json.dumps(data, default=str), content_type="application/json", **extra
    )

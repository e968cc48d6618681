"""Helpers for the complaints page, API, action and statistics tests: a batch of the central
inspection, complaints of 播州区 (inside 遵义市) and 云岩区 (inside 贵阳市) taken in through the
real actions, and their handling on chosen dates.

Who sees what here: office_clerk everything; zunyi_clerk and bozhou_clerk the complaints
assigned to 播州区; guiyang_outsider only those assigned to 贵阳市's counties; leader all,
read-only; team_member (grant 遵义市) those of 遵义市, read-only.
"""

import base64
import importlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from rectify.complaints import actions, crypto
from rectify.complaints.actions import ComplaintData, ResultData
from rectify.complaints.crypto import PersonalData
from rectify.complaints.models import Complaint, ComplaintBatch, PollutionType
from rectify.complaints.states import Step, Verdict
from rectify.orgs.models import Org
from rectify.problems.testing import InspectionFactory

BOZHOU = "520304"  # 播州区, 遵义市
YUNYAN = "520103"  # 云岩区, 贵阳市
ZUNYI = "520300"
GUIYANG = "520100"
TRANSFERRED = date(2025, 6, 2)

# Canaries: personal data that must never show anywhere but the office's reveal answer.
CANARY_NAME = "龙金凤"
CANARY_PHONE = "13908512765"
CANARY_ADDRESS = "播州区鸭溪镇桂花村三组"
CANARY = PersonalData(name=CANARY_NAME, phone=CANARY_PHONE, address=CANARY_ADDRESS)


@pytest.fixture
def pii_key(settings, tmp_path):
    """A personal-data key of the test's own, outside the database and the repository."""
    settings.RECTIFY_PII_KEY = base64.b64encode(b"k" * 32).decode()
    settings.RECTIFY_PII_KEY_FILE = tmp_path / "none.key"
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def ensure_pollution_types() -> None:
    """The seeded reference list again: transactional (browser) tests flush it."""
    seed = importlib.import_module("rectify.complaints.migrations.0002_seed_pollution_types")
    for order, (code, name, aliases) in enumerate(seed.TYPES, start=1):
        PollutionType.objects.get_or_create(
            code=code, defaults={"name": name, "aliases": aliases, "sort_order": order}
        )


def types(*names: str) -> list[PollutionType]:
    if not PollutionType.objects.exists():
        ensure_pollution_types()
    found = list(PollutionType.objects.filter(name__in=names))
    assert len(found) == len(names), names
    return found


def make_batch(
    office, number: int = 1, *, received_on: date = TRANSFERRED, stated: int = 3, code=None
) -> ComplaintBatch:
    inspection = InspectionFactory(
        code=code or "central-2025",
        name="中央第三生态环境保护督察组",
        feedback_date=date(2025, 9, 1),
    )
    with time_machine.travel(received_on, tick=False):
        return actions.check_create_batch(
            actor=office,
            inspection=inspection,
            number=number,
            received_on=received_on,
            stated_count=stated,
        )


def intake(
    batch: ComplaintBatch,
    office,
    seq: int,
    *,
    region: str = BOZHOU,
    kinds: tuple[str, ...] = ("大气",),
    content: str = "",
    personal: PersonalData | None = None,
    is_key: bool = False,
    on: date | None = None,
) -> Complaint:
    """One complaint of `batch`, numbered D3GZ<day>00<seq>, through the office's action."""
    day = (on or batch.received_on).strftime("%Y%m%d")
    with time_machine.travel(batch.received_on, tick=False):
        return actions.check_create_complaint(
            batch,
            actor=office,
            data=ComplaintData(
                acceptance_no=f"D3GZ{day}{seq:04d}",
                content=content or f"群众反映某砂石厂夜间生产噪声和粉尘扰民，第{seq}件。",
                region=org(region),
                pollution_types=types(*kinds),
                is_key=is_key,
                personal=personal or PersonalData(),
            ),
        )


def assign(c: Complaint, office, on: date, unit: str | None = None, deadline=None) -> Complaint:
    with time_machine.travel(on, tick=False):
        return actions.check_transition_complaint(
            c,
            Step.ASSIGN,
            actor=office,
            effective_date=on,
            lead_unit=org(unit) if unit else c.region,
            deadline=deadline or date(2025, 6, 30),
        )


def file(
    c: Complaint,
    actor,
    on: date,
    *,
    verdict: str = Verdict.TRUE,
    close: str = "",
    **counts,
) -> Complaint:
    """File a handling result on `on` (and close with it when `close` is a step)."""
    c.refresh_from_db()
    with time_machine.travel(on, tick=False):
        return actions.check_file_result(
            c,
            actor=actor,
            data=ResultData(
                investigation="经现场核查，该砂石厂未落实降尘措施。",
                verdict=verdict,
                handling="责令停产整改，已完成降尘设施安装。",
                accountability="约谈镇分管负责人。" if counts.get("held_accountable") else "",
                **{k: (Decimal(v) if k == "fines_yuan" else v) for k, v in counts.items()},
            ),
            effective_date=on,
            close=close,
        )


def step(c: Complaint, actor, name: str, on: date, **kwargs) -> Complaint:
    c.refresh_from_db()
    with time_machine.travel(on, tick=False):
        return actions.check_transition_complaint(c, name, actor=actor, effective_date=on, **kwargs)

"""The dispatch cast and helpers: periods, problems of 遵义市, 播州区 and 贵阳市, and a
helper that writes (and submits) a report through the actions at a chosen moment.

Who does what here:
- office_clerk opens and closes periods, reads the bulletin, may review any report;
- zunyi_clerk (遵义市) writes the reports of problems 遵义市 leads;
- zunyi_reviewer (遵义市 acceptance group) reviews reports of 遵义市 and its counties;
- guiyang_outsider (贵阳市) sees none of 遵义市's problems, reports or figures.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rectify.dispatch import actions
from rectify.dispatch.actions import ReportData
from rectify.dispatch.models import DispatchPeriod
from rectify.orgs.models import Org
from rectify.problems.models import Measure
from rectify.problems.testing import ProblemFactory
from tests.problems import evidence_samples as samples

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 makes each account cost ~0.5 s; these tests are not about passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def zunyi_problem(number: str, **kwargs):
    """A 遵义市-led problem at a known site, listed on 2025-03-01, due at the end of 2025."""
    fields = {
        "number": number,
        "title": f"遵义市湘江河段截污管网建设滞后问题{number}",
        "start_date": date(2025, 3, 1),
        "original_deadline": date(2025, 12, 31),
        "latitude": Decimal(str(samples.ZUNYI[0])),
        "longitude": Decimal(str(samples.ZUNYI[1])),
    }
    fields.update(kwargs)
    fields.setdefault("deadline", fields["original_deadline"])
    return ProblemFactory(**fields)


def guiyang_problem(number: str, **kwargs):
    fields = {
        "number": number,
        "title": f"贵阳市南明河支流黑臭水体反弹问题{number}",
        "region": org("520100"),
        "lead_unit": org("520100"),
        "start_date": date(2025, 3, 1),
        "original_deadline": date(2025, 12, 31),
    }
    fields.update(kwargs)
    fields.setdefault("deadline", fields["original_deadline"])
    return ProblemFactory(**fields)


def add_measures(problem, *texts: str) -> None:
    for i, text in enumerate(texts, start=1):
        Measure.objects.create(problem=problem, seq=i, text=text)


def open_period(office, year: int, month: int, *, when: datetime | None = None, **kwargs):
    when = when or at(year, month, 1)
    with time_machine.travel(when, tick=False):
        return actions.check_open_period(actor=office, year=year, month=month, **kwargs)


def write(
    problem,
    period: DispatchPeriod,
    actor,
    *,
    when: datetime,
    percent: int = 40,
    on: date | None = None,
    submit: bool = True,
    text: str = "截污管网已完工3.2公里，剩余管段正在施工；存在问题：部分路段征地协调进度慢。",
    files=None,
    **kwargs,
):
    """Write (and by default submit) a report at the moment `when`, through the action."""
    with time_machine.travel(when, tick=False):
        return actions.check_write_report(
            problem,
            period,
            actor=actor,
            data=ReportData(
                text=text,
                percent=percent,
                effective_date=on or when.date(),
                measures_done=kwargs.pop("measures_done", []),
                decrease_reason=kwargs.pop("decrease_reason", ""),
            ),
            submit=submit,
            uploaded_files=files,
            **kwargs,
        )


def photo(name="整改后现场.jpg", **kwargs):
    return samples.upload(name, samples.jpeg_bytes(**kwargs), "image/jpeg")


@pytest.fixture(autouse=True)
def english(client):
    """Messages in English (the msgids) whatever the catalogue holds: pages through the
    Accept-Language header, actions through the active language."""
    from django.utils import translation

    # Client.logout() drops cookies, not default headers.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield

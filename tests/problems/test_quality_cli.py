"""`rectify check-data`: exit 0 when clean, 1 with findings, 2 on bad arguments."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rectify.problems.testing import InspectionFactory, ProblemFactory
from tests.problems.test_quality_checks import clean, dirty  # noqa: F401 (fixtures)

AS_OF = ["--as-of", "2020-06-15", "--period-start", "2020-06-01"]


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check-data", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.usefixtures("clean")
def test_clean_data_exits_zero():
    code, out = run(*AS_OF, "--lang", "en")
    assert code == 0
    assert out.startswith("data quality as of 2020-06-15 (period from 2020-06-01): 0")


@pytest.mark.usefixtures("dirty")
def test_findings_exit_one_and_are_listed_by_check():
    code, out = run(*AS_OF, "--lang", "en")
    assert code == 1
    assert "data quality as of 2020-06-15 (period from 2020-06-01): 11" in out
    assert "[done_not_applied] Reported fully done but not applied for acceptance: 1" in out
    assert "[dates_out_of_order] Dates out of order: 7" in out
    assert "central-2018-lookback d11 " in out
    assert "is after the deadline 2020-12-31." in out


@pytest.mark.usefixtures("dirty")
def test_json_output_lists_every_finding():
    code, out = run(*AS_OF, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["total"] == 11
    assert data["as_of"] == "2020-06-15" and data["period_start"] == "2020-06-01"
    assert list(data["checks"]) == [
        "done_not_applied",
        "no_report",
        "dates_out_of_order",
        "no_evidence",
        "milestone_after_deadline",
    ]
    (row,) = data["checks"]["no_evidence"]
    assert row["number"] == "d10" and row["inspection"] == "central-2018-lookback"
    assert row["details"] == {"date": "2020-06-01", "kind": "accepted"}


@pytest.mark.usefixtures("dirty")
def test_inspection_option_limits_the_check():
    other = InspectionFactory(code="provincial-2019-zunyi", name="省第二生态环境保护督察组")
    ProblemFactory(inspection=other, number="1")  # listed 2019-05-10, never reported
    code, out = run(*AS_OF, "--inspection", "provincial-2019-zunyi", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["total"] == 1
    assert data["checks"]["no_report"][0]["inspection"] == "provincial-2019-zunyi"


@pytest.mark.parametrize(
    "args",
    [
        ["--inspection", "no-such-inspection"],
        ["--as-of", "2020-02-30"],
        ["--period-start", "June"],
    ],
)
@pytest.mark.usefixtures("clean")
def test_bad_arguments_exit_two(args):
    code, _ = run(*args)
    assert code == 2

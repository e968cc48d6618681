"""Export → import into an empty ledger → export again gives the same rows."""

import io
from datetime import date

from rectify.core.audit import verify_chain
from rectify.problems import asof
from rectify.problems.excel.exporter import export_ledger
from rectify.problems.excel.importer import check_import_ledger
from rectify.problems.models import Aspect, Problem, StatusEvent

from .excel_helpers import build_ledger, counts, read_rows

AS_OF = date(2020, 12, 31)
TODAY = date(2021, 1, 15)


def export_bytes(inspection) -> bytes:
    out = io.BytesIO()
    export_ledger(Problem.objects.all(), out, inspection=inspection, as_of=AS_OF)
    return out.getvalue()


def wipe(inspection) -> None:
    Problem.objects.filter(inspection=inspection).delete()
    Aspect.objects.filter(inspection=inspection).delete()


def test_exported_ledger_reimports_into_an_empty_ledger_to_the_same_rows(orgs):
    inspection, _problems = build_ledger()
    first = export_bytes(inspection)
    statuses = asof.status_counts(Problem.objects.all(), AS_OF)
    wipe(inspection)

    result = check_import_ledger(
        io.BytesIO(first), inspection=inspection, actor="tests", as_of=AS_OF, today=TODAY
    )

    assert result.ok, [str(e) for e in result.errors]
    assert sorted(result.created) == ["1", "10", "2", "3", "4"]
    assert result.warnings == []
    second = export_bytes(inspection)
    assert read_rows(second) == read_rows(first)
    assert asof.status_counts(Problem.objects.all(), AS_OF) == statuses
    assert verify_chain() is None


def test_reimporting_the_same_file_changes_nothing(orgs):
    inspection, _problems = build_ledger()
    first = export_bytes(inspection)
    wipe(inspection)
    check_import_ledger(
        io.BytesIO(first), inspection=inspection, actor="tests", as_of=AS_OF, today=TODAY
    )
    before = counts()
    versions = dict(Problem.objects.values_list("number", "version"))

    again = check_import_ledger(
        io.BytesIO(first), inspection=inspection, actor="tests", as_of=AS_OF, today=TODAY
    )

    assert again.ok and not again.changed
    assert again.unchanged == 5
    assert counts() == before
    assert dict(Problem.objects.values_list("number", "version")) == versions


def test_exported_ledger_reimports_into_its_own_ledger_without_changes(orgs):
    inspection, _problems = build_ledger()
    before = counts()
    events = StatusEvent.objects.count()

    result = check_import_ledger(
        io.BytesIO(export_bytes(inspection)),
        inspection=inspection,
        actor="tests",
        as_of=AS_OF,
        today=TODAY,
    )

    assert result.ok, [str(e) for e in result.errors]
    assert not result.changed
    assert counts() == before
    assert StatusEvent.objects.count() == events

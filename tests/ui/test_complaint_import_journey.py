"""The office imports a batch of complaints in a real browser: the workbook has one bad cell,
the check (htmx, no page load) names its sheet, row and column in Chinese and imports
nothing; the clerk fixes the cell, checks again, confirms, and sees the batch imported.
No CSP violation on the way."""

import pytest
from playwright.sync_api import expect

from rectify.accounts.roles import Role
from rectify.complaints.models import Complaint, ComplaintBatch
from rectify.core.testing import ensure_reference_orgs, make_user
from rectify.problems.testing import InspectionFactory
from tests.browser import shoot
from tests.complaints.test_import_helpers import CODE, NAME, book, rows
from tests.complaints.ui_support import ensure_pollution_types, pii_key  # noqa: F401
from tests.ui.test_ledger_journey import sign_in

BAD_TYPE = "光污染"  # not a pollution type the office knows


@pytest.fixture
def office(transactional_db, pii_key, settings, tmp_path):  # noqa: F811
    settings.VAR_DIR = tmp_path / "var"  # the upload folder between check and confirm
    ensure_reference_orgs()
    ensure_pollution_types()  # transactional tests flush the seeded list
    InspectionFactory(code=CODE, name="中央第三生态环境保护督察组督察贵州省")
    make_user("office_import", Role.OFFICE, "520000")


def workbooks(tmp_path):
    bad = rows()
    bad[2][4] = BAD_TYPE  # the third complaint, on sheet row 4, column E (污染类型)
    bad_path = tmp_path / "第1批交办清单.xlsx"
    bad_path.write_bytes(book(bad))
    fixed_path = tmp_path / "第1批交办清单（修正）.xlsx"
    fixed_path.write_bytes(book())
    return bad_path, fixed_path


def check(page, path) -> None:
    page.select_option("#id_inspection", CODE)
    page.fill("#id_batch", "1")
    page.fill("#id_received_on", "2025-05-30")
    page.fill("#id_stated_count", "3")
    page.set_input_files("#id_file", str(path))
    page.click("form[hx-post] button[type=submit]")


def test_office_sees_the_bad_cell_fixes_it_and_imports_the_batch(page, office, tmp_path):
    bad_path, fixed_path = workbooks(tmp_path)
    sign_in(page, "office_import")
    page.goto(page.base_url + "/complaints/import/")
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")

    check(page, bad_path)
    errors = page.locator("#import-result table.excel-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("交办清单")  # sheet
    expect(cells.nth(1)).to_have_text("4")  # row
    expect(cells.nth(2)).to_contain_text("污染类型")  # column
    expect(cells.nth(2)).to_contain_text("(E)")
    expect(cells.nth(3)).to_contain_text(BAD_TYPE)
    expect(page.locator("#import-result h2.bad")).to_contain_text("未导入")
    expect(page.locator("#import-result button", has_text="导入")).to_have_count(0)
    assert page.locator("body").get_attribute("data-same-document") == "yes"  # htmx swap
    assert not ComplaintBatch.objects.exists() and not Complaint.objects.exists()
    shoot(page, "complaint-import-1-bad-row")

    check(page, fixed_path)
    result = page.locator("#import-result section.excel-result")
    expect(result.locator("h2")).to_contain_text("检查通过")
    expect(result.locator("h2")).to_contain_text("第1批")
    expect(result.locator("h2.bad")).to_have_count(0)
    counts = result.locator("table.excel-counts")
    expect(counts.locator("tr").nth(0).locator("td")).to_have_text("3")  # rows read
    expect(counts.locator("tr").nth(1).locator("td")).to_have_text("3")  # new complaints
    assert not Complaint.objects.exists()  # a check writes nothing
    shoot(page, "complaint-import-2-checked")

    result.locator("form input[name=token] ~ button[type=submit]").click()
    expect(result.locator("a[href*='/complaints/import/export/']")).to_be_visible()
    expect(page.locator("#import-result section.excel-result h2")).to_contain_text("已导入")
    shoot(page, "complaint-import-3-imported")
    assert page.locator("body").get_attribute("data-same-document") == "yes"

    batch = ComplaintBatch.objects.get(inspection__code=CODE, number=1)
    assert batch.stated_count == 3
    assert Complaint.objects.filter(batch=batch).count() == 3
    assert NAME not in page.content()  # the complainant stays encrypted and unseen
    assert page.csp_errors == []

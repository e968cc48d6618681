"""The demo's published disclosure: the 2018 look-back as of 2020-08-31, with the office's own
paragraphs of the reference article, published through the real actions (so its figures
and text are frozen, and the public portal shows it)."""

from datetime import date

from rectify.accounts.models import User
from rectify.problems.models import Inspection
from rectify.reports.actions import (
    check_create_disclosure,
    check_publish_disclosure,
    check_update_narratives,
)
from rectify.reports.models import Disclosure
from rectify.reports.text import REFERENCE_NARRATIVES

AS_OF = date(2020, 8, 31)


def ensure_demo_disclosure(today: date) -> bool:
    """Publish the reference disclosure once; True when it was published now."""
    inspection = Inspection.objects.filter(code="central-2018-lookback").first()
    if inspection is None or Disclosure.objects.filter(inspection=inspection, as_of=AS_OF).exists():
        return False
    office = User.objects.get(username="office")
    draft = check_create_disclosure(inspection, AS_OF, "zh", actor=office, today=today)
    draft = check_update_narratives(
        draft, REFERENCE_NARRATIVES, expected_version=draft.version, actor=office
    )
    check_publish_disclosure(draft, expected_version=draft.version, actor=office)
    return True

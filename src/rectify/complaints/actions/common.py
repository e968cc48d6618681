"""Helpers shared by the complaint actions: permission, version and audit snapshot."""

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.complaints.models import (
    Complaint,
)
from rectify.complaints.permissions import manages
from rectify.core import audit
from rectify.core.errors import ConflictError

# 受理编号 as teams issue them: D (telephone) or X (letter/online), the round digit, the
# province's letters, yyyymmdd, a 4-digit sequence — e.g. D3SX202505280018.
ACCEPTANCE_NO = re.compile(r"^(?P<channel>[DX])\d[A-Z]{1,4}(?P<day>\d{8})\d{3,5}$")
ACCEPTANCE_NO_LOOSE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")
MASK = "***"


def _require_manager(actor) -> None:
    # The CLI runs as a system actor (a string such as "cli:import"), as the ledger import
    # does: whoever has a shell on the server is trusted like the office.
    if isinstance(actor, str):
        return
    if not manages(actor):
        raise PermissionDenied(_("Only the rectification office may do this."))


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(_("This complaint was changed by someone else; reload and retry."))


def _not_future(effective_date: date, name: str = "effective_date") -> None:
    if effective_date > timezone.localdate():
        raise ValidationError({name: [_("The date cannot be in the future.")]})


def complaint_state(c: Complaint, *, types: list[str] | None = None) -> dict[str, Any]:
    """What the audit log shows of a complaint: no personal data, no signature bytes.
    `types` (the pollution type names) saves a query where the caller knows them."""
    data = audit.snapshot(
        c,
        [
            "acceptance_no",
            "batch",
            "channel",
            "received_on",
            "content",
            "region",
            "region_confirmed",
            "industry",
            "is_key",
            "longitude",
            "latitude",
            "lead_unit",
            "deadline",
            "state",
            "closed_on",
            "stage_closed_on",
            "problem",
            "repeat_of",
            "repeat_linked_on",
            "version",
        ],
    )
    if types is not None:
        data["pollution_types"] = types
    elif c.pk:
        data["pollution_types"] = _type_names(c)
    return data


def _type_names(c: Complaint) -> list[str]:
    return sorted(c.pollution_types.values_list("name", flat=True))

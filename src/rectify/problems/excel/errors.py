"""What an import reports: every bad cell with its sheet, row and column, and the outcome."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CellError:
    """One problem with the file; row is 1-based as Excel shows it, None for the whole file."""

    sheet: str
    row: int | None
    column: str  # the header as the file wrote it (or the expected header)
    message: str
    letter: str = ""  # column letter, when the column exists

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            col = f"{self.column} ({self.letter})" if self.letter else self.column
            parts.append(_("column %(column)s") % {"column": col})
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class LayoutError(Exception):
    """The sheet cannot be read as a ledger at all (no header row, missing columns)."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    """The outcome of an import or a dry run; nothing was written when `errors` is not empty."""

    inspection: str
    as_of: date
    dry_run: bool
    filename: str = ""
    sheet: str = ""
    rows: int = 0
    created: list[str] = field(default_factory=list)  # problem numbers
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    events: int = 0
    aspects_created: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # written anyway; worth a look
    notes: list[str] = field(default_factory=list)  # defaults applied, columns ignored

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.events or self.aspects_created)

    def summary(self) -> str:
        return _(
            "Rows read: %(rows)d. Problems created: %(created)d, updated: %(updated)d, "
            "unchanged: %(unchanged)d. Status events added: %(events)d."
        ) % {
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "events": self.events,
        }

"""What an import did, the same for members, catalogue and history: the
contract of `main.py import --json` and of the window's summary."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.core.errors import InputError


@dataclass(frozen=True)
class RowProblem:
    """One row's problem: `row` is the row's number as the owner sees it in the
    file (the spreadsheet's row, the text file's record), `field` the till's
    field it concerns ('' for the whole row), `error` the coded reason."""

    row: int
    field: str
    error: InputError

    @property
    def message(self) -> str:
        return str(self.error)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.error.code, "message": self.message}


@dataclass
class ImportOutcome:
    rows: int = 0  # data rows read (blank rows are not counted)
    imported: int = 0  # new records
    updated: int = 0  # records that existed and changed
    skipped: int = 0  # rows that changed nothing: already there as they are, or duplicates the owner skips
    errors: list[RowProblem] = field(default_factory=list)  # rows refused: nothing of them was written
    warnings: list[RowProblem] = field(default_factory=list)  # rows taken, with something the owner should know
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "imported": self.imported, "updated": self.updated, "skipped": self.skipped,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
            "dry_run": self.dry_run,
        }

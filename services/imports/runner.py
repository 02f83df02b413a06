"""One import flow for the window's wizard and for `main.py import`.

inspect     the file's facts, its columns and the mapping guessed (or remembered
            for this source), what is left unmapped or missing, the first rows
preview     the first rows with each row's verdict: the engine's dry run on them
run_import  the whole file through the engine (services.imports.<kind>.run),
            the rejected rows written back, the mapping remembered, one audit entry
save_rejects  the rejected rows of a run already done, written afterwards (the wizard's button)

The runner reads and maps; the engines check and write.  What the runner itself
refuses is a row it cannot map: a text file's row with values beyond the
file's columns (a separator inside a value without quotes shifts every cell
after it, so no cell of that row can be trusted), and a row the file could not
give whole (files.Table.problems).  Neither stops the import: it ends with its
counts, its audit entry and the rejects file whatever a row holds.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from services.core.errors import InputError
from services.imports import columns, files, values
from services.imports.outcome import ImportOutcome, RowProblem

# The engine of each kind: a module with run(records, *, actor, options, dry_run, progress, should_stop, now).
ENGINES: dict[str, str | Callable[..., ImportOutcome]] = {
    "members": "services.imports.members",
    "catalogue": "services.imports.catalogue",
    "history": "services.imports.history",
}
PREVIEW_ROWS = 20

Progress = Callable[[int, int], None]  # (done, total) in the table's units: bytes of a text file, rows of a workbook


@dataclass
class Inspection:
    table: files.Table
    kind: str
    mapping: dict[int, str]  # column index -> field
    remembered: bool  # the mapping is the one the owner confirmed last time for this source
    sample: list[tuple[int, list[Any]]] = field(default_factory=list)  # the first data rows

    @property
    def headers(self) -> list[str]:
        return self.table.headers

    @property
    def unmapped(self) -> list[int]:
        return [i for i in range(len(self.headers)) if i not in self.mapping]

    @property
    def missing(self) -> list[tuple[str, ...]]:
        return columns.missing(self.mapping, self.kind)

    def as_json(self) -> dict[str, Any]:
        t = self.table
        return {
            "file": t.path.name, "format": t.kind, "size": t.size, "encoding": t.encoding, "delimiter": t.delimiter,
            "sheet": t.sheet, "sheets": t.sheets, "header_row": t.header_row + 1, "headers": t.headers,
            "mapping": {str(i + 1): f for i, f in sorted(self.mapping.items())}, "remembered": self.remembered,
            "unmapped": [i + 1 for i in self.unmapped], "missing": [list(g) for g in self.missing],
            "sample": [{"row": n, "cells": [files.cell_text(c) for c in cells]} for n, cells in self.sample],
        }


@dataclass(frozen=True)
class RowVerdict:
    row: int
    cells: list[Any]
    errors: list[RowProblem]
    warnings: list[RowProblem]
    effect: str = ""  # what the row would do: "imported", "updated" or "skipped"; "" when refused

    @property
    def verdict(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "ok"


@dataclass(frozen=True)
class Preview:
    rows: list[RowVerdict]
    outcome: ImportOutcome  # the dry run's counts over those rows


def engine(kind: str) -> Callable[..., ImportOutcome]:
    if kind not in ENGINES:
        raise ValueError(f"unknown import kind {kind!r}")
    found = ENGINES[kind]
    return importlib.import_module(found).run if isinstance(found, str) else found


def inspect(path: Path | str, kind: str, *, encoding: str | None = None, delimiter: str | None = None,
            sheet: str | None = None, header_row: int | None = None, rows: int = PREVIEW_ROWS) -> Inspection:
    if kind not in columns.KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    table = files.open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet, header_row=header_row)
    known = columns.remembered(kind, table.headers)
    mapping = known if known is not None else columns.guess(table.headers, kind)
    sample = list(_first(table.rows(), rows)) if rows > 0 else []
    return Inspection(table=table, kind=kind, mapping=mapping, remembered=known is not None, sample=sample)


def preview(inspection: Inspection, mapping: dict[int, str], actor: Any, n: int = PREVIEW_ROWS,
            *, options: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Preview:
    """The first n rows as the engine would take them (a dry run: nothing is written).

    Each row's effect (new, an update, unchanged) is what it adds to the engine's
    counts: the dry run over the rows up to it against the one over the rows before
    it.  A row is judged as the whole file would judge it (a phone twice in the
    first rows: the second merges or is skipped), at the price of n small dry runs."""
    from services.shop import staff

    staff.require(actor, "import_data")
    columns.check(mapping, inspection.headers, inspection.kind)
    rows = inspection.sample[:n]
    if len(rows) < n and len(inspection.sample) >= PREVIEW_ROWS:
        rows = list(_first(inspection.table.rows(), n))
    run = engine(inspection.kind)

    def dry_run(upto: int) -> ImportOutcome:
        refused: list[RowProblem] = []
        records = _records(iter(rows[:upto]), inspection.table, mapping, refused)
        outcome = run(records, actor=actor, options=options, dry_run=True, now=now)
        _merge(outcome, refused)
        return outcome

    effects: dict[int, str] = {}
    outcome = before = ImportOutcome(dry_run=True)
    for upto, (number, _cells) in enumerate(rows, start=1):
        outcome = dry_run(upto)
        grown = [name for name in ("imported", "updated", "skipped") if getattr(outcome, name) > getattr(before, name)]
        if grown:
            effects[number] = grown[0]
        before = outcome
    if not rows:
        outcome = dry_run(0)
    verdicts = [
        RowVerdict(number, cells, [p for p in outcome.errors if p.row == number],
                   [p for p in outcome.warnings if p.row == number], effects.get(number, ""))
        for number, cells in rows
    ]
    return Preview(verdicts, outcome)


def run_import(path: Path | str, kind: str, *, actor: Any, mapping: dict[int, str] | None = None,
               encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None,
               header_row: int | None = None, dry_run: bool = False, errors_out: Path | str | None = None,
               options: dict[str, Any] | None = None, progress: Progress | None = None,
               should_stop: Callable[[], bool] | None = None, now: dt.datetime | None = None,
               error_header: str = files.ERROR_HEADER) -> ImportOutcome:
    """The whole file through the engine.  Without `mapping`, the remembered or guessed one.
    A real run remembers the mapping for this source and leaves one audit entry."""
    from services.journal import audit
    from services.shop import staff

    staff.require(actor, "import_data")
    if kind not in columns.KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    table = files.open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet, header_row=header_row)
    if mapping is None:
        mapping = columns.remembered(kind, table.headers) or columns.guess(table.headers, kind)
    columns.check(mapping, table.headers, kind)
    run = engine(kind)  # before reading: an unknown kind is a bug, not a half-read file

    def report(_rows_done: int) -> None:
        if progress is not None:
            progress(table.done, table.extent)

    refused: list[RowProblem] = []
    outcome = run(_records(table.rows(every=True), table, mapping, refused), actor=actor, options=options, dry_run=dry_run,
                  progress=report, should_stop=should_stop, now=now)
    _merge(outcome, refused)
    if progress is not None:
        progress(table.extent, table.extent)
    if errors_out is not None:
        files.write_rejects(table, _reasons(outcome.errors, table.headers, mapping), errors_out,
                            error_header=error_header)
    if not dry_run:
        columns.remember(kind, table.headers, mapping, now=now)
        audit.record("import", actor, target=table.path.name, now=now, kind=kind, rows=outcome.rows,
                     imported=outcome.imported, updated=outcome.updated, skipped=outcome.skipped,
                     errors=len(outcome.errors), warnings=len(outcome.warnings),
                     stopped=bool(should_stop is not None and should_stop()))
    return outcome


def save_rejects(path: Path | str, kind: str, outcome: ImportOutcome, mapping: dict[int, str],
                 out_path: Path | str, *, encoding: str | None = None, delimiter: str | None = None,
                 sheet: str | None = None, header_row: int | None = None,
                 error_header: str = files.ERROR_HEADER) -> Path:
    """The rows `outcome` refused, written from the file (read as the run read it) to
    `out_path` in its own shape with the reasons in an extra column: the wizard's
    "Save rejected rows…" after a dry run or an import."""
    if kind not in columns.KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    table = files.open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet, header_row=header_row)
    return files.write_rejects(table, _reasons(outcome.errors, table.headers, mapping), out_path,
                               error_header=error_header)


def _first(rows: Iterator[tuple[int, list[Any]]], n: int) -> Iterator[tuple[int, list[Any]]]:
    for index, row in enumerate(rows):
        if index >= n:
            return
        yield row


def _records(rows: Iterable[tuple[int, list[Any]]], table: files.Table, mapping: dict[int, str],
             refused: list[RowProblem]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: raw cell}) for the engine; rows it cannot map go to `refused`."""
    width = len(table.headers)
    order = sorted(mapping.items())
    for number, cells in rows:
        unreadable = table.problems.get(number)
        if unreadable is not None:  # a NUL, a byte not of the encoding, a quote never closed (files.Table.rows)
            refused.append(RowProblem(number, "", unreadable))
            continue
        if table.strict_width and len(cells) > width and not all(values.blank(c) for c in cells[width:]):
            refused.append(RowProblem(number, "", InputError(
                "import_row_cells", cells=len(files.trimmed(cells)), columns=width)))
            continue
        record: dict[str, Any] = {}
        for index, name in order:
            cell = cells[index] if index < len(cells) else None
            if name in record and name in columns.MULTI_FIELDS:  # two barcode columns: one cell, a code a line
                record[name] = "\n".join(files.cell_text(c) for c in (record[name], cell) if not values.blank(c))
            else:
                record[name] = cell
        yield number, record


def _merge(outcome: ImportOutcome, refused: list[RowProblem]) -> None:
    """The rows the runner refused count as read and as errors, in the file's order."""
    if refused:
        outcome.rows += len(refused)
        outcome.errors = sorted([*outcome.errors, *refused], key=lambda p: p.row)


def problem_text(problem: RowProblem, headers: list[str], mapping: dict[int, str]) -> str:
    """A row's problem in the shop's language, naming the column as the owner's own
    file names it ("Телефон: ..."), not the till's field."""
    from services.core.messages import error_text

    error = problem.error
    field = error.params.get("field")
    if isinstance(field, str):
        header = next((headers[i].strip() for i, name in sorted(mapping.items())
                       if name == field and i < len(headers) and headers[i].strip()), None)
        if header is not None:
            error = InputError(error.code, **{**error.params, "field": header})
    return error_text(error)


def _reasons(problems: list[RowProblem], headers: list[str], mapping: dict[int, str]) -> dict[int, str]:
    """One cell of reasons per rejected row (problem_text), for the rejects file."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(problem_text(problem, headers, mapping))
    return {row: "; ".join(texts) for row, texts in reasons.items()}

"""How every import engine walks its file: rows checked outside the write
lock, then a chunk at a time in one short write transaction (a sale at the
till waits one chunk at most), progress after each chunk, a stop asked for
honoured between chunks (what was committed stays; a second run completes
the rest).  A dry run does the same work and rolls each chunk back.

Also the small SQL helpers the engines' bulk lookups share: values go in
parts to IN (...), never one query per row.
"""
from __future__ import annotations

import itertools
import uuid
from typing import Any, Callable, Iterable, Iterator, TypeVar

from models import db
from services.core.storage import Pace
from services.imports.outcome import ImportOutcome

Checked = TypeVar("Checked")
PART = 500  # values per IN (...): well under SQLite's limit of bound values


class _DryRun(Exception):
    """Leaves a dry run's chunk transaction, rolling it back."""


def run_in_chunks(records: Iterable[tuple[int, dict[str, Any]]], outcome: ImportOutcome, pace: Pace, *,
                  check: Callable[[int, dict[str, Any], ImportOutcome], Checked | None],
                  write: Callable[[list[Checked], ImportOutcome], None],
                  progress: Callable[[int], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> ImportOutcome:
    stream = iter(records)
    done = 0
    while True:
        if done and should_stop is not None and should_stop():
            break
        batch = list(itertools.islice(stream, pace.size))
        if not batch:
            break
        checked = [found for row, cells in batch if (found := check(row, cells, outcome)) is not None]
        outcome.rows += len(batch)
        try:
            with pace.chunk():
                write(checked, outcome)
                if outcome.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        done += len(batch)
        if progress is not None:
            progress(done)
    return outcome


def parts(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), PART):
        yield items[start:start + PART]


def marks(part: list[Any]) -> str:
    return ", ".join("?" * len(part))


def select(sql: str, params: list[Any]) -> list[tuple]:
    return db.obj.execute_sql(sql, params).fetchall()


def as_uuid(raw: Any) -> Any:
    """A 16-byte id as the database returns it -> uuid.UUID (None stays None)."""
    return uuid.UUID(bytes=raw) if isinstance(raw, bytes) else raw

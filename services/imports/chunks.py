"""How every import engine walks its file: rows checked outside the write
lock, then a chunk at a time in one short write transaction (a sale at the
till waits one chunk at most), progress after each chunk, a stop asked for
honoured between chunks (what was committed stays; a second run completes
the rest).  A dry run does the same work and rolls each chunk back.

Also the small SQL helpers the engines' bulk lookups share: values go in
parts to IN (...), never one query per row.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import operator
import uuid
from typing import Any, Callable, Iterable, Iterator, TypeVar

import peewee

from models import db
from models.db import Statements, insert_tuples
from services.core.storage import Pace, fewer_checkpoints, write_transaction
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
    """The pace's chunks and rests (services.core.storage.Pace), with the next
    chunk's rows read and checked during the rest: the lock is free for the
    till's sales all the same, and the import does not wait idle for it."""
    with fewer_checkpoints(), fewer_collections():
        return _chunks(records, outcome, pace, check, write, progress, should_stop)


def _chunks(records: Iterable[tuple[int, dict[str, Any]]], outcome: ImportOutcome, pace: Pace,
            check: Callable[[int, dict[str, Any], ImportOutcome], Checked | None],
            write: Callable[[list[Checked], ImportOutcome], None], progress: Callable[[int], None] | None,
            should_stop: Callable[[], bool] | None) -> ImportOutcome:
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
        pace.rest_owed()
        start = pace.clock()
        try:
            with write_transaction():
                write(checked, outcome)
                if outcome.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        pace.written(start)
        done += len(batch)
        if progress is not None:
            progress(done)
    return outcome


YOUNG_OBJECTS = 20_000  # the cycle collector's first threshold while an import runs (Python's own: 700)


@contextlib.contextmanager
def fewer_collections(young: int = YOUNG_OBJECTS) -> Iterator[None]:
    """An import's rows make and drop small objects by the million (cells,
    lines, tuples), none of them in cycles; Python's collector would look at
    the young ones every 700 allocations and, as the import's caches grow,
    at everything now and then: about 5 % of a big history's time, nearly
    all of it saved by looking less often.  Python's thresholds come back
    afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


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


def _plain_value(value: Any) -> Any:
    """A value as SQLite's adapters (and so peewee's fields) store it: ids as
    16 bytes, dates and times as ISO text with a space, as sqlite3 writes them."""
    kind = type(value)
    if kind is uuid.UUID:
        return value.bytes
    if kind is dt.datetime:
        return value.isoformat(" ")
    if kind is dt.date:
        return value.isoformat()
    return value


# Fields whose Python value SQLite stores as it is (text, numbers, true/false): nothing to convert.
_STORED_AS_IS = (peewee.TextField, peewee.CharField, peewee.IntegerField, peewee.BooleanField)


def insert_plain(model: type[peewee.Model], rows: list[dict[str, Any]], *, sink: Statements | None = None) -> None:
    """models.db.insert_rows for an import's many rows, every field given: each
    value converted by its type alone, not through its field, as the file's
    rows are all alike (a tenth of the time for 100,000 members), and only the
    ids, days and times at that: the rest is stored as it is."""
    if not rows:
        return
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField)]
    names = [f.name for f in fields]
    row_values = operator.itemgetter(*names)
    converted = [i for i, f in enumerate(fields)
                 if not isinstance(f, _STORED_AS_IS) or isinstance(f, peewee.ForeignKeyField)]
    out = []
    for row in rows:
        values = list(row_values(row))
        for i in converted:
            values[i] = _plain_value(values[i])
        out.append(values)
    insert_tuples(model, names, out, sink=sink)

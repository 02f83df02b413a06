"""Writes at the service boundary, with the disk's failures told as such.

A full disk, a locked or read-only file is something the shop can fix; it
reaches the cashier as one sentence, and nothing of the write is kept (the
transaction rolls back).  Any other database error is a bug and passes on.
"""
from __future__ import annotations

import contextlib
import sqlite3
import time
from typing import Callable, Iterator

import peewee

from models import db, write_transaction as _database_transaction
from services.core.errors import InputError

# SQLite's words -> the error's code (its sentence is in services/core/error_texts.py).
_ENVIRONMENT = {
    "database or disk is full": "storage_full",
    "disk i/o error": "storage_io",
    "database is locked": "storage_locked",
    "attempt to write a readonly database": "storage_readonly",
    "unable to open database file": "storage_open",
}


class StorageError(InputError):
    """The till's file could not be written; nothing was saved."""


def storage_error(exc: BaseException) -> StorageError | None:
    """The disk's failure behind `exc`, looking down its chain: on a full disk
    SQLite rolls the transaction back itself, so peewee's own ROLLBACK then
    fails ("cannot rollback - no transaction is active") with the disk's
    error as its context."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        text = str(seen).lower()
        for needle, code in _ENVIRONMENT.items():
            if needle in text:
                return StorageError(code)
        seen = seen.__cause__ or seen.__context__
    return None


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """models.write_transaction (BEGIN IMMEDIATE), with disk failures as StorageError."""
    try:
        with _database_transaction():
            yield
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        error = storage_error(exc)
        if error is None:
            raise
        raise error from exc


BULK_CHECKPOINT_PAGES = 20_000  # about 80 MB of WAL (4 KiB pages), against SQLite's 1,000


@contextlib.contextmanager
def fewer_checkpoints(pages: int = BULK_CHECKPOINT_PAGES) -> Iterator[None]:
    """A long job's many chunk commits (an import) with the WAL checkpointed
    every `pages` pages on this connection, not every 1,000.

    A chunk of a big import writes more than 1,000 pages, so each of its
    commits also ran a checkpoint: every page copied into the database file
    and synced, the index pages the next chunk rewrites again (those of the
    receipts' members, scattered) copied once per chunk.  Every commit still
    syncs the WAL (synchronous FULL), so a committed chunk is as safe as
    before; the checkpoint runs after the commit has let go of the write lock,
    so the till's sales do not wait for it either way."""
    connection = db.obj
    before = connection.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    connection.execute_sql(f"PRAGMA wal_autocheckpoint = {int(pages)}")
    try:
        yield
    finally:
        connection.execute_sql(f"PRAGMA wal_autocheckpoint = {int(before)}")


def close_thread_connection() -> None:
    """Close this thread's connection to the till's file, if it has one (peewee
    keeps one per thread): a background job calls it when its work ends."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


class Pace:
    """How a long job (the period's review, a batch of cards) shares the write lock
    with the till's sales: a chunk per transaction, sized to take about `budget_s`,
    then a rest with the lock free.

    The rest matters as much as the chunk: SQLite has no queue for its lock, and a
    sale that found it taken polls again only every 100 ms (its busy handler's
    longest sleep), so back-to-back chunks would starve it for the whole job.  A
    rest longer than that poll lets every waiting sale in after one chunk at most.
    """

    REST_S = 0.12
    GROWTH = 2  # a chunk at most twice the last: one quick chunk (a warm cache) never sets up a long one

    def __init__(self, size: int, *, budget_s: float = 0.1, rest_s: float = REST_S, most: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 rest_first: bool = False) -> None:
        self.size = max(1, size)
        self.most = most or max(self.size * 20, 1)
        self.budget_s, self.rest_s = budget_s, rest_s
        self.clock, self.sleep = clock, sleep
        # rest_first: the rest is owed before the next chunk, and the work done between chunks
        # outside the lock (reading the next rows of a file) counts towards it.
        self.rest_first = rest_first
        self._ended: float | None = None

    @contextlib.contextmanager
    def chunk(self) -> Iterator[None]:
        """One chunk's transaction; afterwards the next chunk's size follows the time this one took."""
        if self.rest_first:
            self.rest_owed()
        start = self.clock()
        with write_transaction():
            yield
        self.written(start)
        if not self.rest_first:
            self.sleep(self.rest_s)

    def rest_owed(self) -> None:
        """Before a chunk: the rest since the last chunk ended that the work between did not fill."""
        if self._ended is not None:
            owed = self.rest_s - (self.clock() - self._ended)
            if owed > 0:
                self.sleep(owed)

    def written(self, start: float, size: int | None = None) -> None:
        """A chunk begun at `start` (the pace's clock) is committed: the next one's size
        follows the time it took (`size`: as adjust), and its rest starts now."""
        self._ended = self.clock()
        self.adjust(self._ended - start, size)

    def adjust(self, took: float, size: int | None = None) -> None:
        """The next chunk's size, from how long this one took (a slow disk, a busy machine);
        `size`: this one's, if it was not the size now (chunks read ahead of their writing)."""
        if took > 0:
            wanted = int((size or self.size) * self.budget_s / took)
            self.size = max(1, min(self.most, self.size * self.GROWTH, wanted))

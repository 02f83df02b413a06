"""The database handle: one proxy, opened by main.py with the till's pragmas."""
from __future__ import annotations

from pathlib import Path

import peewee

db = peewee.DatabaseProxy()

# WAL so a reader (reports, sync) never blocks the till; FULL so a completed
# sale survives a power cut; foreign keys because the ledger must point at
# real sales and members.
TILL_PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -64000,  # 64 MiB
    "temp_store": 2,  # memory
}


def make_database(path: str | Path) -> peewee.SqliteDatabase:
    return peewee.SqliteDatabase(str(path), pragmas=dict(TILL_PRAGMAS))


def write_transaction() -> peewee._atomic:
    """A transaction for a write that reads first (a balance, a sequence).

    BEGIN IMMEDIATE takes the write lock at the start, so two writers cannot
    both read the same balance and then both commit a redemption.  Nested
    calls become savepoints of the outer transaction.
    """
    return db.atomic(lock_type="IMMEDIATE")

"""Numbered migrations, kept in PRAGMA user_version.

The file is copied before any migration runs, and a database written by a
newer LoyalTill is refused rather than half-understood.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

import peewee

from models import schema


class DatabaseTooNew(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"This database was written by a newer LoyalTill (schema {found}; "
            f"this program knows up to {known}). Update LoyalTill to open it."
        )
        self.found = found
        self.known = known


def _m1_initial(database: peewee.SqliteDatabase) -> None:
    with database.bind_ctx(schema.V1_MODELS):  # this file, whatever the proxy points at
        database.create_tables(schema.V1_MODELS)


def _m2_loyalty_records(database: peewee.SqliteDatabase) -> None:
    """Coupons used and issued, pending points, once-only bonuses, referrals and
    each member sale's loyalty context (issue 4).  New tables only: no v1 table
    changes, so a v1 file keeps every row as it was."""
    with database.bind_ctx(schema.V2_MODELS):
        database.create_tables(schema.V2_MODELS)


def _m3_sync(database: peewee.SqliteDatabase) -> None:
    """Sync with the hub: per-field clocks for master data, and an index on the
    operations the hub has not acknowledged yet (Outbox.sent_at stays NULL
    until it has; acknowledged rows are kept, not deleted)."""
    with database.bind_ctx(schema.SYNC_MODELS):
        database.create_tables(schema.SYNC_MODELS)
    database.execute_sql('CREATE INDEX IF NOT EXISTS "outbox_unsent" ON "outbox" (seq) WHERE sent_at IS NULL')


MIGRATIONS: list[Callable[[peewee.SqliteDatabase], None]] = [
    _m1_initial,
    _m2_loyalty_records,
    _m3_sync,
]
LATEST = len(MIGRATIONS)


def schema_version(database: peewee.SqliteDatabase) -> int:
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def backup_file(path: Path, version: int) -> Path:
    """Copy the database (with its WAL checkpointed) before touching its schema."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def migrate(
    database: peewee.SqliteDatabase,
    path: Path | None = None,
    migrations: list[Callable[[peewee.SqliteDatabase], None]] | None = None,
) -> int:
    """Bring the schema up to the latest version; returns the version it found."""
    steps = MIGRATIONS if migrations is None else migrations
    latest = len(steps)
    found = schema_version(database)
    if found > latest:
        raise DatabaseTooNew(found, latest)
    if found == latest:
        return found
    if found > 0 and path is not None and path.exists():
        backup_file(path, found)
    for number in range(found, latest):
        with database.atomic(lock_type="IMMEDIATE"):
            steps[number](database)
            database.execute_sql(f"PRAGMA user_version = {number + 1}")
    return found

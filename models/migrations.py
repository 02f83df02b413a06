"""Numbered migrations, kept in PRAGMA user_version.

Each step is frozen SQL (models/migration_steps), never the models of the
day: a column added to a model must not change what an old step creates.  A
new file runs the same steps as an old one being upgraded.  The file is
copied before any migration runs, and a database written by a newer
LoyalTill is refused rather than half-understood.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

import peewee

from models.migration_steps import (
    m0001_initial, m0002_loyalty_records, m0003_sync, m0004_audit, m0005_authority, m0009_catalogue, m0011_stores,
    m0012_imports, m0013_summary, m0014_occasions, m0015_feedback, m0016_consent, m0017_rewards,
    m0019_privacy, m0020_visit_pack,
)


class DatabaseTooNew(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"This database was written by a newer LoyalTill (schema {found}; "
            f"this program knows up to {known}). Update LoyalTill to open it."
        )
        self.found = found
        self.known = known


def run_statements(database: peewee.SqliteDatabase, statements: tuple[str, ...]) -> None:
    """Run a frozen step's SQL, statement by statement, inside migrate()'s transaction."""
    for statement in statements:
        database.execute_sql(statement)


def _m1_initial(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0001_initial.STATEMENTS)


def _m2_loyalty_records(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0002_loyalty_records.STATEMENTS)


def _m3_sync(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0003_sync.STATEMENTS)


def _m4_audit(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0004_audit.STATEMENTS)


def _m11_stores(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0011_stores.STATEMENTS)


def _m5_authority(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0005_authority.STATEMENTS)


def _m9_catalogue(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0009_catalogue.STATEMENTS)


def _m12_imports(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0012_imports.STATEMENTS)


def _m13_summary(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0013_summary.STATEMENTS)


def _m14_occasions(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0014_occasions.STATEMENTS)


def _m15_feedback(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0015_feedback.STATEMENTS)


def _m16_consent(database: peewee.SqliteDatabase) -> None:
    m0016_consent.run(database)  # its tables, then the members' consent flag as consent rows


def _m17_rewards(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0017_rewards.STATEMENTS)


def _m19_privacy(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0019_privacy.STATEMENTS)


def _m20_visit_pack(database: peewee.SqliteDatabase) -> None:
    run_statements(database, m0020_visit_pack.STATEMENTS)


# History, in order: a step is never edited or removed once released; a change
# to the schema is a new step at the end (explicit DDL in models/migration_steps,
# or playhouse.migrate operations), and the model in models/schema.py changes with
# it.  tests/unit/models/test_schema_history.py fails when the two disagree.
MIGRATIONS: list[Callable[[peewee.SqliteDatabase], None]] = [
    _m1_initial,
    _m2_loyalty_records,
    _m3_sync,
    _m4_audit,
    _m5_authority,
    _m9_catalogue,
    _m11_stores,
    _m12_imports,
    _m13_summary,
    _m14_occasions,
    _m15_feedback,
    _m16_consent,
    _m17_rewards,
    _m19_privacy,
    _m20_visit_pack,
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
    # A step may rebuild a table (playhouse.migrate does, on SQLite, to change a
    # column), and DROP TABLE of a referenced table fails with foreign keys on.
    # The pragma is ignored inside a transaction, so it is set around the steps,
    # and each step proves its own foreign keys before it commits.
    enforced = database.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for number in range(found, latest):
            with database.atomic(lock_type="IMMEDIATE"):
                steps[number](database)
                _check_foreign_keys(database, number + 1)
                database.execute_sql(f"PRAGMA user_version = {number + 1}")
    finally:
        database.execute_sql(f"PRAGMA foreign_keys = {1 if enforced else 0}")
    return found


def _check_foreign_keys(database: peewee.SqliteDatabase, step: int) -> None:
    """With enforcement off, a step that dropped, rebuilt or emptied a table
    could leave rows pointing nowhere; the whole file is checked, as SQLite's
    own procedure for changing a table asks (seconds on a large till, and only
    when a step runs)."""
    broken = database.execute_sql("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        table, rowid, parent = broken[0], broken[1], broken[2]
        raise peewee.IntegrityError(f"migration {step} left a row of {table} (rowid {rowid}) pointing at no row of {parent}")

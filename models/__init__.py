"""peewee models and the database handle; no Qt, no business rules."""
from __future__ import annotations

from pathlib import Path

import peewee

from models.db import db, make_database, write_transaction
from models.migrations import DatabaseTooNew, migrate

__all__ = ["db", "open_database", "write_transaction", "DatabaseTooNew", "DatabaseUnusable"]


class DatabaseUnusable(Exception):
    """The file is not a till database, or cannot be opened or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} cannot be used as a till database: {reason}.")
        self.path = path
        self.reason = reason


def open_database(path: str | Path) -> peewee.SqliteDatabase:
    """Open (creating if needed) and migrate the till database, bind the proxy."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseUnusable(path, "it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        database = make_database(path)
        db.initialize(database)
        database.connect(reuse_if_open=True)
    except (OSError, peewee.DatabaseError) as exc:
        raise DatabaseUnusable(path, str(exc)) from exc
    try:
        migrate(database, path)
    except DatabaseTooNew:
        database.close()
        raise
    except (OSError, peewee.DatabaseError) as exc:
        database.close()
        raise DatabaseUnusable(path, str(exc)) from exc
    except Exception:
        database.close()
        raise
    return database

"""peewee models and the database handle; no Qt, no business rules."""
from __future__ import annotations

from pathlib import Path

import peewee

from models.db import db, make_database, write_transaction
from models.migrations import DatabaseTooNew, migrate

__all__ = ["db", "open_database", "write_transaction", "DatabaseTooNew"]


def open_database(path: str | Path) -> peewee.SqliteDatabase:
    """Open (creating if needed) and migrate the till database, bind the proxy."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    database = make_database(path)
    db.initialize(database)
    database.connect(reuse_if_open=True)
    try:
        migrate(database, path)
    except Exception:
        database.close()
        raise
    return database

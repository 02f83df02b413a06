"""Writes at the service boundary, with the disk's failures told as such.

A full disk, a locked or read-only file is something the shop can fix; it
reaches the cashier as one sentence, and nothing of the write is kept (the
transaction rolls back).  Any other database error is a bug and passes on.
"""
from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

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


def close_thread_connection() -> None:
    """Close this thread's connection to the till's file, if it has one (peewee
    keeps one per thread): a background job calls it when its work ends."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()

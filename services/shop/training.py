"""Training mode: a cashier practises real sales, cards, points and returns
on a copy of the shop.

The copy is a separate database file made from the real one with SQLite's
backup API (a consistent snapshot even while the till's own file is open in
WAL mode).  In the copy the outbox is emptied and the hub's address and token
are removed, so nothing written there can travel; a `training_of` setting
marks the file, and receipts, the window and sync read it.  The real file is
not written while training: the database handle points at the copy, and
leaving training points it back and deletes the copy.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from models import db, open_database
from models.schema import Setting
from services.core.errors import InputError

MARK = "training_of"  # in the copy only: the real file it was made from
# The copy's till code is the real one with this in front, so its receipts are
# numbered in their own series ("TR-T1-000042"), never a real receipt's number.
SERIES = "TR-"
# What ties a till to its hub; none of it is copied.
HUB_KEYS = ("sync_hub_url", "sync_token", "sync_cursor", "sync_last_ok", "sync_seeded", "sync_hlc",
            "sync_last_error")


def is_training() -> bool:
    """Whether the open database is a training copy (receipts, the window and sync ask)."""
    if db.obj is None:
        return False
    row = Setting.get_or_none(Setting.key == MARK)
    return bool(row and json.loads(row.value))


def is_training_number(receipt_no: str) -> bool:
    """A receipt number from a training copy (a real till has none of these)."""
    return receipt_no.strip().upper().startswith(SERIES)


def real_file() -> Path | None:
    """While training, the shop's own file; None otherwise."""
    row = Setting.get_or_none(Setting.key == MARK)
    return Path(json.loads(row.value)) if row and json.loads(row.value) else None


def copy_path(real: Path) -> Path:
    """Where a till's training copy lives: beside its file, never mistaken for it."""
    return real.with_name(f"{real.stem}.training{real.suffix or '.db'}")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def make_copy(dest: Path) -> Path:
    """Copy the open (real) database into `dest` and cut the copy off from the chain."""
    if is_training():
        raise InputError("training_nested")
    real = Path(db.obj.database)
    _remove(dest)
    try:
        with contextlib.closing(sqlite3.connect(dest)) as target:
            db.obj.connection().backup(target)
            with target:
                target.execute("DELETE FROM outbox")
                target.execute(f"DELETE FROM setting WHERE key IN ({', '.join('?' * len(HUB_KEYS))})", HUB_KEYS)
                # This till writes expiry if the real one does (services.programme.loyalty.expires_here).
                target.execute("UPDATE setting SET value = json_quote(? || json_extract(value, '$')) "
                               "WHERE key = 'expiry_till' AND json_extract(value, '$') = "
                               "(SELECT code FROM till WHERE is_local = 1)", (SERIES,))
                target.execute("UPDATE till SET code = ? || code WHERE is_local = 1", (SERIES,))
                target.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                               (MARK, json.dumps(str(real.resolve()), ensure_ascii=False)))
    except (OSError, sqlite3.Error) as exc:
        _remove(dest)
        raise InputError("training_copy_failed", reason=str(exc)) from exc
    return dest


def start() -> Path:
    """Switch the till to a fresh training copy of its shop; the real file's path.

    The caller has finished the work under way (no worker holds the handle)."""
    real = Path(db.obj.database)
    dest = make_copy(copy_path(real))
    db.obj.close()
    open_database(dest)
    return real


def leave() -> Path:
    """Back to the real shop; the copy is deleted (the next training starts afresh)."""
    real = real_file()
    if real is None:
        return Path(db.obj.database)
    copy = Path(db.obj.database)
    db.obj.close()
    open_database(real)
    _remove(copy)
    return real

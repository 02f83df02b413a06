"""The open till's mark beside its file: `till.db.lock`, held while the window runs.

A restore moves the till's file aside; a window still open on it would keep
selling into the moved-aside file, and those sales would be lost to the
restored one.  So the window holds an operating-system lock on a small file
beside the database for as long as it runs, and `restore` refuses while
another program holds it.  Commands such as `sell` may run while the window
is open, so only the restore asks.  The lock is the system's (fcntl on
Linux and macOS, msvcrt on Windows): it goes with the process, so a crashed
till never leaves a stale one behind.  No Qt: the services layer tests it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO

_held: dict[Path, IO[bytes]] = {}  # the locks this process holds, by their file


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _key(db_path: Path) -> Path:
    return lock_path(db_path).resolve()


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass


def hold(db_path: Path) -> bool:
    """Take the lock for this process (the window, as it opens the till);
    False when another program holds it already (a second window)."""
    key = _key(db_path)
    if key in _held:
        return True
    try:
        handle = open(key, "a+b")
    except OSError:
        return True  # a read-only folder: nothing to guard with, the till still opens
    if not _try_lock(handle):
        handle.close()
        return False
    _held[key] = handle
    return True


def release(db_path: Path) -> None:
    handle = _held.pop(_key(db_path), None)
    if handle is not None:
        _unlock(handle)
        handle.close()


def held_elsewhere(db_path: Path) -> bool:
    """Whether another program (a till's window) has this file open now."""
    key = _key(db_path)
    if key in _held or not key.exists():
        return False
    try:
        handle = open(key, "a+b")
    except OSError:
        return False
    try:
        if not _try_lock(handle):
            return True
        _unlock(handle)
        return False
    finally:
        handle.close()

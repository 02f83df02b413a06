"""Putting a backup back in place of the till's file.

What is offered is checked before anything changes: a file that is not an
SQLite database (a PDF), an SQLite file that is not a till, a damaged one, a
demo that never finished building, one from a newer LoyalTill or from
another till of the chain is refused with one sentence.  The file it
replaces is kept aside, renamed (with its -wal, so nothing it held is lost).

The restored till must not reuse numbers the chain has seen: its unsent
operations move above the last one the hub applied, and its receipt and
card counters past the replaced file's (services.journal.continuity; the
first sync finishes it from the hub's own count).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import db, open_database
from models.migrations import LATEST
from models.schema import Setting, utcnow
from services.care import check
from services.core.errors import InputError
from services.core.storage import write_transaction

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class TillFacts:
    """What a till file knows about its own numbering."""

    till_id: bytes | None
    receipt_seq: int
    card_seq: int
    max_seq: int  # the last outbox seq written
    sent_seq: int  # the last outbox seq the hub acknowledged


@dataclass
class RestoreResult:
    restored_from: str
    kept_aside: str | None
    moved_ops: int
    receipt_seq: int
    card_seq: int
    replaced_readable: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "restored_from": self.restored_from, "kept_aside": self.kept_aside, "moved_ops": self.moved_ops,
            "receipt_seq": self.receipt_seq, "card_seq": self.card_seq, "replaced_readable": self.replaced_readable,
        }


def read_facts(path: Path) -> TillFacts:
    with check.read_only(path) as conn:
        till = conn.execute('SELECT id, receipt_seq, card_seq FROM "till" WHERE is_local = 1').fetchone()
        max_seq = conn.execute('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]
        sent_seq = conn.execute('SELECT COALESCE(MAX(seq), 0) FROM "outbox" WHERE sent_at IS NOT NULL').fetchone()[0]
    if till is None:
        return TillFacts(None, 0, 0, max_seq, sent_seq)
    return TillFacts(bytes(till[0]), int(till[1]), int(till[2]), int(max_seq), int(sent_seq))


def inspect_backup(path: Path) -> TillFacts:
    """Refuse, with one sentence, anything that is not a sound backup of a till."""
    path = Path(path)
    if not path.is_file():
        raise InputError("restore_no_file", path=str(path))
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise InputError("restore_unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    if header != SQLITE_HEADER:
        raise InputError("restore_not_backup", path=str(path))
    report = check.full(path)
    if not report.till_file:
        raise InputError("restore_not_till", path=str(path))
    if report.integrity != ["ok"]:
        raise InputError("restore_damaged", path=str(path))
    if report.schema > LATEST:
        raise InputError("restore_too_new", path=str(path))
    if report.demo_unfinished:
        raise InputError("restore_demo_unfinished", path=str(path))
    try:
        facts = read_facts(path)
    except sqlite3.Error:
        raise InputError("restore_damaged", path=str(path)) from None
    if facts.till_id is None:
        raise InputError("restore_not_till", path=str(path))
    return facts


def _close_live() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def _move(src: Path, dst: Path) -> None:
    os.replace(src, dst)
    for tail in ("-wal", "-shm"):
        side = src.with_name(src.name + tail)
        if side.exists():
            os.replace(side, dst.with_name(dst.name + tail))


def restore(db_path: Path, backup: Path, *, staff: Any = None, now: dt.datetime | None = None) -> RestoreResult:
    """Replace the till's file by `backup`; the current one is kept aside."""
    from services.journal import audit, continuity

    db_path, backup = Path(db_path), Path(backup)
    now = now or utcnow()
    if backup.resolve() == db_path.resolve():
        raise InputError("restore_onto_itself", path=str(backup))
    facts = inspect_backup(backup)
    old: TillFacts | None = None
    if db_path.exists():
        try:
            old = read_facts(db_path)
        except (sqlite3.Error, UnicodeDecodeError):
            old = None  # damaged: the hub's count finishes the job at the first sync
    if old is not None and old.till_id is not None and old.till_id != facts.till_id:
        raise InputError("restore_other_till", path=str(backup))

    _close_live()
    staging = db_path.with_name(db_path.name + ".restoring")
    for stale in (staging, staging.with_name(staging.name + "-wal"), staging.with_name(staging.name + "-shm")):
        stale.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src, \
                contextlib.closing(sqlite3.connect(staging)) as dst:
            src.backup(dst)
    except (OSError, sqlite3.Error) as exc:
        staging.unlink(missing_ok=True)
        raise InputError("restore_write_failed", path=str(db_path), reason=str(exc)) from None

    receipt_seq = max(facts.receipt_seq, old.receipt_seq if old else 0)
    card_seq = max(facts.card_seq, old.card_seq if old else 0)
    floor = max(facts.sent_seq, old.sent_seq if old else 0)
    database = open_database(staging)  # migrates a backup from an older LoyalTill
    try:
        with write_transaction():
            continuity.move_counters(receipt_seq, card_seq)
            Setting.insert(key=continuity.RESTORED_KEY, value=_json({
                "at": now.isoformat(timespec="seconds"), "backup": str(backup), "backup_seq": facts.max_seq,
                "receipt_seq": receipt_seq, "card_seq": card_seq, "exact": old is not None,
            })).on_conflict_replace().execute()
            audit.record("backup_restored", staff, target=backup.name, now=now, kept_aside=old is not None)
            moved = continuity.renumber_unsent(floor)
    finally:
        database.close()

    aside = None
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}")
        _move(db_path, aside)
    _move(staging, db_path)
    return RestoreResult(str(backup), str(aside) if aside else None, moved, receipt_seq, card_seq, old is not None)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)

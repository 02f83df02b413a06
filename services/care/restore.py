"""Putting a backup back in place of the till's file.

What is offered is checked before anything changes: a file that is not an
SQLite database (a PDF), an SQLite file that is not a till, a damaged one, a
demo that never finished building, one from a newer LoyalTill or from
another till of the chain is refused with one sentence.  The file it
replaces is kept aside, renamed (with its -wal, so nothing it held is lost).

The restored till must not reuse numbers the chain has seen: its unsent
operations move above the last one the hub applied, and its receipt and
card counters past the replaced file's (services.journal.continuity; the
first sync finishes it from the hub's own count).  When the file it replaces
cannot be read, nothing says how far the till got after the backup: the
receipt counter jumps a safe block ahead, and no card is numbered by this
till until the first sync has settled the counters from the hub's count.

The restore never leaves the program's database handle on the staging file:
the handle is bound to the till's own file again afterwards, restored or
(after a failure) as it was.  It refuses while a till's window holds the
file open (services.care.lock): that window would keep selling into the
file moved aside.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from models import DatabaseUnusable, db, open_database
from models.migrations import LATEST
from models.schema import Setting, utcnow
from services.care import check, lock
from services.core.errors import InputError
from services.core.storage import write_transaction

SQLITE_HEADER = b"SQLite format 3\x00"
# Receipts a till may have printed after its backup when the file it replaces
# cannot be read: the restored counter jumps this far (a busy till's weeks).
RECEIPT_JUMP = 10_000


@dataclass(frozen=True)
class TillFacts:
    """What a till file knows about its own numbering."""

    till_id: bytes | None
    receipt_seq: int
    card_seq: int
    max_seq: int  # the last outbox seq written
    sent_seq: int  # the last outbox seq the hub acknowledged
    till_code: str = ""
    shop_name: str = ""
    stamp: tuple[int, int] = (0, 0)  # size and mtime when inspected: restore re-inspects a changed file


@dataclass
class RestoreResult:
    restored_from: str
    kept_aside: str | None
    moved_ops: int
    receipt_seq: int
    card_seq: int
    replaced_readable: bool
    backup_shop: str = ""  # whose backup this was: said when no live file could confirm it
    backup_till: str = ""
    cards_wait_for_sync: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "restored_from": self.restored_from, "kept_aside": self.kept_aside, "moved_ops": self.moved_ops,
            "receipt_seq": self.receipt_seq, "card_seq": self.card_seq, "replaced_readable": self.replaced_readable,
            "backup_shop": self.backup_shop, "backup_till": self.backup_till,
            "cards_wait_for_sync": self.cards_wait_for_sync,
        }


def read_facts(path: Path) -> TillFacts:
    with check.read_only(path) as conn:
        till = conn.execute('SELECT id, receipt_seq, card_seq, code FROM "till" WHERE is_local = 1').fetchone()
        max_seq = conn.execute('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]
        sent_seq = conn.execute('SELECT COALESCE(MAX(seq), 0) FROM "outbox" WHERE sent_at IS NOT NULL').fetchone()[0]
        shop = conn.execute("SELECT value FROM setting WHERE key = 'shop_name'").fetchone()
    if till is None:
        return TillFacts(None, 0, 0, max_seq, sent_seq)
    return TillFacts(bytes(till[0]), int(till[1]), int(till[2]), int(max_seq), int(sent_seq),
                     till_code=_text(till[3]), shop_name=_shop_name(shop[0] if shop else None))


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _shop_name(value: Any) -> str:
    import json

    try:
        name = json.loads(_text(value)) if value is not None else ""
    except ValueError:
        return _text(value)
    return name if isinstance(name, str) else ""


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def describe(facts: TillFacts) -> str:
    """The backup's till as the owner knows it: its code and the start of its id."""
    short = facts.till_id.hex()[:8] if facts.till_id else "?"
    return f"{facts.till_code} ({short})" if facts.till_code else short


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
    if report.unknown_schema:
        raise InputError("restore_unknown_schema", path=str(path), names=", ".join(report.unknown_schema[:3]))
    try:
        facts = read_facts(path)
    except sqlite3.Error:
        raise InputError("restore_damaged", path=str(path)) from None
    if facts.till_id is None:
        raise InputError("restore_not_till", path=str(path))
    return replace(facts, stamp=_stamp(path))


def _close_live() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def _move(src: Path, dst: Path) -> None:
    os.replace(src, dst)
    for tail in ("-wal", "-shm"):
        side = src.with_name(src.name + tail)
        if side.exists():
            os.replace(side, dst.with_name(dst.name + tail))


def restore(db_path: Path, backup: Path, *, staff: Any = None, now: dt.datetime | None = None,
            inspected: TillFacts | None = None) -> RestoreResult:
    """Replace the till's file by `backup`; the current one is kept aside.

    `inspected` is what `inspect_backup` said of this file a moment ago (the
    window asks the owner in between): it is not read twice unless the file
    changed since."""
    db_path, backup = Path(db_path), Path(backup)
    now = now or utcnow()
    if backup.resolve() == db_path.resolve():
        raise InputError("restore_onto_itself", path=str(backup))
    if lock.held_elsewhere(db_path):
        raise InputError("restore_till_open", path=str(db_path))
    if inspected is not None and backup.is_file() and inspected.stamp == _stamp(backup):
        facts = inspected
    else:
        facts = inspect_backup(backup)
    old: TillFacts | None = None
    if db_path.exists():
        try:
            old = read_facts(db_path)
        except (sqlite3.Error, UnicodeDecodeError):
            old = None  # damaged: the hub's count finishes the job at the first sync
    if old is not None and old.till_id is not None and old.till_id != facts.till_id:
        raise InputError("restore_other_till", path=str(backup))

    live = db.obj  # the program's handle (the window's): bound to the till's file again below
    _close_live()
    staging = db_path.with_name(db_path.name + ".restoring")
    try:
        moved = _stage(backup, staging, facts, old, staff, now)
        aside = None
        if db_path.exists():
            aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}")
            _move(db_path, aside)
        _move(staging, db_path)
    except BaseException:
        for stale in (staging, staging.with_name(staging.name + "-wal"), staging.with_name(staging.name + "-shm")):
            stale.unlink(missing_ok=True)
        _rebind(live, db_path)
        raise
    _rebind(live, db_path)
    receipt_seq, card_seq = _counters(facts, old)
    return RestoreResult(str(backup), str(aside) if aside else None, moved, receipt_seq, card_seq, old is not None,
                         backup_shop=facts.shop_name, backup_till=describe(facts), cards_wait_for_sync=old is None)


def _counters(facts: TillFacts, old: TillFacts | None) -> tuple[int, int]:
    if old is None:  # how far the till got after the backup is unknown: receipts jump a safe block
        return facts.receipt_seq + RECEIPT_JUMP, facts.card_seq
    return max(facts.receipt_seq, old.receipt_seq), max(facts.card_seq, old.card_seq)


def _stage(backup: Path, staging: Path, facts: TillFacts, old: TillFacts | None, staff: Any,
           now: dt.datetime) -> int:
    """The backup copied beside the till's file, migrated and renumbered there;
    the operations moved above what the hub has seen."""
    from services.journal import audit, continuity

    for stale in (staging, staging.with_name(staging.name + "-wal"), staging.with_name(staging.name + "-shm")):
        stale.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(check.read_only_uri(backup), uri=True)) as src, \
                contextlib.closing(sqlite3.connect(staging)) as dst:
            src.backup(dst)
    except (OSError, sqlite3.Error) as exc:
        raise InputError("restore_write_failed", path=str(staging.with_suffix("")), reason=str(exc)) from None

    receipt_seq, card_seq = _counters(facts, old)
    floor = max(facts.sent_seq, old.sent_seq if old else 0)
    database = open_database(staging)  # migrates a backup from an older LoyalTill (bound only until _rebind)
    try:
        with write_transaction():
            continuity.move_counters(receipt_seq, card_seq)
            Setting.insert(key=continuity.RESTORED_KEY, value=_json({
                "at": now.isoformat(timespec="seconds"), "backup": str(backup), "backup_seq": facts.max_seq,
                "receipt_seq": receipt_seq, "card_seq": card_seq, "exact": old is not None,
            })).on_conflict_replace().execute()
            audit.record("backup_restored", staff, target=backup.name, now=now, kept_aside=old is not None)
            return continuity.renumber_unsent(floor)
    finally:
        database.close()


def _rebind(live: Any, db_path: Path) -> None:
    """The program's handle back on the till's own file (the restored one, or
    the one that stayed after a failure); a program that had none gets none."""
    if live is None:
        db.initialize(None)
        return
    try:
        open_database(db_path)
    except (DatabaseUnusable, OSError):
        db.initialize(live)  # as it was: the caller's next read says what is wrong


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)

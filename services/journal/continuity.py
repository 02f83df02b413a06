"""After a restore: this till's numbers stay unique for the chain.

A backup is an older picture of the till.  The hub has already applied this
till's operations up to some `seq` (`hub_till.last_seq`, told by whoami) and
takes the next one only as seq + 1; receipts and card numbers made after the
backup are already printed.  So a restored till moves what it has not sent
yet above what the hub has seen (densely: the hub refuses gaps), and its
receipt and card counters past anything it may have used.

The restore does this at once from what the file it replaces knew; when
that file could not be read, the first sync after the restore finishes it
from the hub's own count (`settle_after_restore`).
"""
from __future__ import annotations

import json
from typing import Any

from models import db
from models.schema import Outbox, Setting, Till

# Set by a restore, cleared by the first sync that settles it (a till-local setting).
RESTORED_KEY = "restored_from_backup"


def renumber_unsent(floor: int) -> int:
    """Give every unsent operation, in order, the seqs floor+1, floor+2, ...
    (`floor` is the last seq the hub has applied: it takes floor+1 next and
    answers "gap" to anything beyond); inside the caller's transaction.
    Returns how many moved."""
    unsent = [seq for (seq,) in Outbox.select(Outbox.seq).where(Outbox.sent_at.is_null()).order_by(Outbox.seq).tuples()]
    if not unsent or unsent == list(range(floor + 1, floor + 1 + len(unsent))):
        return 0
    top = max(floor, Outbox.select(Outbox.seq).order_by(Outbox.seq.desc()).limit(1).scalar() or 0)
    # Two steps, so no new seq meets an old one on the way: first above everything, then down into place.
    shift = top + len(unsent) + 1
    conn = db.obj.connection()
    conn.executemany('UPDATE "outbox" SET seq = ? WHERE seq = ?', [(shift + i, seq) for i, seq in enumerate(unsent)])
    conn.executemany('UPDATE "outbox" SET seq = ? WHERE seq = ?',
                     [(floor + 1 + i, shift + i) for i in range(len(unsent))])
    return len(unsent)


def move_counters(receipt_seq: int, card_seq: int) -> None:
    """The local till's receipt and card serials at least these."""
    Till.update(receipt_seq=receipt_seq).where((Till.is_local == True) & (Till.receipt_seq < receipt_seq)).execute()  # noqa: E712
    Till.update(card_seq=card_seq).where((Till.is_local == True) & (Till.card_seq < card_seq)).execute()  # noqa: E712


def restored_marker() -> dict[str, Any] | None:
    row = Setting.get_or_none(Setting.key == RESTORED_KEY)
    return json.loads(row.value) if row else None


def settle_after_restore(hub_last_seq: int) -> int:
    """At the first sync after a restore, inside a write transaction: what is
    unsent goes above the hub's count; if the replaced file could not be read,
    the counters move on by as many operations as the hub saw beyond the
    backup (each receipt or card made then was at least one operation)."""
    marker = restored_marker()
    if marker is None:
        return 0
    # Sent rows above the hub's count were never applied (their answers came
    # from a life this file no longer has): they wait to be sent again.
    Outbox.update(sent_at=None).where((Outbox.seq > hub_last_seq) & Outbox.sent_at.is_null(False)).execute()
    moved = renumber_unsent(hub_last_seq)
    if not marker.get("exact"):
        beyond = max(0, hub_last_seq - int(marker.get("backup_seq", 0)))
        move_counters(int(marker.get("receipt_seq", 0)) + beyond, int(marker.get("card_seq", 0)) + beyond)
    Setting.delete().where(Setting.key == RESTORED_KEY).execute()
    return moved

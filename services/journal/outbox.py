"""The per-till outbox: every business write appends here, in its transaction.

The sync issue sends these to the hub in `seq` order; `op_id` lets the hub
apply each one once however often it is re-sent.
"""
from __future__ import annotations

from typing import Any

import uuid_utils

from models import db
from models.db import Statements, insert_rows
from models.schema import Outbox, utcnow
from services.journal import fieldclock
from services.core.serialize import compact, dumps


def record(kind: str, payload: dict[str, Any]) -> None:
    """Append an operation; call inside the transaction of the write it describes."""
    record_many(kind, [payload])


def record_many(kind: str, payloads: list[dict[str, Any]], *, new: bool = False,
                sink: Statements | None = None) -> None:
    """Append one operation per payload, in order; for bulk writes such as a batch of blank cards.
    `new`: every payload is a row born in this transaction (fieldclock.stamp_many).
    `sink`: the operations are kept there, to be written with the rest of its writes."""
    if sink is None and not db.obj.in_transaction():
        raise RuntimeError("outbox.record_many must run inside the write's transaction")
    if kind in fieldclock.STAMPED:  # master data merges field by field at the hub
        payloads = fieldclock.stamp_payloads(kind, payloads, new=new, sink=sink)
    if len(payloads) == 1 and sink is None:
        insert_rows(Outbox, [{"kind": kind, "payload": dumps(payloads[0])}])
        return
    # A bulk write (an import, a batch of cards): the columns worked out once, not per row, the
    # payloads as compact JSON (the same values; sync and the hub read them as JSON, never as text)
    # and each op_id's UUIDv7 as its 16 bytes straight away.
    at = Outbox.created_at.db_value(utcnow())
    uuid7 = uuid_utils.uuid7
    (sink or db.obj.cursor()).executemany(
        'INSERT INTO "outbox" (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)',
        [(uuid7().bytes, kind, compact(payload), at) for payload in payloads],
    )

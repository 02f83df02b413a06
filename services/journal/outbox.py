"""The per-till outbox: every business write appends here, in its transaction.

The sync issue sends these to the hub in `seq` order; `op_id` lets the hub
apply each one once however often it is re-sent.
"""
from __future__ import annotations

from typing import Any

from models import db
from models.db import insert_rows
from models.schema import Outbox
from services.journal import fieldclock
from services.core.serialize import dumps


def record(kind: str, payload: dict[str, Any]) -> None:
    """Append an operation; call inside the transaction of the write it describes."""
    record_many(kind, [payload])


def record_many(kind: str, payloads: list[dict[str, Any]]) -> None:
    """Append one operation per payload, in order; for bulk writes such as a batch of blank cards."""
    if not db.obj.in_transaction():
        raise RuntimeError("outbox.record_many must run inside the write's transaction")
    if kind in fieldclock.STAMPED:  # master data merges field by field at the hub
        payloads = fieldclock.stamp_payloads(kind, payloads)
    insert_rows(Outbox, [{"kind": kind, "payload": dumps(payload)} for payload in payloads])
